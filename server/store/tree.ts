// The Merkle tree's stored nodes: complete subtrees only, keyed `lastLeaf * 64 + level`, written in
// ascending key order and never rewritten.
import { type Db, sql } from './sql.js';

const INSERT = sql('INSERT INTO merkle_nodes (id, hash) VALUES (?, ?)');
const LAST = sql('SELECT id FROM merkle_nodes ORDER BY id DESC LIMIT 1');
const ONE = sql('SELECT hash FROM merkle_nodes WHERE id = ?');
// Many nodes in one round trip: the ids travel as one JSON array.
const MANY = sql({
  sqlite: 'SELECT id, hash FROM merkle_nodes WHERE id IN (SELECT value FROM json_each(?))',
  pg: 'SELECT id, hash FROM merkle_nodes WHERE id = ANY (SELECT jsonb_array_elements_text(?::jsonb)::bigint)',
});

const INSERT_MANY_PG = sql({
  sqlite: 'SELECT 1',
  pg: 'INSERT INTO merkle_nodes (id, hash) SELECT * FROM unnest(?::bigint[], ?::bytea[])',
});

export function insertNode(db: Db, id: number, hash: Buffer): Promise<number> {
  return db.run(INSERT, [id, hash]);
}

/** Nodes in ascending id order: one statement on PostgreSQL. */
export async function insertNodes(db: Db, nodes: readonly { id: number; hash: Buffer }[]): Promise<void> {
  if (nodes.length === 0) return;
  if (db.dialect === 'postgres')
    await db.run(INSERT_MANY_PG, [nodes.map((n) => n.id), nodes.map((n) => n.hash)]);
  else for (const n of nodes) await insertNode(db, n.id, n.hash);
}

export async function lastNodeId(db: Db): Promise<number | null> {
  return (await db.get<{ id: number }>(LAST))?.id ?? null;
}

export async function nodeById(db: Db, id: number): Promise<Buffer | undefined> {
  return (await db.get<{ hash: Buffer }>(ONE, [id]))?.hash;
}

export async function nodesById(db: Db, ids: readonly number[]): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  if (ids.length === 0) return out;
  for (const r of await db.all<{ id: number; hash: Buffer }>(MANY, [JSON.stringify(ids)]))
    out.set(r.id, r.hash);
  return out;
}
