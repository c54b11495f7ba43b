// `receipts retention [--dry-run]`: applies the retention policy now.
import { parseArgs } from 'node:util';
import { applyRetention, planRetention } from '../domain/retention.js';
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
Accounts under a legal hold keep everything.

  --dry-run  print what would be removed, change nothing`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' } } });
  const s = openServices();
  try {
    const plan = values['dry-run'] ? planRetention(s) : await applyRetention(s);
    const verb = values['dry-run'] ? 'would remove' : 'removed';
    process.stdout.write(
      `${[
        `audit events: ${verb} ${plan.auditEvents}${plan.throughSeq ? ` (through seq ${plan.throughSeq})` : ''}`,
        `activity details: ${verb} ${plan.activityDetails}`,
        `rule windows: ${verb} ${plan.ruleHits}`,
        `server log files: ${verb} ${plan.serverLogFiles.length}`,
        ...(plan.heldBy ? [`audit pruning stops at events kept by ${plan.heldBy}`] : []),
      ].join('\n')}\n`,
    );
    return 0;
  } finally {
    await closeServices(s);
  }
}
