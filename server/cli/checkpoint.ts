// `receipts checkpoint`: signs the current tree head and prints the signed note, to keep a copy elsewhere.
import { parseArgs } from 'node:util';
import { latestCheckpoint } from '../audit/checkpoint.js';
import { signCheckpoint } from '../domain/checkpoints.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts checkpoint [--latest] [--json]

Signs the Merkle tree head with RECEIPTS_SIGNING_KEY and prints it as a C2SP
signed note (tlog-checkpoint: origin, tree size, root hash), the same text
GET /v1/log/checkpoint serves. Keep the output somewhere the server cannot
write; later, \`receipts verify --checkpoint FILE\` or \`receipts witness\`
proves the log still extends it.

  --latest  print the newest stored checkpoint instead of signing a new one
  --json    print the stored record (seq, hash, root, note, ...) as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { latest: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const s = await openServices();
  try {
    const checkpoint = values.latest ? await latestCheckpoint(s.store.db) : await signCheckpoint(s, 'cli');
    if (!checkpoint) return 1;
    process.stdout.write(values.json ? `${JSON.stringify(checkpoint, null, 2)}\n` : checkpoint.note);
    return 0;
  } finally {
    await closeServices(s);
  }
}
