// What `receipts verify` reads: every row the chain, the tree and the commitments cover, a page at a time
// (a `seq > ?` or `id > ?` cursor), so a log of any size is walked in bounded memory on either backend.
import type { EventRow } from './events.js';
import { type Db, sql } from './sql.js';

export const VERIFY_PAGE = 5000;

const COUNT_EVENTS = sql('SELECT COUNT(*) AS n FROM events');
const LAST_SEQ = sql('SELECT MAX(seq) AS seq FROM events');
const LAST_NODE = sql('SELECT MAX(id) AS id FROM merkle_nodes');
const NODES = sql('SELECT id, hash FROM merkle_nodes WHERE id > ? AND id < ? ORDER BY id LIMIT ?');
// Each event with its leaf (node id = leaf index × 64 + level 0).
const EVENTS = sql(
  `SELECT e.*, n.hash AS leaf FROM events e LEFT JOIN merkle_nodes n ON n.id = (e.seq - 1) * 64
   WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq LIMIT ?`,
);
const PERSONAL = sql(
  `SELECT p.seq, p.subject, p.salt, p.user_id, p.ip, p.user_agent, p."values", e.pii_commit,
     e.subject AS event_subject, e.seq AS event_seq
   FROM personal_data p LEFT JOIN events e ON e.seq = p.seq
   WHERE p.seq > ? AND p.seq <= ? ORDER BY p.seq LIMIT ?`,
);
// Every user id the personal data names, with the pseudonym subjects links it to (null: no link).
const LINKS = sql(
  `SELECT u.user_id, s.pseudonym FROM (SELECT DISTINCT user_id FROM personal_data WHERE user_id IS NOT NULL) u
   LEFT JOIN subjects s ON s.user_id = u.user_id`,
);
const RETENTION_RECORDS = sql(
  'SELECT metadata FROM events WHERE event_type = ? AND subject IS NULL ORDER BY seq DESC',
);

export interface PersonalCheckRow {
  seq: number;
  subject: string | null;
  salt: Buffer;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  values: string | null;
  pii_commit: string | null;
  event_subject: string | null;
  event_seq: number | null;
}

export async function countEvents(db: Db): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_EVENTS))?.n ?? 0;
}

/** The newest event's seq, or 0 when no events remain. */
export async function lastEventSeq(db: Db): Promise<number> {
  return (await db.get<{ seq: number | null }>(LAST_SEQ))?.seq ?? 0;
}

/** The highest stored node id, or null for an empty tree. */
export async function lastNodeKey(db: Db): Promise<number | null> {
  return (await db.get<{ id: number | null }>(LAST_NODE))?.id ?? null;
}

/** Tree nodes with after < id < before, in id order (the order the writer wrote them). */
export function nodesPage(db: Db, after: number, before: number): Promise<{ id: number; hash: Buffer }[]> {
  return db.all(NODES, [after, before, VERIFY_PAGE]);
}

/** Events with after < seq <= through, oldest first, each with its leaf hash (null when missing). */
export function eventsPage(
  db: Db,
  after: number,
  through: number,
): Promise<(EventRow & { leaf: Buffer | null })[]> {
  return db.all(EVENTS, [after, through, VERIFY_PAGE]);
}

/** Personal-data rows with after < seq <= through, with their event's commitment and subject. */
export function personalPage(db: Db, after: number, through: number): Promise<PersonalCheckRow[]> {
  return db.all(PERSONAL, [after, through, VERIFY_PAGE]);
}

export function personalLinks(db: Db): Promise<{ user_id: string; pseudonym: string | null }[]> {
  return db.all(LINKS);
}

/** The metadata of Receipts' own events of this type (about no user), newest first. */
export function ownEventMetadata(db: Db, eventType: string): Promise<{ metadata: string | null }[]> {
  return db.all(RETENTION_RECORDS, [eventType]);
}
