// Ingest and admin keys. Only a SHA-256 of each key is stored; keys from the environment are hashed at start-up.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomId } from '../ids.js';
import type { Sqlite } from '../store/db.js';

export type KeyScope = 'ingest' | 'admin';

export interface KeyIdentity {
  id: string;
  name: string;
  scope: KeyScope;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class KeyRing {
  private readonly envKeys: { hash: Buffer; identity: KeyIdentity }[];
  private readonly findByHash;
  private readonly insert;

  constructor(sqlite: Sqlite, envKeys: string[]) {
    this.envKeys = envKeys.map((key, i) => ({
      hash: digest(key),
      identity: { id: `env_${i + 1}`, name: `RECEIPTS_INGEST_KEYS[${i}]`, scope: 'ingest' as const },
    }));
    this.findByHash = sqlite.prepare<[string], KeyIdentity>(
      'SELECT id, name, scope FROM ingest_keys WHERE hash = ? AND revoked_at IS NULL',
    );
    this.insert = sqlite.prepare(
      'INSERT INTO ingest_keys (id, name, scope, hash, created_at) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** The key's identity, or null. Environment keys are compared in constant time. */
  identify(key: string): KeyIdentity | null {
    const hash = digest(key);
    let match: KeyIdentity | null = null;
    for (const k of this.envKeys) {
      // Compare every key, in constant time, so timing tells nothing about which one is close.
      if (timingSafeEqual(k.hash, hash)) match = k.identity;
    }
    if (match) return match;
    // Stored keys are looked up by their hash: the lookup never touches the key itself.
    return this.findByHash.get(hash.toString('hex')) ?? null;
  }

  /** Creates a key; returns it once. Only its hash is stored. */
  create(name: string, scope: KeyScope): { key: string; identity: KeyIdentity } {
    const key = `rcpt_${scope === 'admin' ? 'ak' : 'ik'}_${randomBytes(24).toString('base64url')}`;
    const id = randomId('key', 8);
    this.insert.run(id, name, scope, digest(key).toString('hex'), Date.now());
    return { key, identity: { id, name, scope } };
  }
}
