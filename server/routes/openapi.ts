// GET /openapi.json: OpenAPI 3.1, generated from the same zod schemas the routes validate with.
import { Hono } from 'hono';
import { z } from 'zod';
import { eventSchema, MAX_BATCH } from '../../shared/schemas/event.js';
import { activityQuerySchema, exportQuerySchema, reportBodySchema } from '../../shared/schemas/me.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;

function queryParams(s: z.ZodObject): Json[] {
  const json = schema(s) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: prop,
  }));
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      { description: `Error ${c}`, content: { 'application/json': { schema: errorRef } } },
    ]),
  );
const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** The operations on one account: served at /v1/me (the user) and /v1/support/users/{user_id} (support). */
interface AccountOp {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  params?: Json[];
  body?: Json;
  ok: [string, Json];
  errors: number[];
  userOnly?: boolean;
}

export function buildOpenApi(): Json {
  const event = schema(eventSchema);
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const file = { description: 'JSON or CSV file' };
  const accountOps: AccountOp[] = [
    {
      method: 'get',
      path: '/activity',
      summary: 'Activity, newest first',
      params: queryParams(activityQuerySchema),
      ok: ['200', ok('A page of activity')],
      errors: [400, 401, 429],
    },
    {
      method: 'post',
      path: '/activity/{id}/report',
      summary: "This wasn't me",
      params: [idParam],
      body: schema(reportBodySchema),
      ok: ['200', ok('Reported; the session is revoked')],
      errors: [401, 404],
    },
    {
      method: 'get',
      path: '/activity/{id}/proof',
      summary: 'Inclusion proof of an event against a signed checkpoint',
      params: [idParam],
      ok: ['200', ok('{seq, leaf_index, tree_size, event, proof, checkpoint}')],
      errors: [401, 404],
    },
    {
      method: 'get',
      path: '/sessions',
      summary: 'Active sessions',
      ok: ['200', ok('Sessions')],
      errors: [401],
    },
    {
      method: 'delete',
      path: '/sessions/{id}',
      summary: 'Revoke a session',
      params: [idParam],
      ok: ['200', ok('Revoked')],
      errors: [401, 404],
    },
    {
      method: 'post',
      path: '/sessions/revoke-others',
      summary: 'Sign out all other sessions',
      ok: ['200', ok('Revoked')],
      errors: [401],
    },
    { method: 'get', path: '/devices', summary: 'Devices', ok: ['200', ok('Devices')], errors: [401] },
    {
      method: 'get',
      path: '/export',
      summary: 'Download the activity',
      params: queryParams(exportQuerySchema),
      ok: ['200', file],
      errors: [400, 401],
      userOnly: true,
    },
    { method: 'get', path: '/erasure', summary: 'Erasure status', ok: ['200', ok('Status')], errors: [401] },
    {
      method: 'post',
      path: '/erasure',
      summary: 'Request erasure',
      ok: ['202', ok('Requested')],
      errors: [401, 409],
    },
    {
      method: 'delete',
      path: '/erasure',
      summary: 'Cancel a pending erasure',
      ok: ['200', ok('Cancelled')],
      errors: [401, 404],
    },
    { method: 'get', path: '/alerts', summary: 'Security alerts', ok: ['200', ok('Alerts')], errors: [401] },
    {
      method: 'post',
      path: '/alerts/{id}/ack',
      summary: 'Yes, this was me',
      params: [idParam],
      ok: ['200', ok('Acknowledged')],
      errors: [401, 404],
    },
    {
      method: 'get',
      path: '/stream',
      summary: 'Live updates (server-sent events)',
      ok: ['200', { description: 'text/event-stream' }],
      errors: [401],
      userOnly: true,
    },
  ];
  const paths: Record<string, Record<string, Json>> = {};
  const add = (path: string, method: string, op: Json) => {
    paths[path] ??= {};
    paths[path]![method] = op;
  };
  const userIdParam = { name: 'user_id', in: 'path', required: true, schema: { type: 'string' } };
  const reasonHeader = {
    name: 'X-Support-Reason',
    in: 'header',
    required: true,
    schema: { type: 'string', minLength: 3 },
  };
  for (const op of accountOps) {
    const body = op.body ? { requestBody: { content: { 'application/json': { schema: op.body } } } } : {};
    add(`/v1/me${op.path}`, op.method, {
      summary: op.summary,
      security: [{ widgetToken: [] }],
      parameters: op.params ?? [],
      ...body,
      responses: { [op.ok[0]]: op.ok[1], ...errors(...op.errors, 403) },
    });
    if (op.userOnly) continue;
    add(`/v1/support/users/{user_id}${op.path}`, op.method, {
      summary: `${op.summary} (support, on the user's behalf; recorded as support_access)`,
      security: [{ widgetToken: [] }],
      parameters: [userIdParam, reasonHeader, ...(op.params ?? [])],
      ...body,
      responses: { [op.ok[0]]: op.ok[1], ...errors(400, ...op.errors, 403) },
    });
  }
  const accessReason = {
    name: 'X-Access-Reason',
    in: 'header',
    required: true,
    schema: { type: 'string', minLength: 3 },
  };
  const adminQuery = ['ip', 'cidr', 'user_id', 'from', 'to', 'cursor', 'limit'].map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: name === 'limit' ? { type: 'integer', minimum: 1, maximum: 1000 } : { type: 'string' },
  }));
  add('/v1/admin/events', 'get', {
    summary:
      'Investigation: events by ip, cidr or user_id, oldest first, full IPs (recorded as log_accessed)',
    security: [{ adminKey: [] }],
    parameters: [accessReason, ...adminQuery],
    responses: { '200': ok('A page of events'), ...errors(400, 401, 403) },
  });
  add('/v1/admin/exports', 'post', {
    summary: 'Evidence export (recorded as log_accessed)',
    security: [{ adminKey: [] }],
    parameters: [accessReason],
    requestBody: {
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              user_id: { type: 'string' },
              ip: { type: 'string' },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
    responses: {
      '201': ok('{files: {events.jsonl, proofs.jsonl, checkpoint.txt, SHA256SUMS}}'),
      ...errors(400, 401, 403),
    },
  });
  add('/v1/admin/events/{id}/proof', 'get', {
    summary: 'Inclusion proof of any event (recorded as log_accessed)',
    security: [{ adminKey: [] }],
    parameters: [accessReason, idParam],
    responses: {
      '200': ok('{seq, leaf_index, tree_size, event, proof, checkpoint}'),
      ...errors(400, 401, 403, 404),
    },
  });
  const text = (description: string) => ({
    description,
    content: { 'text/plain': { schema: { type: 'string' } } },
  });
  add('/v1/log/checkpoint', 'get', {
    summary: 'The latest signed checkpoint (C2SP signed note, tlog-checkpoint body)',
    responses: { '200': text('A signed note') },
  });
  add('/v1/log/key', 'get', {
    summary: 'The log verifier key (C2SP vkey)',
    responses: { '200': text('<origin>+<key id>+<base64 key>') },
  });
  const html = (description: string) => ({
    description,
    content: { 'text/html': { schema: { type: 'string' } } },
  });
  const linkToken = {
    name: 'token',
    in: 'path',
    required: true,
    description: 'The secret of a signin.new_device revoke link (single use, 7 days)',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  };
  add('/v1/revoke/{token}', 'get', {
    summary: 'The confirmation page of a revoke link; changes nothing',
    parameters: [linkToken],
    responses: { '200': html('Sign out this device?'), '404': html('Used, expired or unknown link') },
  });
  add('/v1/revoke/{token}', 'post', {
    summary: 'Signs the link’s session out (session_revoked, revoked_by: link); the link is then used up',
    parameters: [linkToken],
    responses: { '200': html('Signed out'), '404': html('Used, expired or unknown link') },
  });
  add('/v1/log/consistency', 'get', {
    summary: 'RFC 9162 consistency proof between two tree sizes',
    parameters: ['from', 'to'].map((name) => ({
      name,
      in: 'query',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    })),
    responses: { '200': ok('{from, to, proof}'), ...errors(400) },
  });
  add('/v1/admin/checkpoints/latest', 'get', {
    summary: 'The latest signed checkpoint',
    security: [{ adminKey: [] }],
    parameters: [accessReason],
    responses: { '200': ok('A signed checkpoint'), ...errors(400, 401, 403, 404) },
  });
  add('/v1/events', 'post', {
    summary: `Report one event or a batch of up to ${MAX_BATCH}`,
    security: [{ ingestKey: [] }],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/Event' },
              {
                type: 'object',
                properties: {
                  events: {
                    type: 'array',
                    maxItems: MAX_BATCH,
                    items: { $ref: '#/components/schemas/Event' },
                  },
                },
                required: ['events'],
              },
            ],
          },
        },
      },
    },
    responses: { '202': ok('Accepted and durable'), ...errors(400, 401, 413, 415, 429) },
  });
  add('/v1/sessions/{host_session_id}', 'get', {
    summary: 'Status of a host session',
    security: [{ ingestKey: [] }],
    parameters: [{ name: 'host_session_id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': ok('Session status'), ...errors(401, 404) },
  });
  add('/healthz', 'get', {
    summary: 'Health',
    responses: { '200': ok('The store answers'), '503': { description: 'Unavailable' } },
  });
  add('/metrics', 'get', {
    summary: 'Prometheus metrics',
    responses: { '200': { description: 'text/plain' } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Receipts',
      version: '0.1.0',
      description: 'Account activity portal and tamper-evident audit log.',
    },
    components: {
      securitySchemes: {
        ingestKey: { type: 'http', scheme: 'bearer', description: 'Ingest key (`receipts keys create`)' },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Admin key (`receipts keys create --scope admin`)',
        },
        widgetToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256 widget token',
        },
      },
      schemas: {
        Event: event,
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                request_id: { type: 'string' },
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
    paths,
  };
}

export function openApiRoute() {
  const doc = JSON.stringify(buildOpenApi());
  const app = new Hono();
  app.get('/openapi.json', (c) => c.body(doc, 200, { 'content-type': 'application/json' }));
  return app;
}
