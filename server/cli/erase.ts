// `receipts erase --user ID`: the same erasure the API performs.
import { parseArgs } from 'node:util';
import { cancelErasure, ErasureRefused, eraseNow, requestErasure } from '../domain/erasure.js';
import { CliError } from './error.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts erase --user ID [--schedule | --cancel]

Erases a user: their personal data (user id, IPs, user agents, personal
values in metadata) and the link from their user id to their pseudonym are
deleted; every event stays, pseudonymous, and the chain still verifies.

  (default)    erase now (an operator acting on a verified request)
  --schedule   record a request that runs after RECEIPTS_ERASURE_GRACE_DAYS,
               as POST /v1/me/erasure does
  --cancel     cancel a pending request

Refused, with the reason, while the user is under a legal hold.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { user: { type: 'string' }, schedule: { type: 'boolean' }, cancel: { type: 'boolean' } },
  });
  if (!values.user) throw new CliError('--user is required');
  const s = await openServices();
  try {
    if (values.cancel) {
      const cancelled = await cancelErasure(s, values.user, 'operator');
      process.stdout.write(cancelled ? 'erasure request cancelled\n' : 'no pending erasure request\n');
      return cancelled ? 0 : 1;
    }
    if (values.schedule) {
      const status = await requestErasure(s, values.user, 'operator');
      process.stdout.write(
        `erasure ${status.status}${status.scheduled_for ? `, runs at ${status.scheduled_for}` : ''}\n`,
      );
      return 0;
    }
    const result = await eraseNow(s, values.user);
    process.stdout.write(result === 'erased' ? 'erased\n' : 'nothing to erase (unknown or already erased)\n');
    return 0;
  } catch (error) {
    if (error instanceof ErasureRefused) throw new CliError(error.message);
    throw error;
  } finally {
    await closeServices(s);
  }
}
