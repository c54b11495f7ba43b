#!/usr/bin/env node
// The `receipts` command: one verb per file under cli/.
import { CliError } from './cli/error.js';

interface Verb {
  help: string;
  run(argv: string[]): Promise<number>;
}

const VERBS: Record<string, () => Promise<Verb>> = {
  serve: () => import('./cli/serve.js'),
  migrate: () => import('./cli/migrate.js'),
  'migrate-store': () => import('./cli/migrate-store.js'),
  verify: () => import('./cli/verify.js'),
  keys: () => import('./cli/keys.js'),
  token: () => import('./cli/token.js'),
  erase: () => import('./cli/erase.js'),
  retention: () => import('./cli/retention.js'),
  hold: () => import('./cli/hold.js'),
  checkpoint: () => import('./cli/checkpoint.js'),
  export: () => import('./cli/export.js'),
  'verify-export': () => import('./cli/verify-export.js'),
  witness: () => import('./cli/witness.js'),
  'stream-check': () => import('./cli/stream-check.js'),
};

const USAGE = `Usage: receipts <command> [options]

Commands:
  serve        start the server (what npm start runs)
  migrate      apply the schema's migrations (PostgreSQL: as RECEIPTS_DB_OWNER)
  migrate-store  copy a SQLite store into PostgreSQL, chain and tree intact
  verify       check the audit log (or prove it extends a saved checkpoint)
  keys create  create an ingest or admin key
  token        mint a widget token for development
  erase        erase a user (personal data goes, events stay)
  retention    apply the retention policy now
  hold         place or release a legal hold on a user
  checkpoint   sign the tree head and print the signed note
  export       write an evidence export for a user or an IP
  verify-export  check an evidence export without the store
  witness      check a running log's checkpoint extends the one kept last time
  stream-check   prove a received log stream complete and unaltered

Run "receipts <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const load = VERBS[name];
  if (!load) {
    process.stderr.write(`receipts: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const verb = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${verb.help}\n`);
    return 0;
  }
  return verb.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof CliError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`receipts: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `receipts: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
