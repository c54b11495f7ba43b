// Support desk: the same views and actions as /v1/me, for a user named in the path. Every call needs a
// reason and records a `support_access` event that the user sees; if recording fails, the call fails.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { supportReasonSchema } from '../../shared/schemas/me.js';
import { ApiError } from '../http/errors.js';
import { ownEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';
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
    if (!userId || userId.length > 256) throw new ApiError(400, 'invalid_request', 'Not a user id.');
    const agent = c.get('widget').claims.sub;
    await s.pipeline.transact(() =>
      s.pipeline.apply(
        ownEvent(s.pipeline, {
          event_type: 'support_access',
          level: 'INFO',
          user_id: userId,
          outcome: 'success',
          request_id: c.get('requestId'),
          metadata: { agent, reason: reason.data, action: supportAction(c.req.method, c.req.path) },
        }),
      ),
    );
    c.set('reason', reason.data);
    await next();
  };
}

export function supportRoutes(s: Services) {
  const resolve = (c: Context): Account => {
    const userId = c.req.param('user_id')!;
    return {
      userId,
      subject: s.log.subjects.lookup(userId),
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
