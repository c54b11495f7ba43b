// `receipts verify`: walks the audit chain; exit 1 and the first bad seq when it is broken.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyChain } from '../audit/verify.js';
import { openStore } from '../store/db.js';
import { CliError, config, progress } from './open.js';

export const help = `Usage: receipts verify [--checkpoint FILE] [--json]

Walks the audit chain from the first row (or the newest retention checkpoint)
to the head. Exit 0 if intact; exit 1 with the first bad sequence number if a
row was modified, deleted, inserted or reordered. Prints the head (seq and
hash): record it elsewhere to catch a truncated tail later.

  --checkpoint FILE  a signed checkpoint saved earlier; also prove that the
                     log still extends it
  --json             print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { checkpoint: { type: 'string' }, json: { type: 'boolean' } },
  });
  const cfg = config();
  if (!existsSync(cfg.dbPath)) throw new CliError(`no store at ${cfg.dbPath}`);
  const store = openStore(cfg.dbPath, { readonly: true });
  try {
    const result = verifyChain(store.sqlite, progress('verifying'));
    let checkpointProblem: string | null = null;
    if (values.checkpoint) {
      const { checkCheckpointFile } = await import('../audit/checkpoint.js');
      checkpointProblem = checkCheckpointFile(store.sqlite, values.checkpoint, cfg.signingKey);
    }
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ ...result, checkpoint: values.checkpoint ? (checkpointProblem ?? 'ok') : undefined })}\n`,
      );
    } else if (result.ok) {
      process.stdout.write(
        `chain intact: ${result.count} events verified\nhead: seq ${result.head.seq} hash ${result.head.hash}\n`,
      );
    } else {
      process.stdout.write(
        `chain broken at seq ${result.badSeq}: ${result.problem}\nlast good head: seq ${result.head.seq} hash ${result.head.hash}\n`,
      );
    }
    if (checkpointProblem) process.stdout.write(`checkpoint: ${checkpointProblem}\n`);
    else if (values.checkpoint && !values.json)
      process.stdout.write('checkpoint: the log extends the signed head\n');
    return result.ok && !checkpointProblem ? 0 : 1;
  } finally {
    store.sqlite.close();
  }
}
