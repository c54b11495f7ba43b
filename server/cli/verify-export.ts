// `receipts verify-export DIR`: checks an evidence export without the store.
import { verifyExport } from '../audit/verify-export.js';
import { CliError } from './open.js';

export const help = `Usage: receipts verify-export DIR

Proves that nothing in an evidence export was changed: every event's hash
and personal-data commitment, the order of the lines, the chain up to the
signed head, the head's Ed25519 signature and SHA256SUMS. Needs no access to
the store. Exit 0 if intact; exit 1 naming the first changed place.`;

export async function run(argv: string[]): Promise<number> {
  const dir = argv[0];
  if (!dir) throw new CliError('give the export folder: receipts verify-export DIR');
  const result = verifyExport(dir);
  if (result.ok) {
    process.stdout.write(`export intact: ${result.summary}\n`);
    return 0;
  }
  process.stdout.write(`export FAILED: ${result.problem}\n`);
  return 1;
}
