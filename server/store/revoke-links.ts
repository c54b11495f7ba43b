// Revoke links' rows, keyed by the SHA-256 of the link's secret.
import { type Db, sql } from './sql.js';

export interface RevokeLinkRow {
  token_hash: string;
  session_id: string;
  subject: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const INSERT = sql(
  'INSERT INTO revoke_links (token_hash, session_id, subject, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
);
const BY_HASH = sql('SELECT * FROM revoke_links WHERE token_hash = ?');
// Unused and unexpired in the same statement: of callers racing on one link, exactly one changes the row.
const USE = sql(
  'UPDATE revoke_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
);

export const insertRevokeLink = (
  tx: Db,
  l: { token_hash: string; session_id: string; subject: string; created_at: number; expires_at: number },
) => tx.run(INSERT, [l.token_hash, l.session_id, l.subject, l.created_at, l.expires_at]);

export const revokeLinkByHash = (db: Db, tokenHash: string) => db.get<RevokeLinkRow>(BY_HASH, [tokenHash]);

/** Marks the link used at `now`; returns whether this call did. */
export async function markRevokeLinkUsed(tx: Db, tokenHash: string, now: number): Promise<boolean> {
  return (await tx.run(USE, [now, tokenHash, now])) === 1;
}
