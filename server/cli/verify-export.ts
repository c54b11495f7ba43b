import { parseArgs } from 'node:util';
import { verifyExport } from '../audit/verify-export.js';
import { CliError } from './error.js';
import { readVkeyOption } from './vkey-option.js';

export const help = `Usage: receipts verify-export DIR --key VKEY

Proves that nothing in an evidence export was changed, with nothing but its
files and the log's verifier key (as GET /v1/log/key prints it, or a file
holding it): every event's hash and personal-data commitment, its inclusion
proof against the signed checkpoint in checkpoint.txt, the order of the
lines, the checkpoint's signature and SHA256SUMS. Needs no access to the
store. Exit 0 if intact; exit 1 naming the first bad line.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { key: { type: 'string' } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  if (!dir) throw new CliError('give the export folder: receipts verify-export DIR --key VKEY');
  if (!values.key) throw new CliError('give the log verifier key: --key VKEY (GET /v1/log/key prints it)');
  const result = await verifyExport(dir, readVkeyOption(values.key));
  if (result.ok) {
    process.stdout.write(`export intact: ${result.summary}\n`);
    return 0;
  }
  process.stdout.write(`export FAILED: ${result.problem}\n`);
  return 1;
}
