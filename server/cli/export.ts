// `receipts export`: evidence for an investigation, written to a folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { recordAccess } from '../domain/access.js';
import { buildEvidence } from '../domain/evidence.js';
import { CliError } from './error.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts export (--user ID | --ip IP) [--from T] [--to T] --out DIR --reason TEXT

Writes an evidence export to DIR: events.jsonl (the events, with what is
needed to recompute each hash and personal-data commitment), proofs.jsonl
(one inclusion proof per event, same order), checkpoint.txt (the signed note
the proofs are against) and SHA256SUMS. Nothing about anyone else is in it.
Check it anywhere with \`sha256sum -c SHA256SUMS\` and
\`receipts verify-export DIR --key VKEY\`. The export is recorded as
log_accessed.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      user: { type: 'string' },
      ip: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      reason: { type: 'string', default: 'operator export' },
    },
  });
  if (Boolean(values.user) === Boolean(values.ip)) throw new CliError('give exactly one of --user or --ip');
  if (!values.out) throw new CliError('--out DIR is required');
  for (const t of [values.from, values.to]) {
    if (t && Number.isNaN(Date.parse(t))) throw new CliError(`not a time: ${t}`);
  }
  const s = await openServices();
  try {
    const query = {
      ...(values.user ? { user_id: values.user } : {}),
      ...(values.ip ? { ip: values.ip } : {}),
      ...(values.from ? { from: new Date(values.from).toISOString() } : {}),
      ...(values.to ? { to: new Date(values.to).toISOString() } : {}),
    };
    await recordAccess(s, { who: 'operator:cli', reason: values.reason!, action: 'export', query });
    const files = await buildEvidence(s, query);
    mkdirSync(values.out, { recursive: true });
    for (const [name, body] of Object.entries(files)) writeFileSync(join(values.out, name), body);
    const count = files['events.jsonl'].split('\n').filter(Boolean).length;
    process.stdout.write(`exported ${count} events to ${values.out}\n`);
    return 0;
  } finally {
    await closeServices(s);
  }
}
