// Retention per log type. Audit events past their retention are pruned only as a prefix of the chain, and
// only up to a tree size that was signed already: the signed root then commits to the leaf before the oldest
// kept row. Each cut is recorded as a `retention_applied` event in the chain, so a prefix deleted without
// one shows. The Merkle tree keeps every node, so proofs for what remains keep working.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identityOf, largestSignedSizeAtMost, retentionText, signText } from '../audit/checkpoint.js';
import type { Services } from '../services.js';
import { insertRetentionCut, lastRetentionCut } from '../store/checkpoints.js';
import { eventAt, readHead } from '../store/events.js';
import {
  countEventsThrough,
  countExpiredDetails,
  countNoSubjectDetails,
  deleteExpiredDetails,
  deleteNoSubjectDetails,
  firstKept,
  pruneThrough,
} from '../store/retention.js';
import type { Db } from '../store/sql.js';
import { countRuleHits, pruneRuleHits } from '../store/windows.js';
import { signCheckpoint } from './checkpoints.js';

const DAY = 86_400_000;

export interface RetentionPlan {
  /** Audit events up to and including this seq go (0: none). */
  throughSeq: number;
  auditEvents: number;
  /** Events whose personal details (IP, user agent) expire while the event stays. */
  activityDetails: number;
  /** Rule windows older than any rule looks back. */
  ruleHits: number;
  serverLogFiles: string[];
  /** Delivered webhooks older than RECEIPTS_WEBHOOK_KEEP_DAYS. */
  webhooksDelivered: number;
  /** Personal details of events about no user (refused tokens, look-ups of unknown ids) past their days. */
  noSubjectDetails: number;
  /** Why the prefix stops where it does, when a hold stops it. */
  heldBy: string | null;
}

/** What retention would remove at `now` (a dry run: nothing changes). */
export function planRetention(
  s: Services,
  now = Date.now(),
  logDir = process.env.RECEIPTS_LOG_DIR,
): Promise<RetentionPlan> {
  return planWith(s, s.store.db, now, logDir);
}

/** The plan read from `db`: the transaction that applies it, or the latest committed state. */
async function planWith(
  s: Services,
  db: Db,
  now: number,
  logDir: string | undefined,
): Promise<RetentionPlan> {
  const { retention } = s.config;
  const cutoff = now - retention.auditDays * DAY;
  const stop = await firstKept(db, cutoff);
  const anchor = await lastRetentionCut(db);
  const head = (await readHead(db))?.seq ?? 0;
  const wanted = (stop?.seq ?? head + 1) - 1;
  // Never sign an older size later: cut at the largest size already signed.
  const throughSeq = Math.max(anchor ?? 0, await largestSignedSizeAtMost(db, wanted));
  const auditEvents = await countEventsThrough(db, throughSeq);
  const activityDetails =
    retention.activityDays === null
      ? 0
      : await countExpiredDetails(db, now - retention.activityDays * DAY, throughSeq);
  const ruleHits = await countRuleHits(db, now - 31 * DAY);
  const serverLogFiles = logDir ? expiredLogFiles(logDir, now - retention.serverLogDays * DAY) : [];
  const webhooksDelivered = await s.outbox.countDelivered(db, now - s.config.webhookKeepDays * DAY);
  const noSubjectDetails = await countNoSubjectDetails(db, now - retention.noSubjectDays * DAY, throughSeq);
  return {
    throughSeq: auditEvents > 0 ? throughSeq : 0,
    auditEvents,
    activityDetails,
    ruleHits,
    serverLogFiles,
    webhooksDelivered,
    noSubjectDetails,
    heldBy: stop?.held ? 'a legal hold' : null,
  };
}

function expiredLogFiles(dir: string, before: number): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^receipts-\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))
      .filter((f) => Date.parse(f.slice(9, 19)) + DAY <= before)
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export async function applyRetention(s: Services, now = Date.now()): Promise<RetentionPlan> {
  const { retention } = s.config;
  const logDir = process.env.RECEIPTS_LOG_DIR;
  // Planned inside the transaction that applies it, so nothing changes between the two.
  const plan = await s.pipeline.transact(async (tx) => {
    const plan = await planWith(s, tx, now, logDir);
    if (plan.auditEvents > 0) {
      const boundary = await eventAt(tx, plan.throughSeq);
      if (boundary) await insertRetentionCut(tx, plan.throughSeq, boundary.hash, now);
      await pruneThrough(tx, plan.throughSeq);
      const record = s.pipeline.prepareOwn({
        event_type: 'retention_applied',
        level: 'INFO',
        outcome: 'success',
        metadata: { through_seq: plan.throughSeq, pruned: plan.auditEvents },
      });
      // The log key's signature over the cut is added after redaction: it is Receipts' own public value, and
      // a redactor rightly wary of anything under a key named "signature" must not be able to erase it.
      (record.event.metadata as Record<string, unknown>).signature = boundary
        ? signText(
            retentionText(s.config.logOrigin, plan.throughSeq, boundary.hash),
            identityOf(s.config),
          ).toString('hex')
        : null;
      await s.pipeline.record(tx, record);
    }
    if (retention.activityDays !== null && plan.activityDetails > 0)
      await deleteExpiredDetails(tx, now - retention.activityDays * DAY);
    if (plan.noSubjectDetails > 0)
      await deleteNoSubjectDetails(tx, now - retention.noSubjectDays * DAY, plan.throughSeq);
    await s.outbox.pruneDelivered(tx, now - s.config.webhookKeepDays * DAY);
    await pruneRuleHits(tx, now - 31 * DAY);
    return plan;
  });
  for (const file of plan.serverLogFiles) rmSync(file, { force: true });
  if (
    plan.auditEvents > 0 ||
    plan.activityDetails > 0 ||
    plan.noSubjectDetails > 0 ||
    plan.webhooksDelivered > 0
  )
    await s.store.compact();
  await signCheckpoint(s, 'retention');
  s.logger.info({
    event_type: 'retention_applied',
    message: `pruned ${plan.auditEvents} audit events, ${plan.activityDetails} activity details, ${plan.noSubjectDetails} details of events about no user, ${plan.webhooksDelivered} delivered webhooks`,
    ...plan,
  });
  return plan;
}
