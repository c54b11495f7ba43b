// Single-use revoke links: a secret in a URL the host can put in a "new sign-in" email. Whoever holds it
// can sign that one session out, once, within 7 days. Only a SHA-256 of the secret is stored, so a copy of
// the database cannot be turned into working links.
import { createHash, randomBytes } from 'node:crypto';
import {
  insertRevokeLink,
  markRevokeLinkUsed,
  type RevokeLinkRow,
  revokeLinkByHash,
} from '../store/revoke-links.js';
import type { Db } from '../store/sql.js';

export type { RevokeLinkRow };

export const LINK_DAYS = 7;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new link's secret (43 base64url characters, 256 bits) for the session, inside the caller's transaction. */
export async function createRevokeLink(
  tx: Db,
  sessionId: string,
  subject: string,
  now = Date.now(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertRevokeLink(tx, {
    token_hash: hash(token),
    session_id: sessionId,
    subject,
    created_at: now,
    expires_at: now + LINK_DAYS * 86_400_000,
  });
  return token;
}

/** The link if it is one of ours, unused and unexpired; null otherwise (the three read the same). */
export async function findRevokeLink(db: Db, token: string, now = Date.now()): Promise<RevokeLinkRow | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await revokeLinkByHash(db, hash(token));
  return row && row.used_at === null && row.expires_at > now ? row : null;
}

/** Marks the link used, inside the caller's transaction; true for exactly one caller, however many press the button at once. */
export function useRevokeLink(tx: Db, token: string, now = Date.now()): Promise<boolean> {
  return markRevokeLinkUsed(tx, hash(token), now);
}
