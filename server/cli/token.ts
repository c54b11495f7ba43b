// `receipts token`: mints a widget token with the configured secret, for development and tests.
import { parseArgs } from 'node:util';
import { mintWidgetToken } from '../security/tokens.js';
import { CliError } from './error.js';
import { config } from './open.js';

export const help = `Usage: receipts token --user ID [--session SID] [--scope user|support] [--ttl SECONDS]

Prints a widget token (HS256, aud "receipts", at most 15 minutes) signed with
RECEIPTS_WIDGET_SECRET (or the demo secret). In production, mint tokens in
your host's backend instead (see receipts/client).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      user: { type: 'string' },
      session: { type: 'string' },
      scope: { type: 'string', default: 'user' },
      ttl: { type: 'string', default: '600' },
    },
  });
  if (!values.user) throw new CliError('--user is required');
  if (values.scope !== 'user' && values.scope !== 'support')
    throw new CliError('--scope must be user or support');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 900) throw new CliError('--ttl must be 1 to 900 seconds');
  const token = await mintWidgetToken(config().widgetSecret, {
    userId: values.user,
    sessionId: values.session,
    scope: values.scope,
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
