// GET /openapi.json: OpenAPI 3.1 built from the routes the app registers. Each route declares its query,
// body and replies beside its handler (http/describe-route.ts), over the zod schemas in shared/schemas/;
// what a route prefix implies (credentials, reason headers, the usual errors) is added here, once.

import { Hono } from 'hono';
import type { RouterRoute } from 'hono/types';
import { z } from 'zod';
import { errorSchema } from '../../shared/schemas/responses.js';
import { describeRoute, type ReplyDoc, type RouteDoc, routeDocOf } from '../http/describe-route.js';

type Json = Record<string, unknown>;

/** What every route under a prefix shares. */
interface PrefixRule {
  prefix: string;
  tag: string;
  security?: string;
  header?: { name: string; description: string };
  errors: number[];
}

const PREFIXES: PrefixRule[] = [
  { prefix: '/v1/me', tag: 'user', security: 'widgetToken', errors: [401, 429] },
  {
    prefix: '/v1/support/',
    tag: 'support',
    security: 'widgetToken',
    header: {
      name: 'X-Support-Reason',
      description: 'Why staff look (a ticket); recorded as support_access.',
    },
    errors: [400, 401, 403, 429],
  },
  {
    prefix: '/v1/admin/',
    tag: 'admin',
    security: 'adminKey',
    header: { name: 'X-Access-Reason', description: 'Why you look (a case); recorded as log_accessed.' },
    errors: [400, 401, 403],
  },
  { prefix: '/v1/events', tag: 'host', security: 'ingestKey', errors: [401, 403, 429] },
  { prefix: '/v1/sessions/', tag: 'host', security: 'ingestKey', errors: [401, 403] },
  { prefix: '/v1/log/', tag: 'log', errors: [] },
  { prefix: '/', tag: 'operations', errors: [] },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input; `issues` names each field',
  401: 'Missing or invalid credentials',
  403: 'These credentials may not use this route',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Not JSON',
  429: 'Too many requests; see Retry-After',
  500: 'Something went wrong; quote the request id',
  503: 'Shutting down or the store cannot take writes',
};

/** `/v1/me/sessions/:id` → `/v1/me/sessions/{id}`; a trailing wildcard names the file it serves. */
export function openApiPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
  return trimmed.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}').replace(/\/\*$/, '/{file}');
}

const isZod = (value: unknown): value is z.ZodType => value instanceof z.ZodType;

/** zod → JSON Schema; named schemas (`.meta({id})`) become components, referenced from here. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, Json>): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  const { $schema: _, $defs, ...rest } = json as Json & { $defs?: Record<string, Json> };
  const relink = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(relink);
    if (!value || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      out[k] =
        k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : relink(v);
    }
    return out;
  };
  for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= relink(def) as Json;
  return relink(rest) as Json;
}

function reply(status: number, doc: ReplyDoc, components: Record<string, Json>): Json {
  if (isZod(doc)) {
    const description = status >= 400 ? (ERROR_TEXT[status] ?? 'Error') : (doc.description ?? 'Success');
    return { description, content: { 'application/json': { schema: toSchema(doc, 'output', components) } } };
  }
  const mediaType = doc.mediaType ?? 'application/json';
  const schema = doc.schema ? toSchema(doc.schema, 'output', components) : { type: 'string' };
  return {
    description: doc.description,
    ...(doc.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(doc.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    content: {
      [mediaType]: { schema },
      ...Object.fromEntries((doc.alsoAs ?? []).map((type) => [type, { schema: { type: 'string' } }])),
    },
  };
}

/** `GET /v1/me/sessions/{id}` → `getV1MeSessionsId`: stable names for generated clients' methods. */
export function operationId(method: string, path: string): string {
  const words = [method, ...path.split(/[^A-Za-z0-9]+/)].filter(Boolean).map((w) => w.toLowerCase());
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function operation(method: string, path: string, doc: RouteDoc, components: Record<string, Json>): Json {
  const rule = PREFIXES.find((p) => path.startsWith(p.prefix))!;
  const parameters: Json[] = [];
  for (const [, name] of path.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
    const schema = doc.params?.[name!];
    parameters.push({
      name,
      in: 'path',
      required: true,
      schema: schema ? toSchema(schema, 'input', components) : { type: 'string' },
    });
  }
  if (rule.header) {
    parameters.push({
      name: rule.header.name,
      in: 'header',
      required: true,
      description: rule.header.description,
      schema: { type: 'string', minLength: 3 },
    });
  }
  if (doc.query) {
    const json = toSchema(doc.query, 'input', components) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      parameters.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema });
    }
  }
  const responses: Json = {};
  for (const [status, d] of Object.entries(doc.responses))
    responses[status] = reply(Number(status), d, components);
  const errors = new Set([...rule.errors, 500]);
  if (doc.query || doc.body) errors.add(400);
  for (const status of [...errors].sort()) {
    responses[String(status)] ??= reply(status, errorSchema, components);
  }
  return {
    operationId: operationId(method, path),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags ?? [rule.tag],
    ...(rule.security ? { security: [{ [rule.security]: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: !doc.body.safeParse(undefined).success,
            content: { 'application/json': { schema: toSchema(doc.body, 'input', components) } },
          },
        }
      : {}),
    responses,
  };
}

/** The document for these routes (the app's `routes`); undocumented routes are left out (a test fails). */
export function buildOpenApi(routes: readonly RouterRoute[]): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    if (route.method === 'ALL') continue;
    const doc = routeDocOf(route.handler);
    if (!doc) continue;
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    paths[path] ??= {};
    paths[path]![method] ??= operation(method, path, doc, components);
  }
  toSchema(errorSchema, 'output', components);
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
          description: 'HS256 widget token (`scope: user`, or `support` under /v1/support)',
        },
      },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
    paths,
  };
}

/** Serves the document for the app's routes, built on first request (when every route is registered). */
export function openApiRoute(routes: () => readonly RouterRoute[]) {
  let doc: string | null = null;
  const app = new Hono();
  app.get(
    '/openapi.json',
    describeRoute({
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
    }),
    (c) => {
      doc ??= JSON.stringify(buildOpenApi(routes()));
      return c.body(doc, 200, { 'content-type': 'application/json' });
    },
  );
  return app;
}
