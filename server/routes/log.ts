// The public face of the transparency log: the latest signed checkpoint, the verifier key and consistency
// proofs. No credentials: only tree sizes and hashes leave the server here.
import { Hono } from 'hono';
import { z } from 'zod';
import { consistencyProofSchema } from '../../shared/schemas/responses.js';
import { identityOf } from '../audit/checkpoint.js';
import { currentCheckpoint } from '../domain/checkpoints.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import type { Services } from '../services.js';

/** What each route takes and answers, for `/openapi.json` (the handlers check their input themselves). */
const DOCS = {
  checkpoint: {
    summary: 'The latest signed checkpoint, a C2SP signed note',
    responses: { 200: { description: 'A signed note', mediaType: 'text/plain' } },
  },
  key: {
    summary: 'The verifier key, a C2SP vkey line',
    responses: { 200: { description: 'One vkey line', mediaType: 'text/plain' } },
  },
  consistency: {
    summary: 'Consistency proof between two tree sizes (RFC 9162)',
    query: z.object({ from: z.string().regex(/^\d+$/), to: z.string().regex(/^\d+$/) }),
    responses: { 200: consistencyProofSchema },
  },
} satisfies Record<string, RouteDoc>;

function treeSize(name: 'from' | 'to', raw: string | undefined): number {
  if (raw === undefined || raw === '')
    throw new ApiError(400, 'invalid_request', `${name} is required.`, [{ path: name, message: 'required' }]);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new ApiError(400, 'invalid_request', `${name} must be a tree size (a non-negative integer).`, [
      { path: name, message: 'not a non-negative integer' },
    ]);
  return Number(raw);
}

export function logRoutes(s: Services) {
  const app = new Hono();

  app.get('/checkpoint', describeRoute(DOCS.checkpoint), async (c) => {
    const cp = await currentCheckpoint(s);
    c.header('Cache-Control', 'no-cache');
    return c.text(cp.note, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/key', describeRoute(DOCS.key), (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.text(`${identityOf(s.config).vkey}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/consistency', describeRoute(DOCS.consistency), async (c) => {
    const from = treeSize('from', c.req.query('from'));
    const to = treeSize('to', c.req.query('to'));
    // The committed tree, whichever server wrote it: nodes are never rewritten, so a proof up to this size
    // stays valid while the tree grows.
    const tree = s.log.tree.reader;
    const size = await tree.size(s.store.db);
    if (from > to)
      throw new ApiError(400, 'invalid_request', 'from must not be larger than to.', [
        { path: 'from', message: 'larger than to' },
      ]);
    if (to > size)
      throw new ApiError(400, 'invalid_request', `to is past the tree size (${size}).`, [
        { path: 'to', message: 'past the tree size' },
      ]);
    const proof = (await tree.consistencyProof(s.store.db, from, to)).map((h) => h.toString('base64'));
    return c.json({ from, to, proof });
  });
  return app;
}
