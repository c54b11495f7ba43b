// Raising an alert: a record (deduplicated per rule and key), an `alert_raised` event in the audit log,
// an `alert.raised` webhook from the outbox, and a notice on the user's live stream.
import type { AlertSeverity } from '../../shared/api.js';
import type { RulesConfig } from '../config.js';
import { randomId } from '../ids.js';
import { ownEvent, type Pipeline } from '../ingest/pipeline.js';
import type { Sqlite } from '../store/db.js';
import type { Outbox } from '../webhooks/outbox.js';

export interface AlertDraft {
  rule: string;
  severity: AlertSeverity;
  /** Pseudonym of the account concerned, or null for a host-wide alert. */
  subject: string | null;
  /** The account's user id, so the `alert_raised` event shows in their activity. */
  userId: string | null;
  /** What makes two hits "the same burst" (e.g. the source network, or the account). */
  key: string;
  /** English fallback; the component words the alert itself from `rule` and `params`. */
  summary: string;
  /** Plain values for the message (counts, networks, a device name): never a full IP. */
  params?: Record<string, string | number | boolean | null>;
  /** Public id of the session that acted; revoking or reporting it resolves the alert. */
  sessionId?: string | null;
  eventIds: string[];
  /** When the triggering event happened: what the user is shown, and what bursts are measured by. */
  at: number;
  details?: Record<string, unknown>;
}

const RANK: Record<AlertSeverity, number> = { notice: 0, low: 1, medium: 2, high: 3, critical: 4 };

export class AlertRaiser {
  private readonly findOpen;
  private readonly insert;
  private readonly extend;

  constructor(
    sqlite: Sqlite,
    private readonly outbox: Outbox,
    private readonly config: RulesConfig,
  ) {
    this.findOpen = sqlite.prepare<
      [string, number],
      { id: string; severity: AlertSeverity; event_ids: string }
    >(
      "SELECT id, severity, event_ids FROM alerts WHERE dedupe_key = ? AND status = 'open' AND created_at >= ? ORDER BY created_at DESC LIMIT 1",
    );
    this.insert = sqlite.prepare(
      `INSERT INTO alerts (id, subject, rule, severity, status, created_at, updated_at, summary, event_ids, dedupe_key,
         params, session_id) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.extend = sqlite.prepare(
      'UPDATE alerts SET event_ids = ?, severity = ?, summary = ?, params = COALESCE(?, params), updated_at = ? WHERE id = ?',
    );
  }

  /** Raises (or folds into a recent open alert of the same rule and key). Runs inside the write transaction. */
  raise(pipeline: Pipeline, draft: AlertDraft): string {
    const now = Date.now();
    const dedupeKey = `${draft.rule}:${draft.key}`;
    const open = this.findOpen.get(dedupeKey, draft.at - this.config.dedupeMinutes * 60_000);
    if (open) {
      const ids = [...new Set([...(JSON.parse(open.event_ids) as string[]), ...draft.eventIds])];
      const severity = RANK[draft.severity] > RANK[open.severity] ? draft.severity : open.severity;
      this.extend.run(
        JSON.stringify(ids),
        severity,
        draft.summary,
        draft.params ? JSON.stringify(draft.params) : null,
        now,
        open.id,
      );
      return open.id;
    }
    const id = randomId('alr');
    this.insert.run(
      id,
      draft.subject,
      draft.rule,
      draft.severity,
      draft.at,
      now,
      draft.summary,
      JSON.stringify(draft.eventIds),
      dedupeKey,
      JSON.stringify(draft.params ?? {}),
      draft.sessionId ?? null,
    );
    pipeline.apply(
      ownEvent(pipeline, {
        event_type: 'alert_raised',
        level:
          draft.severity === 'critical'
            ? 'CRITICAL'
            : RANK[draft.severity] >= RANK.medium
              ? 'WARNING'
              : 'INFO',
        ...(draft.userId ? { user_id: draft.userId } : {}),
        outcome: 'success',
        resource_type: 'alert',
        resource_id: id,
        metadata: {
          alert: id,
          rule: draft.rule,
          severity: draft.severity,
          events: draft.eventIds,
          ...draft.details,
        },
      }),
    );
    this.outbox.enqueue(
      'alert.raised',
      {
        alert: id,
        rule: draft.rule,
        severity: draft.severity,
        summary: draft.summary,
        user_id: draft.userId,
        event_ids: draft.eventIds,
        ...draft.details,
      },
      draft.subject,
    );
    if (draft.subject) pipeline.touchAlert(draft.subject, id);
    return id;
  }
}
