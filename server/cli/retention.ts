// `receipts retention [--dry-run]`: applies the retention policy now.
import { parseArgs } from 'node:util';
import { applyRetention, planRetention } from '../domain/retention.js';
import { CliError } from './error.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts retention [--dry-run]

Applies the retention policy (the server also runs it daily):
  audit events   RECEIPTS_RETENTION_AUDIT_DAYS (default 365, up to 7 years);
                 pruned only as a prefix of the chain, through a retention
                 checkpoint, so \`receipts verify\` still verifies the rest
  activity       RECEIPTS_RETENTION_ACTIVITY_DAYS: personal details (IP, user
                 agent) of older events; default: as long as the account exists
  server logs    RECEIPTS_RETENTION_LOG_DAYS (default 30) for files in
                 RECEIPTS_LOG_DIR
  no user        RECEIPTS_RETENTION_NO_SUBJECT_DAYS (default 30): personal
                 details of events about no user (a refused token's IP and
                 user agent, the id in a look-up of an unknown user)
  webhooks       RECEIPTS_WEBHOOK_KEEP_DAYS (default 7): delivered webhooks
Accounts under a legal hold keep everything.

  --dry-run   print what would be removed, change nothing
  --as-of T   apply the policy as it will stand at time T (ISO 8601), e.g. to
              see ahead what a deadline will remove; T may not be in the past`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'dry-run': { type: 'boolean' }, 'as-of': { type: 'string' } },
  });
  const asOf = values['as-of'] ? Date.parse(values['as-of']) : Date.now();
  if (Number.isNaN(asOf)) throw new CliError(`--as-of: not a time: ${values['as-of']}`);
  if (asOf < Date.now() - 60_000) throw new CliError('--as-of may not be in the past');
  const s = await openServices();
  try {
    const plan = values['dry-run'] ? await planRetention(s, asOf) : await applyRetention(s, asOf);
    const verb = values['dry-run'] ? 'would remove' : 'removed';
    process.stdout.write(
      `${[
        `audit events: ${verb} ${plan.auditEvents}${plan.throughSeq ? ` (through seq ${plan.throughSeq})` : ''}`,
        `activity details: ${verb} ${plan.activityDetails}`,
        `rule windows: ${verb} ${plan.ruleHits}`,
        `server log files: ${verb} ${plan.serverLogFiles.length}`,
        `details of events about no user: ${verb} ${plan.noSubjectDetails}`,
        `delivered webhooks: ${verb} ${plan.webhooksDelivered}`,
        ...(plan.heldBy ? [`audit pruning stops at events kept by ${plan.heldBy}`] : []),
      ].join('\n')}\n`,
    );
    return 0;
  } finally {
    await closeServices(s);
  }
}
