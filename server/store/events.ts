// The audit log's rows: events (the chain), personal data beside them, and the subjects table that is the
// one link from a pseudonym back to a person.
import type { ChainedEvent } from '../../shared/tlog/event-hash.js';
import { type Db, sql, unnestColumns } from './sql.js';
import { insertNode } from './tree.js';

/** An events row as stored: the shape the chain hash covers. */
export type EventRow = ChainedEvent;

export interface PersonalRow {
  seq: number;
  subject: string | null;
  salt: Buffer;
  user_id: string | null;
  ip: string | null;
  ip_key: Buffer | null;
  ip_net: string | null;
  user_agent: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  location: string | null;
  values: string | null;
}

export interface Head {
  seq: number;
  hash: string;
}

const INSERT_EVENT = sql(
  `INSERT INTO events (seq, id, ts, received_at, event_type, level, outcome, subject, session_ref, request_id,
    resource_type, resource_id, action, metadata, pii_commit, prev_hash, hash)
   VALUES (@seq, @id, @ts, @received_at, @event_type, @level, @outcome, @subject, @session_ref, @request_id,
    @resource_type, @resource_id, @action, @metadata, @pii_commit, @prev_hash, @hash)`,
);
const INSERT_PERSONAL = sql(
  `INSERT INTO personal_data (seq, subject, salt, user_id, ip, ip_key, ip_net, user_agent, browser, os,
    device_type, location, "values") VALUES (@seq, @subject, @salt, @user_id, @ip, @ip_key, @ip_net,
    @user_agent, @browser, @os, @device_type, @location, @values)`,
);
const HEAD = sql('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
const RETENTION_HEAD = sql(
  'SELECT through_seq AS seq, hash FROM retention_checkpoints ORDER BY through_seq DESC LIMIT 1',
);
const BY_SEQ = sql('SELECT * FROM events WHERE seq = ?');
const HASHES_AFTER = sql('SELECT seq, hash FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?');

// On PostgreSQL a job's rows travel as arrays unnested into rows: one round trip where a row at a time would
// be one each. SQLite has no round trip; it takes its prepared insert per row.
const EVENTS_UNNEST = `INSERT INTO events (seq, id, ts, received_at, event_type, level, outcome, subject,
    session_ref, request_id, resource_type, resource_id, action, metadata, pii_commit, prev_hash, hash)
   SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`;
const PERSONAL_UNNEST = `INSERT INTO personal_data (seq, subject, salt, user_id, ip, ip_key, ip_net, user_agent,
    browser, os, device_type, location, "values")
   SELECT * FROM unnest(?::bigint[], ?::text[], ?::bytea[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`;

const EVENT_COLUMNS = [
  'seq',
  'id',
  'ts',
  'received_at',
  'event_type',
  'level',
  'outcome',
  'subject',
  'session_ref',
  'request_id',
  'resource_type',
  'resource_id',
  'action',
  'metadata',
  'pii_commit',
  'prev_hash',
  'hash',
] as const;
const PERSONAL_COLUMNS = [
  'seq',
  'subject',
  'salt',
  'user_id',
  'ip',
  'ip_key',
  'ip_net',
  'user_agent',
  'browser',
  'os',
  'device_type',
  'location',
  'values',
] as const;

export function insertEvent(db: Db, row: EventRow): Promise<number> {
  return db.run(INSERT_EVENT, row as unknown as Record<string, string | number | null>);
}

export function insertPersonal(db: Db, row: PersonalRow): Promise<number> {
  return db.run(INSERT_PERSONAL, row as unknown as Record<string, string | number | Buffer | null>);
}

// A job's appended rows in one round trip on PostgreSQL: the event rows, their tree nodes and their
// personal data as three inserts of one statement (no foreign keys tie them, so order does not matter).
const APPEND_PG = sql({
  sqlite: 'SELECT 1',
  pg: `WITH e AS (${EVENTS_UNNEST}),
    n AS (INSERT INTO merkle_nodes (id, hash) SELECT * FROM unnest(?::bigint[], ?::bytea[]))
    ${PERSONAL_UNNEST}`,
});

/** Writes a job's appended rows: events, tree nodes, personal data. */
export async function appendRows(
  db: Db,
  rows: {
    events: readonly EventRow[];
    nodes: readonly { id: number; hash: Buffer }[];
    personal: readonly PersonalRow[];
  },
): Promise<void> {
  if (db.dialect !== 'postgres') {
    // No round trips to save: each row through its prepared insert.
    for (const r of rows.events) await insertEvent(db, r);
    for (const n of rows.nodes) await insertNode(db, n.id, n.hash);
    for (const r of rows.personal) await insertPersonal(db, r);
    return;
  }
  await db.run(APPEND_PG, [
    ...unnestColumns(rows.events, EVENT_COLUMNS),
    rows.nodes.map((n) => n.id),
    rows.nodes.map((n) => n.hash),
    ...unnestColumns(rows.personal, PERSONAL_COLUMNS),
  ]);
}

const EXISTING_IDS = sql({
  sqlite: 'SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))',
  pg: 'SELECT id FROM events WHERE id = ANY (?::text[])',
});

/** Which of these event ids are stored already: one read for a whole batch. */
export async function existingIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const param = db.dialect === 'postgres' ? ids : JSON.stringify(ids);
  return new Set((await db.all<{ id: string }>(EXISTING_IDS, [param])).map((r) => r.id));
}

/** The newest event, or (after a retention cut of everything) the head the cut recorded. */
export async function readHead(db: Db): Promise<Head | undefined> {
  return (await db.get<Head>(HEAD)) ?? (await db.get<Head>(RETENTION_HEAD));
}

export function eventAt(db: Db, seq: number): Promise<EventRow | undefined> {
  return db.get<EventRow>(BY_SEQ, [seq]);
}

/** Chain hashes of (after, through], oldest first, at most `limit`. */
export function hashesAfter(
  db: Db,
  after: number,
  through: number,
  limit: number,
): Promise<{ seq: number; hash: string }[]> {
  return db.all(HASHES_AFTER, [after, through, limit]);
}

// Subjects.
const SUBJECT_OF = sql('SELECT pseudonym FROM subjects WHERE user_id = ?');
const INSERT_SUBJECT = sql('INSERT INTO subjects (user_id, pseudonym, created_at) VALUES (?, ?, ?)');
const DELETE_SUBJECT = sql('DELETE FROM subjects WHERE user_id = ?');
const USER_OF = sql('SELECT user_id FROM subjects WHERE pseudonym = ?');

export async function pseudonymOf(db: Db, userId: string): Promise<string | null> {
  return (await db.get<{ pseudonym: string }>(SUBJECT_OF, [userId]))?.pseudonym ?? null;
}

export function insertSubject(db: Db, userId: string, pseudonym: string, at: number): Promise<number> {
  return db.run(INSERT_SUBJECT, [userId, pseudonym, at]);
}

export function deleteSubject(db: Db, userId: string): Promise<number> {
  return db.run(DELETE_SUBJECT, [userId]);
}

export async function userIdOf(db: Db, pseudonym: string): Promise<string | null> {
  return (await db.get<{ user_id: string }>(USER_OF, [pseudonym]))?.user_id ?? null;
}
