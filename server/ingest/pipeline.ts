// The ingestion pipeline: validate → redact → append → derive (sessions, devices, alerts).
// Everything that writes events — host events, revocations, support access — goes through `apply`.
import type { IngestResult } from '../../shared/api.js';
import type { IngestEvent } from '../../shared/schemas/event.js';
import type { Appended, AuditLog } from '../audit/writer.js';
import type { Bus } from '../bus.js';
import type { DeviceTracker } from '../derive/devices.js';
import type { SessionChange, SessionTracker } from '../derive/sessions.js';
import type { GeoLocator } from '../geo/index.js';
import { uuidv7 } from '../ids.js';
import type { GroupCommit } from '../store/group-commit.js';
import { type PreparedEvent, prepareEvent } from './prepare.js';

/** Runs after an event is appended and its session and device are known; may append more events. */
export type Deriver = (applied: Applied, pipeline: Pipeline) => void;

export interface Applied {
  prepared: PreparedEvent;
  appended: Appended;
  session: SessionChange | undefined;
  deviceId: string | null;
  newDevice: boolean;
}

export interface PipelineDeps {
  log: AuditLog;
  sessions: SessionTracker;
  devices: DeviceTracker;
  commit: GroupCommit;
  bus: Bus;
  pepper: Buffer;
  webhookSecret: string | null;
  /** Where addresses are, for `location`; null looks nothing up. */
  geo?: GeoLocator | null;
}

export class Pipeline {
  private readonly derivers: Deriver[] = [];
  /** Subjects touched in the current transaction, announced once it commits. */
  private touched = new Map<string, { seq: number; sessions: Set<string> }>();
  private alerts: { subject: string; id: string }[] = [];

  constructor(readonly deps: PipelineDeps) {}

  use(deriver: Deriver): void {
    this.derivers.push(deriver);
  }

  prepare(event: IngestEvent): PreparedEvent {
    return prepareEvent(event, {
      pepper: this.deps.pepper,
      webhookSecret: this.deps.webhookSecret,
      geo: this.deps.geo ?? null,
    });
  }

  /** Appends one prepared event and derives from it. Runs inside a write transaction. */
  apply(prepared: PreparedEvent): Applied {
    const { log, devices, sessions } = this.deps;
    const appended = log.append(prepared.event);
    const e = prepared.event;
    let deviceId: string | null = null;
    let newDevice = false;
    if (appended.subject && prepared.device && e.outcome !== 'failure') {
      const seen = devices.observe({
        subject: appended.subject,
        device: prepared.device,
        ts: e.ts,
        ipNet: prepared.ipNet,
        location: prepared.location,
      });
      deviceId = seen.id;
      newDevice = seen.isNew;
    }
    const session = sessions.observe({
      subject: appended.subject,
      ref: e.sessionRef,
      eventType: e.eventType,
      outcome: e.outcome,
      ts: e.ts,
      ipNet: prepared.ipNet,
      location: prepared.location,
      device: prepared.device,
      deviceId,
      hostTag: prepared.hostTag,
    });
    if (appended.subject) this.touch(appended.subject, appended.seq, session?.changed ? session.id : null);
    if (prepared.redacted.length > 0) this.recordRedaction(prepared, appended);
    const applied: Applied = { prepared, appended, session, deviceId, newDevice };
    for (const derive of this.derivers) derive(applied, this);
    return applied;
  }

  /** Host events: one batch, one savepoint in the current group commit; durable when the promise resolves. */
  async ingest(events: IngestEvent[]): Promise<IngestResult> {
    const prepared = events.map((e) => this.prepare(e));
    const result = await this.deps.commit.run(() => {
      const ids: string[] = [];
      const duplicates: string[] = [];
      const inBatch = new Set<string>();
      for (const p of prepared) {
        const id = p.event.id;
        if (inBatch.has(id) || this.deps.log.has(id)) {
          duplicates.push(id);
          continue;
        }
        inBatch.add(id);
        this.apply(p);
        ids.push(id);
      }
      return { accepted: ids.length, duplicates: duplicates.length, ids, duplicate_ids: duplicates };
    });
    this.announce();
    return result;
  }

  /** Runs domain work (revocation, erasure, support access) in the group commit, then announces it. */
  async transact<T>(work: () => T): Promise<T> {
    try {
      return await this.deps.commit.run(work);
    } finally {
      this.announce();
    }
  }

  /** Marks a session change for the live stream. */
  touchSession(subject: string, sessionId: string): void {
    this.touch(subject, 0, sessionId);
  }

  /** Marks a new alert for the live stream. */
  touchAlert(subject: string, id: string): void {
    this.alerts.push({ subject, id });
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

  private announce(): void {
    const alerts = this.alerts;
    this.alerts = [];
    for (const a of alerts) this.deps.bus.alert(a.subject, a.id);
    if (this.touched.size === 0) return;
    const touched = this.touched;
    this.touched = new Map();
    for (const [subject, t] of touched) {
      if (t.seq > 0) this.deps.bus.activity({ subject, seq: t.seq });
      if (t.sessions.size > 0) this.deps.bus.sessions({ subject, sessionIds: [...t.sessions] });
    }
  }

  private recordRedaction(prepared: PreparedEvent, appended: Appended): void {
    const e = prepared.event;
    this.deps.log.append({
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

/** Receipts' own events (revocations, support access, …), built like host events and applied the same way. */
export function ownEvent(
  pipeline: Pipeline,
  e: Omit<IngestEvent, 'id' | 'session_id'>,
  sessionRef: string | null = null,
): PreparedEvent {
  const prepared = pipeline.prepare({ ...e, id: uuidv7() });
  prepared.event.sessionRef = sessionRef;
  return prepared;
}
