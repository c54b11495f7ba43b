// Raising an alert: a record (deduplicated per rule and key), an `alert_raised` event in the audit log,
// an `alert.raised` webhook from the outbox, and a notice on the user's live stream.
import type { AlertSeverity } from '../../shared/api.js';
import type { RulesConfig } from '../config.js';
import { randomId } from '../ids.js';
import type { OwnEvent } from '../ingest/pipeline.js';
import { extendAlert, findOpenAlert, insertAlert } from '../store/alerts.js';
import type { Db } from '../store/sql.js';
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

/** The alert's id; for a new alert, the `alert_raised` event for the caller to record after its event. */
export interface Raised {
  id: string;
  record?: OwnEvent;
}

const RANK: Record<AlertSeverity, number> = { notice: 0, low: 1, medium: 2, high: 3, critical: 4 };

export class AlertRaiser {
  constructor(
    private readonly outbox: Outbox,
    private readonly config: RulesConfig,
  ) {}

  /** Raises (or folds into a recent open alert of the same rule and key). Runs inside the write transaction. */
  async raise(tx: Db, draft: AlertDraft): Promise<Raised> {
    const now = Date.now();
    const dedupeKey = `${draft.rule}:${draft.key}`;
    const open = await findOpenAlert(tx, dedupeKey, draft.at - this.config.dedupeMinutes * 60_000);
    if (open) {
      const ids = [...new Set([...(JSON.parse(open.event_ids) as string[]), ...draft.eventIds])];
      await extendAlert(tx, {
        id: open.id,
        event_ids: JSON.stringify(ids),
        severity: RANK[draft.severity] > RANK[open.severity] ? draft.severity : open.severity,
        summary: draft.summary,
        params: draft.params ? JSON.stringify(draft.params) : null,
        at: now,
      });
      return { id: open.id };
    }
    const id = randomId('alr');
    await insertAlert(tx, {
      id,
      subject: draft.subject,
      rule: draft.rule,
      severity: draft.severity,
      created_at: draft.at,
      updated_at: now,
      summary: draft.summary,
      event_ids: JSON.stringify(draft.eventIds),
      dedupe_key: dedupeKey,
      params: JSON.stringify(draft.params ?? {}),
      session_id: draft.sessionId ?? null,
    });
    await this.outbox.enqueue(
      tx,
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
    const record: OwnEvent = {
      event_type: 'alert_raised',
      level:
        draft.severity === 'critical' ? 'CRITICAL' : RANK[draft.severity] >= RANK.medium ? 'WARNING' : 'INFO',
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
    };
    return { id, record };
  }
}
