// `receipts migrate-store`: copies a SQLite store into PostgreSQL, resumably, and checks the copy.
import { parseArgs } from 'node:util';
import {
  type MigrateProgress,
  MigrateStoreError,
  type MigrateStoreResult,
  migrateStore,
  withoutPassword,
} from '../store/migrate-store.js';

export const HELP = `Usage: receipts migrate-store --from FILE --to URL [--owner URL]

Copies the SQLite store FILE into the PostgreSQL database at URL: every table,
every row, byte for byte, so the chain, the Merkle tree, the signed
checkpoints and the personal-data commitments hold there unchanged. Stop the
server using FILE first; FILE is only read.

  --from FILE   the SQLite store (RECEIPTS_DB of the server being moved)
  --to URL      postgres://ROLE@HOST:PORT/DATABASE to copy with (a password
                goes after ROLE and a colon): the schema owner's URL, or the
                runtime role's with --owner
  --owner URL   the schema owner (default: RECEIPTS_DB_OWNER): applies the
                migrations first, grants the --to role its runtime
                privileges, and moves the id sequences past the copied ids

Without --owner, the role of --to applies the migrations itself (it must be
able to own the schema); \`receipts migrate\` grants a runtime role later.

Safe to run again: an interrupted copy goes on from where it stopped, and a
finished one is left as it is. Refuses a database that holds a different
log, and a store newer than this version. Ends by checking that every table
has as many rows as the source and that the head of the log and the last
tree node are the same.

Exit 0 when the copy is complete and checked; 1 when it was refused or
failed (one line saying why); 2 on bad arguments.`;

type Env = Record<string, string | undefined>;

class UsageError extends Error {}

function parse(args: string[], env: Env): { from: string; to: string; owner?: string } {
  let values: { from?: string; to?: string; owner?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { from: { type: 'string' }, to: { type: 'string' }, owner: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.from) throw new UsageError('--from FILE is required (the SQLite store to copy)');
  if (!values.to) throw new UsageError('--to URL is required (the PostgreSQL database to copy into)');
  const owner = values.owner ?? (env.RECEIPTS_DB_OWNER || undefined);
  for (const [flag, url] of [
    ['--to', values.to],
    ['--owner', owner],
  ] as const) {
    if (url !== undefined && !isPostgresUrl(url))
      throw new UsageError(`${flag} must be a postgres:// URL, not ${withoutPassword(url)}`);
  }
  return { from: values.from, to: values.to, ...(owner ? { owner } : {}) };
}

function isPostgresUrl(url: string): boolean {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** On a TTY one line rewritten in place; otherwise one line per table once it is done. */
function progressPrinter(out: NodeJS.WriteStream): {
  update(p: MigrateProgress): void;
  end(): void;
} {
  let current: MigrateProgress | null = null;
  const line = (p: MigrateProgress) =>
    `${p.table}: ${p.done.toLocaleString()} / ${p.total.toLocaleString()} rows`;
  if (out.isTTY) {
    const width = 24;
    return {
      update(p) {
        current = p;
        const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : width;
        const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
        // \x1b[K clears what a longer line before left behind.
        out.write(`\r[${bar}] ${line(p)}\x1b[K`);
      },
      end() {
        if (current) out.write('\n');
      },
    };
  }
  return {
    update(p) {
      if (current && current.table !== p.table) out.write(`${line(current)}\n`);
      current = p;
    },
    end() {
      if (current) out.write(`${line(current)}\n`);
      current = null;
    },
  };
}

function summary(result: MigrateStoreResult, to: string, seconds: string): string {
  const head = result.head ? `seq ${result.head.seq}, hash ${result.head.hash}` : 'an empty log';
  if (result.upToDate)
    return `nothing to do: ${withoutPassword(to)} already holds every row of the store (head ${head}), checked in ${seconds} s`;
  const reset = result.sequences.length > 0 ? `; moved the sequences of ${result.sequences.join(', ')}` : '';
  return (
    `copied ${result.copied.toLocaleString()} rows into ${withoutPassword(to)} in ${seconds} s${reset}\n` +
    `checked: every table has the source's row count; head ${head}`
  );
}

export async function migrateStoreCommand(args: string[], env: Env): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`receipts: ${error.message}\n\n${HELP}\n`);
    return 2;
  }
  const started = performance.now();
  const progress = progressPrinter(process.stderr);
  try {
    const result = await migrateStore({ ...options, onProgress: (p) => progress.update(p) });
    progress.end();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${summary(result, options.to, seconds)}\n`);
    return 0;
  } catch (error) {
    progress.end();
    const message =
      error instanceof MigrateStoreError
        ? error.message
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`receipts: ${message}\n`);
    return 1;
  }
}

/** The shape the other verbs have, for the command table. */
export const help = HELP;
export const run = (argv: string[]): Promise<number> => migrateStoreCommand(argv, process.env);
