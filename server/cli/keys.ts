// `receipts keys create`: a new ingest or admin key, printed once, stored only as a hash.
import { parseArgs } from 'node:util';
import { CliError } from './error.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts keys create --name NAME [--scope ingest|admin]

Creates a key and prints it once. Only its SHA-256 is stored: keep the key in
your host's secret store. Ingest keys send events and read session status;
admin keys investigate (/v1/admin).`;

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'create')
    throw new CliError(`unknown keys command "${verb ?? ''}"; try: receipts keys create --name NAME`);
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, scope: { type: 'string', default: 'ingest' } },
  });
  if (!values.name) throw new CliError('--name is required');
  if (values.scope !== 'ingest' && values.scope !== 'admin')
    throw new CliError('--scope must be ingest or admin');
  const s = await openServices();
  try {
    const name = values.name;
    const scope = values.scope;
    const { key, identity } = await s.pipeline.transact((tx) => s.keys.create(tx, name, scope));
    process.stderr.write(
      `created ${identity.scope} key ${identity.id} (${identity.name}); it is shown only once:\n`,
    );
    process.stdout.write(`${key}\n`);
    return 0;
  } finally {
    await closeServices(s);
  }
}
