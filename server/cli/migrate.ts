// `receipts migrate`: applies the schema's migrations, as the role that owns it.
import { applyMigrations, openStore } from '../store/db.js';
import { safeUrl } from '../store/location.js';
import { CliError } from './error.js';
import { config } from './open.js';

export const help = `Usage: receipts migrate

Applies pending migrations to the store in RECEIPTS_DB and prints what it
applied. On PostgreSQL it connects as RECEIPTS_DB_OWNER (the role that owns the
schema), then grants the runtime role in RECEIPTS_DB exactly what it needs:
SELECT and INSERT on the audit log, no UPDATE or DELETE. Safe to run from
several hosts at once, and again: a migrated store is left as it is.
On SQLite the server migrates its file itself at start-up; this does the same.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.length > 0) throw new CliError(`migrate takes no arguments, got "${argv.join(' ')}"`);
  const cfg = config();
  const onPostgres = cfg.dbPath.startsWith('postgres');
  if (onPostgres && !cfg.dbOwnerUrl)
    throw new CliError(
      'RECEIPTS_DB_OWNER must name the role that owns the schema (postgres://owner@host/db)',
    );
  const store = await openStore(cfg.dbPath);
  try {
    const applied = await applyMigrations(store, cfg.dbOwnerUrl);
    const where = onPostgres ? safeUrl(cfg.dbPath) : cfg.dbPath;
    process.stdout.write(
      applied.length === 0
        ? `${where}: up to date\n`
        : `${where}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.join(', ')}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
