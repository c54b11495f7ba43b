// Retention per log type. Audit events past their retention are pruned only as a prefix of the chain, and
// only up to a tree size that was signed already: the signed root then commits to the leaf before the oldest
// kept row. Each cut is recorded as a `retention_applied` event in the chain, so a prefix deleted without
// one shows. The Merkle tree keeps every node, so proofs for what remains keep working.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identityOf, largestSignedSizeAtMost, retentionText, signText } from '../audit/checkpoint.js';
import { ownEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';
import { checkpointWal } from '../store/db.js';
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

// Rows of personal data that belong to no user cannot be erased by anyone's request: they get a short life.
const NO_SUBJECT_EXPIRED = 'WHERE p.subject IS NULL AND e.ts < ? AND e.seq > ?';

export function planRetention(
  s: Services,
  now = Date.now(),
  logDir = process.env.RECEIPTS_LOG_DIR,
): RetentionPlan {
  const db = s.store.sqlite;
  const { retention } = s.config;
  const cutoff = now - retention.auditDays * DAY;
  // The prefix ends before the first event that is still young enough, or that belongs to a held account.
  const stop = db
    .prepare<[number], { seq: number | null; held: number }>(
      `SELECT MIN(seq) AS seq, MAX(subject IN (SELECT subject FROM legal_holds)) AS held FROM (
         SELECT seq, subject FROM events
         WHERE ts >= ? OR subject IN (SELECT subject FROM legal_holds)
         ORDER BY seq LIMIT 1)`,
    )
    .get(cutoff);
  const anchor = db
    .prepare<[], { seq: number | null }>('SELECT MAX(through_seq) AS seq FROM retention_checkpoints')
    .get()?.seq;
  const head = s.log.head().seq;
  const wanted = (stop?.seq ?? head + 1) - 1;
  // Never sign an older size later: cut at the largest size already signed.
  const throughSeq = Math.max(anchor ?? 0, largestSignedSizeAtMost(db, wanted));
  const auditEvents = (
    db.prepare('SELECT COUNT(*) AS n FROM events WHERE seq <= ?').get(throughSeq) as { n: number }
  ).n;
  const activityDetails =
    retention.activityDays === null
      ? 0
      : (
          db
            .prepare(
              'SELECT COUNT(*) AS n FROM personal_data p JOIN events e ON e.seq = p.seq WHERE e.ts < ? AND e.seq > ? AND (p.subject IS NULL OR p.subject NOT IN (SELECT subject FROM legal_holds))',
            )
            .get(now - retention.activityDays * DAY, throughSeq) as { n: number }
        ).n;
  const ruleHits = (
    db.prepare('SELECT COUNT(*) AS n FROM rule_hits WHERE ts < ?').get(now - 31 * DAY) as { n: number }
  ).n;
  const serverLogFiles = logDir ? expiredLogFiles(logDir, now - retention.serverLogDays * DAY) : [];
  const webhooksDelivered = s.outbox.countDelivered(now - s.config.webhookKeepDays * DAY);
  const noSubjectDetails = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM personal_data p JOIN events e ON e.seq = p.seq ${NO_SUBJECT_EXPIRED}`,
      )
      .get(now - retention.noSubjectDays * DAY, throughSeq) as { n: number }
  ).n;
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
  const plan = planRetention(s, now);
  const { retention } = s.config;
  await s.pipeline.transact(() => {
    const db = s.store.sqlite;
    if (plan.auditEvents > 0) {
      const boundary = db
        .prepare<[number], { hash: string }>('SELECT hash FROM events WHERE seq = ?')
        .get(plan.throughSeq);
      if (boundary) {
        db.prepare('INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (?, ?, ?)').run(
          plan.throughSeq,
          boundary.hash,
          now,
        );
      }
      db.prepare('DELETE FROM personal_data WHERE seq <= ?').run(plan.throughSeq);
      db.prepare('DELETE FROM events WHERE seq <= ?').run(plan.throughSeq);
      const record = ownEvent(s.pipeline, {
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
      s.pipeline.apply(record);
    }
    if (retention.activityDays !== null && plan.activityDetails > 0) {
      db.prepare(
        'DELETE FROM personal_data WHERE seq IN (SELECT p.seq FROM personal_data p JOIN events e ON e.seq = p.seq WHERE e.ts < ? AND (p.subject IS NULL OR p.subject NOT IN (SELECT subject FROM legal_holds)))',
      ).run(now - retention.activityDays * DAY);
    }
    if (plan.noSubjectDetails > 0) {
      db.prepare(
        `DELETE FROM personal_data WHERE seq IN (SELECT p.seq FROM personal_data p JOIN events e ON e.seq = p.seq ${NO_SUBJECT_EXPIRED})`,
      ).run(now - retention.noSubjectDays * DAY, plan.throughSeq);
    }
    s.outbox.pruneDelivered(now - s.config.webhookKeepDays * DAY);
    s.windows.pruneBefore(now - 31 * DAY);
  });
  for (const file of plan.serverLogFiles) rmSync(file, { force: true });
  if (
    plan.auditEvents > 0 ||
    plan.activityDetails > 0 ||
    plan.noSubjectDetails > 0 ||
    plan.webhooksDelivered > 0
  )
    checkpointWal(s.store);
  await signCheckpoint(s, 'retention');
  s.logger.info({
    event_type: 'retention_applied',
    message: `pruned ${plan.auditEvents} audit events, ${plan.activityDetails} activity details, ${plan.noSubjectDetails} details of events about no user, ${plan.webhooksDelivered} delivered webhooks`,
    ...plan,
  });
  return plan;
}
