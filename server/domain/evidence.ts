// Evidence export: the events of one account or address, each with the data to recompute its hash and its
// personal-data commitment, the chain from the first exported event to a freshly signed head, and
// SHA256SUMS over it all. It can be checked later on a machine with no access to the store.
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { EventRow } from '../audit/chain.js';
import type { SignedCheckpoint } from '../audit/checkpoint.js';
import type { Services } from '../services.js';
import { signCheckpoint } from './checkpoints.js';
import { investigate } from './investigate.js';

export interface ExportQuery {
  user_id?: string;
  ip?: string;
  from?: string;
  to?: string;
}

export interface ExportedPersonal {
  salt: string;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  values: Record<string, unknown> | null;
}

export type ExportedEvent = EventRow & { personal: ExportedPersonal | null };

export interface Anchors {
  format: 'receipts-evidence/1';
  generated_at: string;
  query: ExportQuery;
  count: number;
  /** The seq of each line of events.jsonl, in order: a deleted, added or moved line shows. */
  seqs: number[];
  /** chain.jsonl runs from `chain_from` to the signed head. */
  chain_from: number | null;
  checkpoint: SignedCheckpoint;
  /** The public half of the signing key (JWK), to check the checkpoint's signature. */
  public_key: JsonWebKey;
}

export type ExportFiles = Record<'events.jsonl' | 'chain.jsonl' | 'anchors.json' | 'SHA256SUMS', string>;

const MAX_EVENTS = 1_000_000;

export async function buildEvidence(s: Services, query: ExportQuery): Promise<ExportFiles> {
  const db = s.store.sqlite;
  const seqs: number[] = [];
  let cursor: string | undefined;
  do {
    const page = investigate(s, { ...query, cursor, limit: 1000 });
    for (const e of page.items) seqs.push(e.seq);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && seqs.length < MAX_EVENTS);
  seqs.sort((a, b) => a - b);

  const checkpoint = await signCheckpoint(s, 'export');
  const row = db.prepare<[number], EventRow>('SELECT * FROM events WHERE seq = ?');
  const personal = db.prepare<
    [number],
    {
      salt: Buffer;
      user_id: string | null;
      ip: string | null;
      user_agent: string | null;
      values: string | null;
    }
  >('SELECT salt, user_id, ip, user_agent, "values" FROM personal_data WHERE seq = ?');
  const lines: string[] = [];
  for (const seq of seqs) {
    const r = row.get(seq);
    if (!r) continue;
    const p = personal.get(seq);
    const exported: ExportedEvent = {
      ...r,
      personal: p
        ? {
            salt: p.salt.toString('hex'),
            user_id: p.user_id,
            ip: p.ip,
            user_agent: p.user_agent,
            values: p.values ? (JSON.parse(p.values) as Record<string, unknown>) : null,
          }
        : null,
    };
    lines.push(JSON.stringify(exported));
  }

  // The chain itself holds no personal data (pseudonyms and placeholders only), so it can travel.
  const chain: string[] = [];
  const from = seqs[0] ?? null;
  if (from !== null) {
    for (const r of db
      .prepare<[number, number], EventRow>('SELECT * FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq')
      .iterate(from, checkpoint.seq)) {
      chain.push(JSON.stringify(r));
    }
  }

  const anchors: Anchors = {
    format: 'receipts-evidence/1',
    generated_at: new Date().toISOString(),
    query,
    count: lines.length,
    seqs,
    chain_from: from,
    checkpoint,
    public_key: createPublicKey(s.config.signingKey).export({ format: 'jwk' }),
  };
  const files = {
    'events.jsonl': lines.length ? `${lines.join('\n')}\n` : '',
    'chain.jsonl': chain.length ? `${chain.join('\n')}\n` : '',
    'anchors.json': `${JSON.stringify(anchors, null, 2)}\n`,
  };
  const sums = Object.entries(files)
    .map(([name, body]) => `${createHash('sha256').update(body).digest('hex')}  ${name}`)
    .join('\n');
  return { ...files, SHA256SUMS: `${sums}\n` };
}
