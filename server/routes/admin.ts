// Admin API (keys with the admin scope): investigation with full IPs, evidence exports, checkpoints.
// Every call needs X-Access-Reason and is recorded as `log_accessed`.
import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { text } from '../../shared/schemas/event.js';
import { accessReasonSchema, adminEventsQuerySchema } from '../../shared/schemas/me.js';
import {
  errorSchema,
  eventProofSchema,
  evidenceFilesSchema,
  investigationPageSchema,
  signedCheckpointSchema,
} from '../../shared/schemas/responses.js';
import { latestCheckpoint } from '../audit/checkpoint.js';
import { recordAccess } from '../domain/access.js';
import { proveEventById } from '../domain/checkpoints.js';
import { buildEvidence } from '../domain/evidence.js';
import { BadQuery, investigate } from '../domain/investigate.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import type { Services } from '../services.js';
import { adminWebhookRoutes } from './admin-webhooks.js';

const isoTime = z.iso.datetime({ offset: true, message: 'not an ISO 8601 timestamp with a time zone' });
const exportBodySchema = z
  .strictObject({
    user_id: text().min(1).max(256).optional(),
    ip: text().max(64).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .refine((b) => Boolean(b.user_id) !== Boolean(b.ip), {
    message: 'exactly one of user_id or ip is required',
  });

/** What each route takes and answers, for `/openapi.json`. */
const DOCS = {
  events: {
    summary: 'Investigation: events by ip, cidr or user_id, oldest first, with full IPs',
    query: adminEventsQuerySchema,
    responses: { 200: investigationPageSchema },
  },
  exports: {
    summary: 'Evidence export: events, one inclusion proof each, the checkpoint and SHA256SUMS',
    body: exportBodySchema,
    responses: { 201: evidenceFilesSchema },
  },
  proof: { summary: 'Inclusion proof of one event', responses: { 200: eventProofSchema, 404: errorSchema } },
  checkpoint: {
    summary: 'The latest signed checkpoint',
    responses: { 200: signedCheckpointSchema, 404: errorSchema },
  },
} satisfies Record<string, RouteDoc>;

function requireReason(): MiddlewareHandler {
  return async function accessReason(c, next) {
    const reason = accessReasonSchema.safeParse(c.req.header('x-access-reason'));
    if (!reason.success) {
      throw new ApiError(
        400,
        'reason_required',
        reason.error.issues[0]?.message ?? 'X-Access-Reason is required.',
      );
    }
    c.set('reason', reason.data);
    await next();
  };
}

export function adminRoutes(s: Services) {
  const app = new Hono();
  app.use('*', requireReason());
  const who = (name: string) => `admin:${name}`;

  app.get('/events', describeRoute(DOCS.events), async (c) => {
    const q = parseQuery(c, adminEventsQuerySchema);
    try {
      const page = await investigate(s, q);
      await recordAccess(s, {
        who: who(c.get('key').name),
        reason: c.get('reason'),
        action: 'investigate',
        query: { user_id: q.user_id, ip: q.ip, cidr: q.cidr, from: q.from, to: q.to },
      });
      return c.json(page);
    } catch (error) {
      if (error instanceof BadQuery) throw new ApiError(400, 'invalid_request', error.message);
      throw error;
    }
  });

  app.post('/exports', describeRoute(DOCS.exports), async (c) => {
    const body = await parseBody(c, exportBodySchema);
    await recordAccess(s, {
      who: who(c.get('key').name),
      reason: c.get('reason'),
      action: 'export',
      query: body,
    });
    try {
      return c.json({ files: await buildEvidence(s, body) }, 201);
    } catch (error) {
      if (error instanceof BadQuery) throw new ApiError(400, 'invalid_request', error.message);
      throw error;
    }
  });

  app.get('/events/:id/proof', describeRoute(DOCS.proof), async (c) => {
    const proof = await proveEventById(s, c.req.param('id'));
    if (!proof) throw new ApiError(404, 'not_found');
    await recordAccess(s, {
      who: who(c.get('key').name),
      reason: c.get('reason'),
      action: 'proof',
      query: {},
    });
    c.header('Cache-Control', 'no-store');
    return c.json(proof);
  });

  // The webhook delivery log and replay (admin-webhooks.ts).
  app.route('/webhooks', adminWebhookRoutes(s));

  app.get('/checkpoints/latest', describeRoute(DOCS.checkpoint), async (c) => {
    const checkpoint = await latestCheckpoint(s.store.db);
    if (!checkpoint) throw new ApiError(404, 'not_found', 'No checkpoint has been signed yet.');
    return c.json(checkpoint);
  });
  return app;
}
