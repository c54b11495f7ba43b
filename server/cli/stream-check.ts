// `receipts stream-check FILE [--key VKEY]`: proves a stream a receiver stored complete and unaltered.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Vkey } from '../../shared/tlog/index.js';
import { StreamChecker } from '../streams/check.js';
import { formatOf, ReceivedError, type ReceivedFormat, recordsOnLine } from '../streams/received.js';
import { CliError } from './error.js';
import { readVkeyOption } from './vkey-option.js';

export const help = `Usage: receipts stream-check FILE [--key VKEY]

Reads what a log receiver stored from a Receipts stream — a syslog file (one
RFC 5424 message per line, structured data and message kept) or NDJSON of
OTLP/HTTP JSON request bodies — and proves it complete and unaltered:
contiguous seq from the first record (duplicates from resends dropped), every
event's hash recomputed from the event, every prev_hash link, and the Merkle
root of the received hashes equal to each streamed checkpoint's root.
--key VKEY (or a file holding it) also checks each checkpoint's signature.
Exit 0 if intact; exit 1 naming the first gap or bad record.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { key: { type: 'string' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw new CliError('give one file: receipts stream-check FILE [--key VKEY]');
  let key: Vkey | null = null;
  if (values.key) key = readVkeyOption(values.key);
  if (!existsSync(file)) throw new CliError(`cannot read ${file}`);
  // Line by line: a receiver's file may be far larger than memory allows as one string.
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  const checker = new StreamChecker(key);
  let format: ReceivedFormat | null = null;
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (format === null) {
        if (text.trim() === '') continue;
        format = formatOf(text);
      }
      for (const record of recordsOnLine(format, text, n)) {
        const problem = await checker.add(record);
        if (problem) return failed(problem);
      }
    }
  } catch (error) {
    if (error instanceof ReceivedError) return failed(error.message);
    throw error;
  } finally {
    lines.close();
  }
  const result = await checker.finish();
  if (!result.ok) return failed(result.problem);
  process.stdout.write(`stream intact (${format}): ${result.summary}\n`);
  return 0;
}

function failed(problem: string): number {
  process.stdout.write(`stream FAILED: ${problem}\n`);
  return 1;
}
