// The audit writer: the one function that writes events. It chains each row to the one before and keeps
// personal data beside the chain under a salted commitment. Nothing here updates or deletes events.
import canonicalize from 'canonicalize';
import type { DeviceInfo } from '../../shared/api.js';
import { random } from '../ids.js';
import type { Sqlite } from '../store/db.js';
import { GENESIS, personalFieldsCommit, rowHash } from './chain.js';
import { Subjects } from './subjects.js';
import { TreeWriter } from './tree.js';

export interface PersonalInput {
  ip: string | null;
  ipKey: Buffer | null;
  ipNet: string | null;
  userAgent: string | null;
  device: DeviceInfo | null;
  /** JSON of the Place looked up from `ip`, if any. */
  location?: string | null;
  /** Personal values lifted out of metadata, by path. */
  values: Record<string, unknown>;
}

export interface NewEvent {
  id: string;
  ts: number;
  eventType: string;
  level: string;
  outcome: string | null;
  userId: string | null;
  /** For events about an erased user: their pseudonym, with no user id (and so no personal data). */
  pseudonym?: string;
  sessionRef: string | null;
  requestId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  action: string | null;
  /** Already redacted, personal values already lifted out. */
  metadata: unknown;
  personal: PersonalInput | null;
}

export interface Appended {
  seq: number;
  id: string;
  hash: string;
  subject: string | null;
}

export interface Head {
  seq: number;
  hash: string;
}

export class AuditLog {
  readonly subjects: Subjects;
  /** The Merkle tree beside the chain, extended in the same transaction as each event. */
  readonly tree: TreeWriter;
  /** Off only to measure what the tree costs (bench); the tree then no longer matches the chain. */
  treeEnabled = true;
  private current: Head = { seq: 0, hash: GENESIS };
  private readonly insertEvent;
  private readonly insertPersonal;
  private readonly findId;
  private readonly readHead;
  private readonly readDataVersion;
  private dataVersion = -1;

  constructor(private readonly sqlite: Sqlite) {
    this.subjects = new Subjects(sqlite);
    this.tree = new TreeWriter(sqlite);
    this.insertEvent = sqlite.prepare(
      `INSERT INTO events (seq, id, ts, received_at, event_type, level, outcome, subject, session_ref, request_id,
        resource_type, resource_id, action, metadata, pii_commit, prev_hash, hash)
       VALUES (@seq, @id, @ts, @received_at, @event_type, @level, @outcome, @subject, @session_ref, @request_id,
        @resource_type, @resource_id, @action, @metadata, @pii_commit, @prev_hash, @hash)`,
    );
    this.insertPersonal = sqlite.prepare(
      `INSERT INTO personal_data (seq, subject, salt, user_id, ip, ip_key, ip_net, user_agent, browser, os,
        device_type, location, "values") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.findId = sqlite.prepare<[string], { seq: number }>('SELECT seq FROM events WHERE id = ?');
    this.readHead = sqlite.prepare<[], Head>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    this.readDataVersion = sqlite.prepare<[], number>('PRAGMA data_version').pluck();
    this.resync();
    this.syncWithStore();
  }

  head(): Head {
    return { ...this.current };
  }

  /**
   * Notices commits made by another connection (a CLI command such as `receipts erase` while the server
   * runs) and re-reads what this process caches. `data_version` changes only for other connections' commits.
   */
  syncWithStore(): void {
    const version = this.readDataVersion.get() as number;
    if (version !== this.dataVersion) {
      if (this.dataVersion !== -1) this.resync();
      this.dataVersion = version;
    }
  }

  /** Re-reads the head from the store: after a rolled-back transaction the in-memory head may be ahead. */
  resync(): void {
    this.current = this.readHead.get() ?? this.lastCheckpointHead() ?? { seq: 0, hash: GENESIS };
    this.tree.resync();
    this.subjects.clearCache();
  }

  /** Builds the tree for events written before it existed; returns how many leaves were added. */
  backfillTree(): number {
    return this.sqlite.transaction(() => {
      this.resync();
      return this.tree.catchUp(this.current.seq);
    })();
  }

  has(id: string): boolean {
    return this.findId.get(id) !== undefined;
  }

  /** Appends one event. Must run inside a write transaction; the caller resyncs if it rolls back. */
  append(e: NewEvent): Appended {
    // A store from before the tree (or written by an older version) is caught up inside this transaction.
    if (this.treeEnabled && this.tree.size() !== this.current.seq) this.tree.catchUp(this.current.seq);
    const subject = e.userId ? this.subjects.ensure(e.userId) : (e.pseudonym ?? null);
    const seq = this.current.seq + 1;
    const metadata =
      e.metadata === null || e.metadata === undefined ? null : (canonicalize(e.metadata) as string);

    let piiCommit: string | null = null;
    let salt: Buffer | null = null;
    const values = e.personal && Object.keys(e.personal.values).length > 0 ? e.personal.values : null;
    const personal = {
      user_id: e.userId,
      ip: e.personal?.ip ?? null,
      user_agent: e.personal?.userAgent ?? null,
      values,
    };
    if (
      personal.user_id !== null ||
      personal.ip !== null ||
      personal.user_agent !== null ||
      values !== null
    ) {
      salt = random(16);
      piiCommit = personalFieldsCommit(salt, personal);
    }

    const row = {
      seq,
      id: e.id,
      ts: e.ts,
      received_at: Date.now(),
      event_type: e.eventType,
      level: e.level,
      outcome: e.outcome,
      subject,
      session_ref: e.sessionRef,
      request_id: e.requestId,
      resource_type: e.resourceType,
      resource_id: e.resourceId,
      action: e.action,
      metadata,
      pii_commit: piiCommit,
      prev_hash: this.current.hash,
    };
    const hash = rowHash(row);
    this.insertEvent.run({ ...row, hash });
    if (this.treeEnabled) this.tree.append(hash);
    if (salt) {
      const p = e.personal;
      this.insertPersonal.run(
        seq,
        subject,
        salt,
        e.userId,
        p?.ip ?? null,
        p?.ipKey ?? null,
        p?.ipNet ?? null,
        p?.userAgent ?? null,
        p?.device?.browser ?? null,
        p?.device?.os ?? null,
        p?.device?.type ?? null,
        p?.location ?? null,
        values ? JSON.stringify(values) : null,
      );
    }
    this.current = { seq, hash };
    return { seq, id: e.id, hash, subject };
  }

  private lastCheckpointHead(): Head | undefined {
    return this.sqlite
      .prepare<[], Head>(
        'SELECT through_seq AS seq, hash FROM retention_checkpoints ORDER BY through_seq DESC LIMIT 1',
      )
      .get();
  }
}
