// Legal holds, one row per held subject: retention keeps the subject's events and erasure is refused.
import { type Db, sql } from './sql.js';

export interface HoldRow {
  reason: string;
  created_at: number;
}

const OF = sql('SELECT reason, created_at FROM legal_holds WHERE subject = ?');
// Placing a hold again only changes its reason: it has been in force since it was first placed.
const PLACE = sql(
  `INSERT INTO legal_holds (subject, reason, created_at) VALUES (?, ?, ?)
   ON CONFLICT (subject) DO UPDATE SET reason = excluded.reason`,
);
const RELEASE = sql('DELETE FROM legal_holds WHERE subject = ?');

export const holdRow = (db: Db, subject: string) => db.get<HoldRow>(OF, [subject]);
export const insertHold = (db: Db, subject: string, reason: string, at: number) =>
  db.run(PLACE, [subject, reason, at]);
export const deleteHold = (db: Db, subject: string) => db.run(RELEASE, [subject]);
