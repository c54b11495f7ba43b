// `receipts hold`: places or releases a legal hold on a user.
import { parseArgs } from 'node:util';
import { placeHold, releaseHold } from '../domain/legal-hold.js';
import { CliError } from './error.js';
import { closeServices, openServices } from './open.js';

export const help = `Usage: receipts hold --user ID --reason TEXT
       receipts hold --user ID --release

A legal hold keeps a user's events through retention and refuses their
erasure (the API answers 409 with the reason) until it is released.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { user: { type: 'string' }, reason: { type: 'string' }, release: { type: 'boolean' } },
  });
  if (!values.user) throw new CliError('--user is required');
  if (!values.release && !values.reason) throw new CliError('--reason is required (or --release)');
  const s = await openServices();
  try {
    const user = values.user;
    if (values.release) {
      const released = await s.pipeline.transact(async (tx) => {
        const subject = await s.log.subjects.lookup(tx, user);
        return subject ? releaseHold(tx, subject) : false;
      });
      process.stdout.write(released ? 'hold released\n' : 'no hold on this user\n');
      return released ? 0 : 1;
    }
    const reason = values.reason!;
    await s.pipeline.transact(async (tx) => {
      // A hold may come before the first event: the pseudonym is created for it.
      const subject = (await s.log.subjects.lookup(tx, user)) ?? (await s.log.subjects.ensure(tx, user));
      await placeHold(tx, subject, reason);
    });
    process.stdout.write('hold placed\n');
    return 0;
  } finally {
    await closeServices(s);
  }
}
