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

export function buildOpenApi(): Json {
  const event = schema(eventSchema);
  const user = [{ widgetToken: [] }];
  const support = [{ widgetToken: [] }];
  const reasonHeader = {
    name: 'X-Support-Reason',
    in: 'header',
    required: true,
    schema: { type: 'string', minLength: 3 },
  };
  const userIdParam = { name: 'user_id', in: 'path', required: true, schema: { type: 'string' } };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const me = (path: string, op: Json) => ({ [`/v1/me${path}`]: op });
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
    paths: {
      '/v1/events': {
        post: {
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
          responses: { '202': ok('Accepted and durable'), ...errors(400, 401, 413, 429) },
        },
      },
      '/v1/sessions/{host_session_id}': {
        get: {
          summary: 'Status of a host session',
          security: [{ ingestKey: [] }],
          parameters: [{ name: 'host_session_id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('Session status'), ...errors(401, 404) },
        },
      },
      ...me('/activity', {
        get: {
          summary: 'Activity, newest first',
          security: user,
          parameters: queryParams(activityQuerySchema),
          responses: { '200': ok('A page of activity'), ...errors(400, 401, 429) },
        },
      }),
      ...me('/activity/{id}/report', {
        post: {
          summary: "This wasn't me",
          security: user,
          parameters: [idParam],
          requestBody: { content: { 'application/json': { schema: schema(reportBodySchema) } } },
          responses: { '200': ok('Reported'), ...errors(401, 404) },
        },
      }),
      ...me('/sessions', {
        get: {
          summary: 'Active sessions',
          security: user,
          responses: { '200': ok('Sessions'), ...errors(401) },
        },
      }),
      ...me('/sessions/{id}', {
        delete: {
          summary: 'Revoke a session',
          security: user,
          parameters: [idParam],
          responses: { '200': ok('Revoked'), ...errors(401, 404) },
        },
      }),
      ...me('/sessions/revoke-others', {
        post: {
          summary: 'Sign out all other sessions',
          security: user,
          responses: { '200': ok('Revoked'), ...errors(401) },
        },
      }),
      ...me('/devices', {
        get: { summary: 'Devices', security: user, responses: { '200': ok('Devices'), ...errors(401) } },
      }),
      ...me('/export', {
        get: {
          summary: 'Download my activity',
          security: user,
          parameters: queryParams(exportQuerySchema),
          responses: { '200': { description: 'JSON or CSV file' }, ...errors(400, 401) },
        },
      }),
      ...me('/erasure', {
        get: {
          summary: 'Erasure status',
          security: user,
          responses: { '200': ok('Status'), ...errors(401) },
        },
        post: {
          summary: 'Request erasure',
          security: user,
          responses: { '202': ok('Requested'), ...errors(401, 409) },
        },
      }),
      ...me('/alerts', {
        get: {
          summary: 'Security alerts',
          security: user,
          responses: { '200': ok('Alerts'), ...errors(401) },
        },
      }),
      ...me('/alerts/{id}/ack', {
        post: {
          summary: 'Yes, this was me',
          security: user,
          parameters: [idParam],
          responses: { '200': ok('Acknowledged'), ...errors(401, 404) },
        },
      }),
      ...me('/stream', {
        get: {
          summary: 'Live updates (server-sent events)',
          security: user,
          responses: { '200': { description: 'text/event-stream' }, ...errors(401) },
        },
      }),
      '/v1/support/users/{user_id}/activity': {
        get: {
          summary: "A user's activity (support)",
          security: support,
          parameters: [userIdParam, reasonHeader, ...queryParams(activityQuerySchema)],
          responses: { '200': ok('A page of activity'), ...errors(400, 401, 403) },
        },
      },
      '/v1/support/users/{user_id}/sessions': {
        get: {
          summary: "A user's sessions (support)",
          security: support,
          parameters: [userIdParam, reasonHeader],
          responses: { '200': ok('Sessions'), ...errors(400, 401, 403) },
        },
      },
      '/v1/support/users/{user_id}/sessions/{id}': {
        delete: {
          summary: 'Revoke a session (support)',
          security: support,
          parameters: [userIdParam, idParam, reasonHeader],
          responses: { '200': ok('Revoked'), ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/support/users/{user_id}/sessions/revoke-others': {
        post: {
          summary: 'Revoke all sessions (support)',
          security: support,
          parameters: [userIdParam, reasonHeader],
          responses: { '200': ok('Revoked'), ...errors(400, 401, 403) },
        },
      },
      '/v1/support/users/{user_id}/devices': {
        get: {
          summary: "A user's devices (support)",
          security: support,
          parameters: [userIdParam, reasonHeader],
          responses: { '200': ok('Devices'), ...errors(400, 401, 403) },
        },
      },
      '/v1/support/users/{user_id}/erasure': {
        post: {
          summary: 'Start an erasure (support)',
          security: support,
          parameters: [userIdParam, reasonHeader],
          responses: { '202': ok('Requested'), ...errors(400, 401, 403) },
        },
      },
      '/healthz': {
        get: {
          summary: 'Health',
          responses: { '200': ok('The store answers'), '503': { description: 'Unavailable' } },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain' } } },
      },
    },
  };
}

export function openApiRoute() {
  const doc = JSON.stringify(buildOpenApi());
  const app = new Hono();
  app.get('/openapi.json', (c) => c.body(doc, 200, { 'content-type': 'application/json' }));
  return app;
}
