// `receipts verify`: checks the whole store, or with --checkpoint proves the tree extends a saved checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseVkey, type Vkey } from '../../shared/tlog/note.js';
import { identityOf } from '../audit/checkpoint.js';
import { checkSavedCheckpoint } from '../audit/consistency.js';
import { verifyStore } from '../audit/verify.js';
import { isPostgresUrl, openStore } from '../store/db.js';
import { CliError } from './error.js';
import { config, progress } from './open.js';

export const help = `Usage: receipts verify [--checkpoint FILE [--full]] [--key VKEY] [--json]

Without --checkpoint, checks everything the audit log commits to: every events
row (its hash, its place in the chain and its leaf in the Merkle tree), every
personal-data row against its event's commitment and subject, every stored
tree node, every stored signed checkpoint, and that the oldest kept row is
anchored by a signed checkpoint at a recorded retention cut. Exit 0 if
intact; exit 1 naming the first bad seq and its table, e.g.
  personal_data seq 1042: does not match the event's commitment

  --checkpoint FILE  a signed checkpoint (C2SP note, as GET /v1/log/checkpoint
                     serves it) saved earlier: prove the current tree extends
                     it, in O(log n), without walking the log. Catches a
                     truncated tail and a rewrite from the middle.
  --full             with --checkpoint, also do the full check
  --key VKEY         the log's verifier key (default: the one derived from
                     RECEIPTS_SIGNING_KEY and RECEIPTS_LOG_ORIGIN)
  --json             print the result as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: 'string' },
      full: { type: 'boolean' },
      key: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const cfg = config();
  if (!isPostgresUrl(cfg.dbPath) && !existsSync(cfg.dbPath)) throw new CliError(`no store at ${cfg.dbPath}`);
  let vkey: Vkey;
  try {
    vkey = parseVkey(values.key ?? identityOf(cfg).vkey);
  } catch (error) {
    throw new CliError(`--key: ${(error as Error).message}`);
  }
  const store = await openStore(cfg.dbPath, { readonly: true });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report: Record<string, unknown> = {};
    let ok = true;
    if (values.checkpoint) {
      let note: string;
      try {
        note = readFileSync(values.checkpoint, 'utf8');
      } catch {
        throw new CliError(`cannot read ${values.checkpoint}`);
      }
      const started = performance.now();
      const c = await checkSavedCheckpoint(store.db, note, vkey);
      report.checkpoint = { ...c, ms: Math.round((performance.now() - started) * 10) / 10 };
      ok &&= c.ok;
      if (!values.json)
        print(
          c.ok
            ? `checkpoint: the tree (${c.to} leaves) extends the saved checkpoint (${c.from} leaves)`
            : `checkpoint: ${c.problem}`,
        );
    }
    if (!values.checkpoint || values.full) {
      const r = await verifyStore(store.db, {
        vkey,
        signingKey: cfg.signingKey,
        onProgress: progress('verifying'),
      });
      report.store = r;
      ok &&= r.ok;
      if (!values.json) {
        if (r.ok) {
          print(
            `log intact: ${r.count} events from seq ${r.oldest}, ${r.personal} personal-data rows, ` +
              `tree of ${r.treeSize} leaves, ${r.checkpoints} signed checkpoints`,
          );
          print(`head: seq ${r.head.seq} hash ${r.head.hash}`);
        } else {
          print(r.badSeq === null ? `${r.table}: ${r.problem}` : `${r.table} seq ${r.badSeq}: ${r.problem}`);
        }
      }
    }
    if (values.json) print(JSON.stringify({ ok, ...report }));
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
