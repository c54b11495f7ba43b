// The ingestion pipeline: validate → redact → append → derive (sessions, devices, alerts).
// Host events come in through `ingest`; Receipts' own events through `record`. Both append and derive alike.
import type { IngestResult } from '../../shared/api.js';
import { type IngestEvent, MAX_BATCH } from '../../shared/schemas/event.js';
import type { Appended, AuditLog } from '../audit/writer.js';
import type { Bus } from '../bus.js';
import type { SessionChange } from '../derive/sessions.js';
import type { GeoLocator } from '../geo/index.js';
import { uuidv7 } from '../ids.js';
import { existingIds } from '../store/events.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Db } from '../store/sql.js';
import type { PreparedBatch } from './body.js';
import { type PreparedEvent, prepareEvent } from './prepare.js';
import { SharedJobs } from './shared-job.js';

/** Receipts' own events (revocations, support access, alerts, erasure): host-event fields without the id. */
export type OwnEvent = Omit<IngestEvent, 'id' | 'session_id'> & {
  /** The session the event is about, already as its ref (the HMAC of the host's id). */
  session_ref?: string | null;
};

/** What a deriver wants done after it looked at an event. */
export interface Derived {
  /** Receipts' own events to append after this one (each is derived from in turn). */
  record?: (OwnEvent | PreparedEvent)[];
  /** Alerts raised, for the user's live stream. */
  alerts?: { subject: string; id: string }[];
  /** Sessions that changed, for the user's live stream. */
  sessions?: { subject: string; id: string }[];
}

/**
 * Looks at an appended event inside its transaction: devices, sessions, alert rules and notices are all
 * derivers. One may fill in what later ones read (`deviceId`, `session`); none re-enters the pipeline.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a deriver that only writes state returns nothing.
export type Deriver = (applied: Applied, tx: Db) => Promise<Derived | void>;

/**
 * Reads ahead, once per batch, what a deriver will look up for each of its events (sessions by ref,
 * devices by user), so that it finds them in memory.
 */
export type Prefetch = (tx: Db, batch: readonly PreparedEvent[]) => Promise<void>;

/** Smaller batches touch their rows directly: a read ahead would cost as many statements as it saves. */
const PREFETCH_FROM = 4;

export interface Applied {
  prepared: PreparedEvent;
  appended: Appended;
  session: SessionChange | undefined;
  deviceId: string | null;
  newDevice: boolean;
}

export interface PipelineDeps {
  log: AuditLog;
  commit: GroupCommit;
  bus: Bus;
  pepper: Buffer;
  webhookSecret: string | null;
  /** Where addresses are, for `location`; null looks nothing up. */
  geo?: GeoLocator | null;
}

const isPrepared = (e: OwnEvent | PreparedEvent): e is PreparedEvent => 'redacted' in e && 'event' in e;

export class Pipeline {
  private readonly derivers: Deriver[] = [];
  private readonly prefetches: Prefetch[] = [];
  /** Subjects touched in the current transaction, announced once it commits. */
  private touched = new Map<string, { seq: number; sessions: Set<string> }>();
  private alerts: { subject: string; id: string }[] = [];

  /** Host batches waiting for the same group commit, run as one job (shared-job.ts). */
  private readonly batches: SharedJobs<PreparedEvent[], IngestResult>;

  constructor(readonly deps: PipelineDeps) {
    this.batches = new SharedJobs(
      deps.commit,
      (tx, parts) => this.appendBatches(tx, parts),
      (batch) => batch.length,
      MAX_BATCH,
    );
  }

  /** Registers a deriver; they run in the order registered. `prefetch` reads ahead for a whole batch. */
  use(deriver: Deriver, prefetch?: Prefetch): void {
    this.derivers.push(deriver);
    if (prefetch) this.prefetches.push(prefetch);
  }

  prepare(event: IngestEvent): PreparedEvent {
    return prepareEvent(event, {
      pepper: this.deps.pepper,
      webhookSecret: this.deps.webhookSecret,
      geo: this.deps.geo ?? null,
    });
  }

  /** One of Receipts' own events, prepared like a host event (redacted, personal data lifted out). */
  prepareOwn(e: OwnEvent): PreparedEvent {
    const { session_ref, ...event } = e;
    const prepared = this.prepare({ ...event, id: uuidv7() });
    prepared.event.sessionRef = session_ref ?? null;
    return prepared;
  }

  /** Records one of Receipts' own events inside `tx`: the one way anything but the host writes to the log. */
  record(tx: Db, e: OwnEvent | PreparedEvent): Promise<Applied> {
    return this.apply(tx, isPrepared(e) ? e : this.prepareOwn(e));
  }

  /** Appends one prepared event and runs the derivers on it. Runs inside a write transaction. */
  private async apply(tx: Db, prepared: PreparedEvent): Promise<Applied> {
    const appended = await this.deps.log.append(tx, prepared.event);
    const applied: Applied = { prepared, appended, session: undefined, deviceId: null, newDevice: false };
    for (const derive of this.derivers) {
      const derived = await derive(applied, tx);
      if (!derived) continue;
      for (const a of derived.alerts ?? []) this.alerts.push(a);
      for (const s of derived.sessions ?? []) this.touch(s.subject, 0, s.id);
      for (const e of derived.record ?? []) await this.record(tx, e);
    }
    if (appended.subject)
      this.touch(appended.subject, appended.seq, applied.session?.changed ? applied.session.id : null);
    if (prepared.redacted.length > 0) await this.recordRedaction(tx, prepared, appended);
    return applied;
  }

  /**
   * Host events (or a body a worker prepared, see workers/): one batch in the current group commit, sharing
   * a job with the batches that wait for the same group (shared-job.ts); durable when the promise resolves.
   */
  ingest(events: IngestEvent[] | PreparedBatch): Promise<IngestResult> {
    return this.batches.run(Array.isArray(events) ? events.map((e) => this.prepare(e)) : events.prepared);
  }

  /** Batches in arrival order, as if each were its own job: an id stored by an earlier one is a duplicate. */
  private async appendBatches(tx: Db, batches: readonly PreparedEvent[][]): Promise<IngestResult[]> {
    // One read for all of them: the ids another request (or another server) stored already.
    const stored = await existingIds(
      tx,
      batches.flatMap((b) => b.map((p) => p.event.id)),
    );
    const seen = new Set<string>();
    const fresh: PreparedEvent[] = [];
    const results = batches.map((batch) => {
      const ids: string[] = [];
      const duplicates: string[] = [];
      for (const p of batch) {
        const id = p.event.id;
        if (seen.has(id) || stored.has(id)) {
          duplicates.push(id);
          continue;
        }
        seen.add(id);
        fresh.push(p);
        ids.push(id);
      }
      return { accepted: ids.length, duplicates: duplicates.length, ids, duplicate_ids: duplicates };
    });
    if (fresh.length >= PREFETCH_FROM) for (const read of this.prefetches) await read(tx, fresh);
    for (const p of fresh) await this.apply(tx, p);
    return results;
  }

  /** Runs domain work (revocation, erasure, support access) in a write transaction of the group commit. */
  transact<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.deps.commit.run(work);
  }

  /** Marks a session change for the live stream. */
  touchSession(subject: string, sessionId: string): void {
    this.touch(subject, 0, sessionId);
  }

  private touch(subject: string, seq: number, sessionId: string | null): void {
    let t = this.touched.get(subject);
    if (!t) {
      t = { seq: 0, sessions: new Set() };
      this.touched.set(subject, t);
    }
    if (seq > t.seq) t.seq = seq;
    if (sessionId) t.sessions.add(sessionId);
  }

  /**
   * What the group that just committed touched, taken now (the next group starts at once); the live stream
   * is told when the returned function runs, once the group is on disk (the group commit calls both).
   */
  announcements(): () => void {
    const alerts = this.alerts;
    const touched = this.touched;
    this.alerts = [];
    this.touched = new Map();
    return () => {
      for (const a of alerts) this.deps.bus.alert(a.subject, a.id);
      for (const [subject, t] of touched) {
        if (t.seq > 0) this.deps.bus.activity({ subject, seq: t.seq });
        if (t.sessions.size > 0) this.deps.bus.sessions({ subject, sessionIds: [...t.sessions] });
      }
    };
  }

  private async recordRedaction(tx: Db, prepared: PreparedEvent, appended: Appended): Promise<void> {
    const e = prepared.event;
    await this.deps.log.append(tx, {
      id: uuidv7(),
      ts: Date.now(),
      eventType: 'sensitive_data_redacted',
      level: 'WARNING',
      outcome: null,
      userId: e.userId,
      sessionRef: null,
      requestId: e.requestId,
      resourceType: 'event',
      resourceId: appended.id,
      action: 'redact',
      metadata: { fields: prepared.redacted, source_event_type: e.eventType },
      personal: null,
    });
  }
}
