// `receipts stream-check FILE [--key VKEY]`: proves a stream a receiver stored complete and unaltered.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseVkey, type Vkey } from '../../shared/tlog/index.js';
import { checkStream } from '../streams/check.js';
import { ReceivedError, readReceived } from '../streams/received.js';
import { CliError } from './open.js';

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
  if (values.key) {
    const raw = values.key.includes('+') ? values.key : readKeyFile(values.key);
    try {
      key = parseVkey(raw);
    } catch (error) {
      throw new CliError(`--key: ${(error as Error).message}`);
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  let result: Awaited<ReturnType<typeof checkStream>>;
  let format: string;
  try {
    const received = readReceived(text);
    format = received.format;
    result = await checkStream(received.records, key);
  } catch (error) {
    if (!(error instanceof ReceivedError)) throw error;
    process.stdout.write(`stream FAILED: ${error.message}\n`);
    return 1;
  }
  if (result.ok) {
    process.stdout.write(`stream intact (${format}): ${result.summary}\n`);
    return 0;
  }
  process.stdout.write(`stream FAILED: ${result.problem}\n`);
  return 1;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new CliError(`--key: not a verifier key, and no file ${path}`);
  }
}
