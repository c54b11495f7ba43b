// The audit writer: the one function that writes events. It chains each row to the one before and keeps
// personal data beside the chain under a salted commitment. Nothing here updates or deletes events.
import type { DeviceInfo } from '../../shared/api.js';
import { appendRows, type EventRow, type Head, type PersonalRow, readHead } from '../store/events.js';
import type { Db, Params, Statement } from '../store/sql.js';
import { GENESIS, rowHash, type Sealed, seal } from './chain.js';
import { Subjects } from './subjects.js';
import { leafHashOf, TreeWriter } from './tree.js';

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
  /**
   * What `seal` derives from the fields above, when it was done before the write (a host event, on a prepare
   * worker). An event changed after sealing must not carry it.
   */
  sealed?: Sealed;
}

export interface Appended {
  seq: number;
  id: string;
  hash: string;
  subject: string | null;
}

export type { Head } from '../store/events.js';

export class AuditLog {
  readonly subjects: Subjects;
  /** The Merkle tree beside the chain, extended in the same transaction as each event. */
  readonly tree = new TreeWriter();
  /** Off only to measure what the tree costs (bench); the tree then no longer matches the chain. */
  treeEnabled = true;
  private current: Head = { seq: 0, hash: GENESIS };
  /** Set when in-memory state may be ahead of the store (a rollback); the next group re-reads it. */
  private stale = true;
  /**
   * Rows appended but not yet written: they go to the store together when the job ends, or before any
   * statement of the same transaction that reads those tables (see `bind`).
   */
  private pending: { events: EventRow[]; personal: PersonalRow[]; nodes: { id: number; hash: Buffer }[] } = {
    events: [],
    personal: [],
    nodes: [],
  };

  /** `shared`: other processes write the same store, so nothing is cached between transactions. */
  constructor(shared: boolean) {
    this.subjects = new Subjects(shared);
  }

  head(): Head {
    return { ...this.current };
  }

  /**
   * At the start of each write transaction, under the store's write lock: catches up with what other
   * connections committed since (another server, or a CLI command such as `receipts erase`).
   */
  async sync(db: Db): Promise<void> {
    const stored = (await readHead(db)) ?? { seq: 0, hash: GENESIS };
    if (this.stale || stored.seq !== this.current.seq || stored.hash !== this.current.hash) {
      this.current = stored;
      await this.tree.resync(db);
      this.subjects.clearCache();
      this.stale = false;
    }
    this.subjects.startGroup();
  }

  /** After a rolled-back transaction the in-memory head may be ahead: the next group re-reads it. */
  invalidate(): void {
    this.stale = true;
    this.pending = { events: [], personal: [], nodes: [] };
    this.subjects.clearCache();
  }

  /** Writes the rows appended since the last flush; the group commit calls it at the end of each job. */
  async flush(db: Db): Promise<void> {
    const { events, personal, nodes } = this.pending;
    if (events.length === 0) return;
    this.pending = { events: [], personal: [], nodes: [] };
    await appendRows(db, { events, nodes, personal });
  }

  /**
   * The transaction as jobs see it: a statement that reads or changes the log's tables first writes what
   * is pending, so nothing in the transaction ever misses an appended row (an erasure deleting personal
   * data right after recording an event, a duplicate check, a proof).
   */
  bind(db: Db): Db {
    const before = async (st: Statement) => {
      if (st.touchesLog && this.pending.events.length > 0) await this.flush(db);
    };
    return {
      dialect: db.dialect,
      all: async <T>(st: Statement, params?: Params) => {
        await before(st);
        return db.all<T>(st, params);
      },
      get: async <T>(st: Statement, params?: Params) => {
        await before(st);
        return db.get<T>(st, params);
      },
      run: async (st: Statement, params?: Params) => {
        await before(st);
        return db.run(st, params);
      },
    };
  }

  /** Reads the head for a process that does not write (a CLI command, a reader). */
  async load(db: Db): Promise<Head> {
    this.stale = true;
    await this.sync(db);
    return this.head();
  }

  /** Builds the tree for events written before it existed; returns how many leaves were added. */
  async backfillTree(db: Db): Promise<number> {
    await this.sync(db);
    return this.tree.catchUp(db, this.current.seq);
  }

  /** Appends one event. Must run inside a write transaction; a rollback must be followed by `invalidate`. */
  async append(db: Db, e: NewEvent): Promise<Appended> {
    // A store from before the tree (or written by an older version) is caught up inside this transaction.
    if (this.treeEnabled && this.tree.size() !== this.current.seq)
      await this.tree.catchUp(db, this.current.seq);
    const subject = e.userId ? await this.subjects.ensure(db, e.userId) : (e.pseudonym ?? null);
    const seq = this.current.seq + 1;
    const { metadata, salt, piiCommit, values } = e.sealed ?? seal(e);

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
    // The head moves now, so the next append chains to this one; the rows are written at the next flush.
    // If that fails the job's savepoint rolls back and the group commit invalidates all of this.
    this.current = { seq, hash };
    this.pending.events.push({ ...row, hash });
    if (this.treeEnabled) for (const n of this.tree.extend(leafHashOf(hash))) this.pending.nodes.push(n);
    if (salt) {
      const p = e.personal;
      this.pending.personal.push({
        seq,
        subject,
        salt,
        user_id: e.userId,
        ip: p?.ip ?? null,
        ip_key: p?.ipKey ?? null,
        ip_net: p?.ipNet ?? null,
        user_agent: p?.userAgent ?? null,
        browser: p?.device?.browser ?? null,
        os: p?.device?.os ?? null,
        device_type: p?.device?.type ?? null,
        location: p?.location ?? null,
        values,
      });
    }
    return { seq, id: e.id, hash, subject };
  }
}
