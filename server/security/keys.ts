// Ingest and admin keys. Only a SHA-256 of each key is stored; keys from the environment are hashed at start-up.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomId } from '../ids.js';
import { insertKey, keyByHash } from '../store/keys.js';
import type { Db } from '../store/sql.js';

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

  constructor(envKeys: string[]) {
    this.envKeys = envKeys.map((key, i) => ({
      hash: digest(key),
      identity: { id: `env_${i + 1}`, name: `RECEIPTS_INGEST_KEYS[${i}]`, scope: 'ingest' as const },
    }));
  }

  /** The key's identity, or null. Environment keys are compared in constant time. */
  async identify(db: Db, key: string): Promise<KeyIdentity | null> {
    const hash = digest(key);
    let match: KeyIdentity | null = null;
    for (const k of this.envKeys) {
      // Compare every key, in constant time, so timing tells nothing about which one is close.
      if (timingSafeEqual(k.hash, hash)) match = k.identity;
    }
    if (match) return match;
    // Stored keys are looked up by their hash: the lookup never touches the key itself.
    const row = await keyByHash(db, hash.toString('hex'));
    return row ? { id: row.id, name: row.name, scope: row.scope as KeyScope } : null;
  }

  /** Creates a key inside the caller's transaction; returns it once. Only its hash is stored. */
  async create(tx: Db, name: string, scope: KeyScope): Promise<{ key: string; identity: KeyIdentity }> {
    const key = `rcpt_${scope === 'admin' ? 'ak' : 'ik'}_${randomBytes(24).toString('base64url')}`;
    const id = randomId('key', 8);
    await insertKey(tx, { id, name, scope, hash: digest(key).toString('hex'), at: Date.now() });
    return { key, identity: { id, name, scope } };
  }
}
