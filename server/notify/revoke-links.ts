// Single-use revoke links: a secret in a URL the host can put in a "new sign-in" email. Whoever holds it
// can sign that one session out, once, within 7 days. Only a SHA-256 of the secret is stored, so a copy of
// the database cannot be turned into working links.
import { createHash, randomBytes } from 'node:crypto';
import type { Sqlite } from '../store/db.js';

export const LINK_DAYS = 7;

export interface RevokeLinkRow {
  token_hash: string;
  session_id: string;
  subject: string;
  expires_at: number;
  used_at: number | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new link's secret (43 base64url characters, 256 bits) for the session. */
export function createRevokeLink(
  sqlite: Sqlite,
  sessionId: string,
  subject: string,
  now = Date.now(),
): string {
  const token = randomBytes(32).toString('base64url');
  sqlite
    .prepare(
      'INSERT INTO revoke_links (token_hash, session_id, subject, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(hash(token), sessionId, subject, now, now + LINK_DAYS * 86_400_000);
  return token;
}

/** The link if it is one of ours, unused and unexpired; null otherwise (the three read the same). */
export function findRevokeLink(sqlite: Sqlite, token: string, now = Date.now()): RevokeLinkRow | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = sqlite
    .prepare<[string], RevokeLinkRow>('SELECT * FROM revoke_links WHERE token_hash = ?')
    .get(hash(token));
  return row && row.used_at === null && row.expires_at > now ? row : null;
}

/** Marks the link used; true for exactly one caller, however many press the button at once. */
export function useRevokeLink(sqlite: Sqlite, token: string, now = Date.now()): boolean {
  return (
    sqlite
      .prepare(
        'UPDATE revoke_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
      )
      .run(now, hash(token), now).changes === 1
  );
}
