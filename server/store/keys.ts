// Ingest and admin keys, stored as SHA-256 hex only.
import { type Db, sql } from './sql.js';

export interface KeyRow {
  id: string;
  name: string;
  scope: string;
}

const BY_HASH = sql('SELECT id, name, scope FROM ingest_keys WHERE hash = ? AND revoked_at IS NULL');
const INSERT = sql('INSERT INTO ingest_keys (id, name, scope, hash, created_at) VALUES (?, ?, ?, ?, ?)');

/** The unrevoked key with this hash. */
export const keyByHash = (db: Db, hash: string) => db.get<KeyRow>(BY_HASH, [hash]);

export const insertKey = (tx: Db, k: { id: string; name: string; scope: string; hash: string; at: number }) =>
  tx.run(INSERT, [k.id, k.name, k.scope, k.hash, k.at]);
