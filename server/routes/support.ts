// Support desk: the same views and actions as /v1/me, for a user named in the path. Every call needs a
// reason and records a `support_access` event that the user sees; if recording fails, the call fails.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { isWellFormed } from '../../shared/schemas/event.js';
import { supportReasonSchema } from '../../shared/schemas/me.js';
import { keepTypedApart } from '../domain/typed-text.js';
import { ApiError } from '../http/errors.js';
import type { Services } from '../services.js';
import { pseudonymOf } from '../store/events.js';
import { type Account, accountRoutes } from './account.js';

/** What the agent did, in words the user's activity can show ("viewed sessions"). */
export function supportAction(method: string, path: string): string {
  const tail = path.replace(/^.*\/users\/[^/]+/, '');
  if (method === 'DELETE' && tail.startsWith('/sessions/')) return 'revoked_session';
  if (tail === '/sessions/revoke-others') return 'revoked_sessions';
  if (method === 'POST' && tail === '/erasure') return 'requested_erasure';
  if (tail.startsWith('/activity/') && tail.endsWith('/report')) return 'reported_activity';
  const view = tail.split('/')[1] || 'account';
  return `viewed_${view}`;
}

function supportAccess(s: Services): MiddlewareHandler {
  return async function recordSupportAccess(c, next) {
    const reason = supportReasonSchema.safeParse(c.req.header('x-support-reason'));
    if (!reason.success) {
      throw new ApiError(
        400,
        'reason_required',
        reason.error.issues[0]?.message ?? 'X-Support-Reason is required.',
      );
    }
    const userId = c.req.param('user_id');
    if (!userId || userId.length > 256 || !isWellFormed(userId) || /[\u0000-\u001f\u007f]/.test(userId))
      throw new ApiError(400, 'invalid_request', 'Not a user id.');
    const agent = c.get('widget').claims;
    // The console's token from the demo route is bound to one user (`for_user`): any other is refused.
    if (agent.for_user !== undefined && agent.for_user !== userId) throw new ApiError(404, 'not_found');
    // Looking up a user id Receipts has never seen creates nothing about it: the access is recorded with no
    // subject, the id asked for kept as a personal value (with the short retention of such events).
    c.set('reason', reason.data);
    // A proof shows only hashes of an entry the agent's activity view already put on the record; recording
    // each of them would bury the customer's history under one entry per line the console checks.
    if (c.req.method === 'GET' && /\/activity\/[^/]+\/proof$/.test(c.req.path)) return next();
    await s.pipeline.transact(async (tx) => {
      const known = (await s.log.subjects.lookup(tx, userId)) !== null;
      const prepared = s.pipeline.prepareOwn({
        event_type: 'support_access',
        level: 'INFO',
        ...(known ? { user_id: userId } : {}),
        outcome: 'success',
        request_id: c.get('requestId'),
        metadata: {
          agent: agent.sub,
          reason: reason.data,
          action: supportAction(c.req.method, c.req.path),
          ...(known ? {} : { looked_up: userId }),
        },
      });
      // The ticket reference stays in the chain: it is the evidence of why staff looked, and must outlive an
      // erasure like the access itself. The id of an unknown user is kept apart.
      await s.pipeline.record(tx, keepTypedApart(prepared, 'looked_up'));
    });
    await next();
  };
}

export function supportRoutes(s: Services) {
  const resolve = async (c: Context): Promise<Account> => {
    const userId = c.req.param('user_id')!;
    return {
      userId,
      subject: await pseudonymOf(s.store.db, userId),
      currentRef: null,
      actor: `support:${c.get('widget').claims.sub}`,
      reason: c.get('reason'),
    };
  };
  const app = new Hono();
  app.use('/users/:user_id/*', supportAccess(s));
  app.route('/users/:user_id', accountRoutes(s, resolve, { stream: false, export: false }));
  return app;
}
