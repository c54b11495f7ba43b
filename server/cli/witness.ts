// `receipts witness`: an outside observer of the log. It needs no store and no secrets: it fetches the
// public checkpoint, checks its signature and that it extends the one it kept last time, then keeps it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromBase64 } from '../../shared/tlog/base64.js';
import { verifyConsistency } from '../../shared/tlog/merkle.js';
import { type Checkpoint, openNote } from '../../shared/tlog/note.js';
import { CliError } from './error.js';
import { readVkeyOption } from './vkey-option.js';

export const help = `Usage: receipts witness --url URL --key VKEY --state FILE

Fetches URL/v1/log/checkpoint, checks its signature with the verifier key
(as GET /v1/log/key prints it, or a file holding it), and proves with
URL/v1/log/consistency that it extends the checkpoint kept in FILE; then
saves the new checkpoint to FILE (atomically). The first run trusts what it
fetches and saves it. Needs no store and no secrets; run it from cron or a
systemd timer on another machine.

Exit 0 when the log only grew; exit 1 and one line on a bad signature, a
log that shrank, or a fork (a different history at the same size).`;

class WitnessFailure extends Error {}

async function fetchText(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new WitnessFailure(`cannot reach ${url}: ${(error as Error).message}`);
  }
  if (!res.ok) throw new WitnessFailure(`${url} answered ${res.status}`);
  return res.text();
}

function readState(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function saveAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/** Checks that `next` extends `kept`; throws WitnessFailure naming the problem. */
async function checkExtends(base: string, kept: Checkpoint, next: Checkpoint): Promise<void> {
  const sameRoot = Buffer.from(kept.root).equals(Buffer.from(next.root));
  if (next.size < kept.size)
    throw new WitnessFailure(`the log shrank: kept size ${kept.size}, now ${next.size}`);
  if (next.size === kept.size) {
    if (!sameRoot) throw new WitnessFailure(`fork: two different roots signed for size ${kept.size}`);
    return;
  }
  const body = await fetchText(`${base}/v1/log/consistency?from=${kept.size}&to=${next.size}`);
  let proof: Uint8Array[];
  try {
    const parsed = JSON.parse(body) as { proof?: unknown };
    if (!Array.isArray(parsed.proof)) throw new Error('no proof');
    proof = parsed.proof.map((p) => fromBase64(String(p)));
  } catch {
    throw new WitnessFailure('the consistency proof is not readable');
  }
  if (!(await verifyConsistency(kept.size, next.size, kept.root, next.root, proof)))
    throw new WitnessFailure(
      `fork: the checkpoint at size ${next.size} does not extend the one kept at size ${kept.size}`,
    );
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, key: { type: 'string' }, state: { type: 'string' } },
  });
  if (!values.url || !values.key || !values.state)
    throw new CliError('give --url, --key and --state (see receipts witness --help)');
  const base = values.url.replace(/\/+$/, '');
  const key = readVkeyOption(values.key);
  try {
    const note = await fetchText(`${base}/v1/log/checkpoint`);
    let next: Checkpoint;
    try {
      next = await openNote(note, key);
    } catch (error) {
      throw new WitnessFailure(`bad signature: ${(error as Error).message}`);
    }
    const keptNote = readState(values.state);
    if (keptNote === null) {
      saveAtomically(values.state, note);
      process.stdout.write(`witness: trusted the first checkpoint, size ${next.size}\n`);
      return 0;
    }
    let kept: Checkpoint;
    try {
      kept = await openNote(keptNote, key);
    } catch (error) {
      throw new WitnessFailure(
        `the kept checkpoint in ${values.state} is not valid: ${(error as Error).message}`,
      );
    }
    await checkExtends(base, kept, next);
    if (next.size !== kept.size) saveAtomically(values.state, note);
    process.stdout.write(`witness: ok, size ${kept.size} → ${next.size}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof WitnessFailure)) throw error;
    process.stderr.write(`witness: ${error.message}\n`);
    return 1;
  }
}
