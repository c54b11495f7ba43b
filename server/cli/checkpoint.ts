// `receipts checkpoint`: signs the current head and prints it, to keep a copy outside the server.
import { parseArgs } from 'node:util';
import { latestCheckpoint } from '../audit/checkpoint.js';
import { signCheckpoint } from '../domain/checkpoints.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts checkpoint [--latest]

Signs the audit chain's head (seq, hash, time) with RECEIPTS_SIGNING_KEY and
prints it as JSON. Keep the output somewhere the server cannot write; later,
\`receipts verify --checkpoint FILE\` proves the log still extends it.

  --latest  print the newest stored checkpoint instead of signing a new one`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { latest: { type: 'boolean' } } });
  const s = openServices();
  try {
    const checkpoint = values.latest ? latestCheckpoint(s.store.sqlite) : await signCheckpoint(s, 'cli');
    process.stdout.write(`${JSON.stringify(checkpoint, null, 2)}\n`);
    return checkpoint ? 0 : 1;
  } finally {
    await closeServices(s);
  }
}
