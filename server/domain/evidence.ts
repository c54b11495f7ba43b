// Evidence export: the events of one account or address, each with the data to recompute its hash and its
// personal-data commitment, one inclusion proof per event against a freshly signed checkpoint, and
// SHA256SUMS over it all. It carries nothing about anyone else: no chain rows, only the proofs' hashes.
// It can be checked later on a machine with no access to the store, with the log's verifier key.
import { createHash } from 'node:crypto';
import type { EventRow } from '../audit/chain.js';
import type { Services } from '../services.js';
import { eventAt } from '../store/events.js';
import { personalForEvidence } from '../store/investigate.js';
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

/** One line of proofs.jsonl: the inclusion proof of the event on the same line of events.jsonl. */
export interface ExportedProof {
  seq: number;
  leaf_index: number;
  tree_size: number;
  proof: string[];
}

export const EXPORT_FILES = ['events.jsonl', 'proofs.jsonl', 'checkpoint.txt'] as const;
export type ExportFiles = Record<(typeof EXPORT_FILES)[number] | 'SHA256SUMS', string>;

const MAX_EVENTS = 1_000_000;

export async function buildEvidence(s: Services, query: ExportQuery): Promise<ExportFiles> {
  const db = s.store.db;
  const seqs: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await investigate(s, { ...query, cursor, limit: 1000 });
    for (const e of page.items) seqs.push(e.seq);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && seqs.length < MAX_EVENTS);
  seqs.sort((a, b) => a - b);

  const checkpoint = await signCheckpoint(s, 'export');
  const tree = s.log.tree.reader;
  const events: string[] = [];
  const proofs: string[] = [];
  for (const seq of seqs) {
    if (seq > checkpoint.seq) continue;
    const [r, p] = await Promise.all([eventAt(db, seq), personalForEvidence(db, seq)]);
    if (!r) continue;
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
    const proof: ExportedProof = {
      seq,
      leaf_index: seq - 1,
      tree_size: checkpoint.seq,
      proof: (await tree.inclusionProof(db, seq - 1, checkpoint.seq)).map((h) => h.toString('base64')),
    };
    events.push(JSON.stringify(exported));
    proofs.push(JSON.stringify(proof));
  }

  const jsonl = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
  const files = {
    'events.jsonl': jsonl(events),
    'proofs.jsonl': jsonl(proofs),
    'checkpoint.txt': checkpoint.note,
  };
  const sums = Object.entries(files)
    .map(([name, body]) => `${createHash('sha256').update(body).digest('hex')}  ${name}`)
    .join('\n');
  return { ...files, SHA256SUMS: `${sums}\n` };
}
