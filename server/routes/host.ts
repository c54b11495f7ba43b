// Host API: the host asks whether a session of its own may still be used.
import { Hono } from 'hono';
import type { HostSessionStatus } from '../../shared/api.js';
import { errorSchema, hostSessionStatusSchema } from '../../shared/schemas/responses.js';
import { sessionRef } from '../derive/sessions.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import type { Services } from '../services.js';
import { sessionByRef } from '../store/sessions.js';

/** What the route takes and answers, for `/openapi.json`. */
const DOCS = {
  status: {
    summary: 'Whether a host session may still be used',
    responses: { 200: hostSessionStatusSchema, 404: errorSchema },
  },
} satisfies Record<string, RouteDoc>;

export function hostRoutes(s: Services) {
  const app = new Hono();
  app.get('/sessions/:host_session_id', describeRoute(DOCS.status), async (c) => {
    const id = c.req.param('host_session_id');
    if (id.length === 0 || id.length > 512) throw new ApiError(400, 'invalid_request', 'Not a session id.');
    const row = await sessionByRef(s.store.db, sessionRef(s.config.pepper, id));
    if (!row) throw new ApiError(404, 'not_found', 'Receipts has not seen this session.');
    const body: HostSessionStatus = {
      status: row.status,
      revoked_at: row.status === 'revoked' && row.ended_at ? new Date(row.ended_at).toISOString() : null,
      revoked_by: row.status === 'revoked' ? row.revoked_by : null,
    };
    return c.json(body);
  });
  return app;
}
