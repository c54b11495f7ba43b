// /openapi.json is built from the routes themselves: every route the app registers is in it, and real
// replies from the running server match the schemas it documents.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  ActivityItem,
  ActivityProof,
  AlertView,
  DeviceView,
  ErasureView,
  HostSessionStatus,
  IngestResult,
  ReportResult,
  RevokeResult,
  SessionView,
} from '../../../shared/api.js';
import type {
  activityItemSchema,
  alertViewSchema,
  deviceViewSchema,
  erasureViewSchema,
  eventProofSchema,
  hostSessionStatusSchema,
  ingestResultSchema,
  reportResultSchema,
  revokeResultSchema,
  sessionViewSchema,
} from '../../../shared/schemas/responses.js';
import { SchemaValidator } from '../../support/json-schema.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
} from '../../support/server.js';
import { buildApp, sessionOf } from '../http/helpers.js';

// The documented schemas and the types the widget and SDK use agree: same fields, and every value of the
// type fits the schema (checked by `npm run typecheck`).
type Agrees<T, S extends z.ZodType> = [keyof T] extends [keyof z.infer<S>]
  ? [keyof z.infer<S>] extends [keyof T]
    ? T extends z.infer<S>
      ? true
      : false
    : false
  : false;
expectTypeOf<Agrees<ActivityItem, typeof activityItemSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<SessionView, typeof sessionViewSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<DeviceView, typeof deviceViewSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<ErasureView, typeof erasureViewSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<AlertView, typeof alertViewSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<RevokeResult, typeof revokeResultSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<ReportResult, typeof reportResultSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<HostSessionStatus, typeof hostSessionStatusSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<IngestResult, typeof ingestResultSchema>>().toEqualTypeOf<true>();
expectTypeOf<Agrees<ActivityProof, typeof eventProofSchema>>().toEqualTypeOf<true>();

interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const toTemplate = (path: string) =>
  (path.length > 1 ? path.replace(/\/$/, '') : path).replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{file}');

let server: TestServer;
let doc: Doc;
let validator: SchemaValidator;
let token: string;
let adminKey: string;
const USER = 'usr_openapi';

beforeAll(async () => {
  server = await startServer();
  const res = await fetch(`${server.url}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  validator = new SchemaValidator(doc as unknown as Record<string, unknown>);
  token = await mintToken(server, { userId: USER, sessionId: 'oa-1' });
  adminKey = cli(server.env, ['keys', 'create', '--name', 'oa', '--scope', 'admin']).stdout.trim();
});

afterAll(async () => {
  await server?.stop();
});

/** Checks a real reply against what the document says `METHOD template` answers with that status. */
async function expectDocumented(method: string, template: string, res: Response): Promise<unknown> {
  const op = doc.paths[template]?.[method.toLowerCase()];
  expect(op, `${method} ${template} is documented`).toBeDefined();
  const documented = op!.responses[String(res.status)];
  expect(documented, `${method} ${template} documents ${res.status}`).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
  const content = documented!.content?.[type];
  expect(content, `${method} ${template} ${res.status} documents ${type}`).toBeDefined();
  if (type !== 'application/json') return res.text();
  const body = (await res.json()) as unknown;
  expect(validator.validate(content!.schema, body), `${method} ${template} ${res.status}`).toEqual([]);
  return body;
}

describe('GET /openapi.json', () => {
  it('documents every route the app registers, in normal and in demo mode', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const missing: string[] = [];
    for (const env of [{}, { RECEIPTS_DEMO: 'on' }] as Record<string, string>[]) {
      const built = await buildApp(env);
      try {
        const served = (await (await built.app.request('/openapi.json')).json()) as Doc;
        for (const r of built.app.routes) {
          if (r.method === 'ALL') continue;
          const path = toTemplate(r.path);
          if (!served.paths[path]?.[r.method.toLowerCase()]) missing.push(`${r.method} ${r.path}`);
        }
      } finally {
        await built.close();
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('describes replies with schemas, not bare objects, and names credentials by prefix', () => {
    const sessions = doc.paths['/v1/me/sessions']!.get!;
    expect(sessions.security).toEqual([{ widgetToken: [] }]);
    expect(JSON.stringify(sessions.responses['200'])).toContain('#/components/schemas/SessionList');
    expect(doc.components.schemas.Session).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id']),
    });
    const support = doc.paths['/v1/support/users/{user_id}/sessions']!.get!;
    expect(support.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:user_id',
      'header:X-Support-Reason',
    ]);
    expect(doc.paths['/v1/admin/webhooks']!.get!.security).toEqual([{ adminKey: [] }]);
    expect(doc.paths['/v1/events']!.post!.security).toEqual([{ ingestKey: [] }]);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/me/sessions/{id}']!.delete!.operationId).toBe('deleteV1MeSessionsId');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          const schema = r.content?.['application/json']?.schema;
          if (schema) expect(schema, `${method} ${path} ${status}`).not.toEqual({ type: 'object' });
        }
      }
    }
  });
});

describe('real replies match the documented schemas', () => {
  it('(the checker refuses a reply that does not match)', () => {
    const list = { $ref: '#/components/schemas/SessionList' };
    expect(validator.validate(list, { items: [{ id: 1 }] })).not.toEqual([]);
    expect(validator.validate(list, { items: [], extra: true })).not.toEqual([]);
    expect(validator.validate(list, { items: [] })).toEqual([]);
  });

  it('ingest, the host session check and health', async () => {
    await expectDocumented(
      'POST',
      '/v1/events',
      await ingest(server, {
        events: [
          signIn(USER, 'oa-1', { id: 'ev_oa_1' }),
          signIn(USER, 'oa-2', { id: 'ev_oa_2', user_agent: 'curl/8.0' }),
          { event_type: 'account_locked', user_id: USER, outcome: 'success', metadata: { attempts: 5 } },
        ],
      }),
    );
    await expectDocumented('POST', '/v1/events', await ingest(server, { events: [{ event_type: 'nope' }] }));
    const status = await fetch(`${server.url}/v1/sessions/oa-1`, {
      headers: { authorization: `Bearer ${server.ingestKey}` },
    });
    await expectDocumented('GET', '/v1/sessions/{host_session_id}', status);
    await expectDocumented(
      'GET',
      '/v1/sessions/{host_session_id}',
      await fetch(`${server.url}/v1/sessions/x`),
    );
    await expectDocumented('GET', '/healthz', await fetch(`${server.url}/healthz`));
  });

  it('the user views, actions and their errors', async () => {
    for (const path of ['activity', 'sessions', 'devices', 'erasure', 'alerts']) {
      await expectDocumented('GET', `/v1/me/${path}`, await asUser(server, token, `/v1/me/${path}`));
    }
    await expectDocumented('GET', '/v1/me/activity', await asUser(server, token, '/v1/me/activity?limit=0'));
    await expectDocumented('GET', '/v1/me/activity', await asUser(server, 'not-a-token', '/v1/me/activity'));
    await expectDocumented(
      'GET',
      '/v1/me/activity/{id}/proof',
      await asUser(server, token, '/v1/me/activity/ev_oa_1/proof'),
    );
    const session = await sessionOf(server, token, 'ev_oa_2');
    await expectDocumented(
      'DELETE',
      '/v1/me/sessions/{id}',
      await asUser(server, token, `/v1/me/sessions/${session}`, { method: 'DELETE' }),
    );
    await expectDocumented(
      'DELETE',
      '/v1/me/sessions/{id}',
      await asUser(server, token, '/v1/me/sessions/ses_missing', { method: 'DELETE' }),
    );
    await expectDocumented('GET', '/v1/me/export', await asUser(server, token, '/v1/me/export'));
    await expectDocumented('GET', '/v1/me/export', await asUser(server, token, '/v1/me/export?format=csv'));
    const alerts = (await (await asUser(server, token, '/v1/me/alerts')).json()) as {
      items: { id: string }[];
    };
    await expectDocumented(
      'POST',
      '/v1/me/alerts/{id}/ack',
      await asUser(server, token, `/v1/me/alerts/${alerts.items[0]!.id}/ack`, { method: 'POST' }),
    );
  });

  it('the admin API and the public log', async () => {
    const headers = { authorization: `Bearer ${adminKey}`, 'x-access-reason': 'OA-1 document check' };
    await expectDocumented(
      'GET',
      '/v1/admin/events',
      await fetch(`${server.url}/v1/admin/events?user_id=${USER}`, { headers }),
    );
    await expectDocumented(
      'GET',
      '/v1/admin/webhooks',
      await fetch(`${server.url}/v1/admin/webhooks`, { headers }),
    );
    await expectDocumented(
      'GET',
      '/v1/admin/webhooks',
      await fetch(`${server.url}/v1/admin/webhooks`, { headers: { authorization: `Bearer ${adminKey}` } }),
    );
    await expectDocumented(
      'GET',
      '/v1/log/consistency',
      await fetch(`${server.url}/v1/log/consistency?from=1&to=2`),
    );
    await expectDocumented('GET', '/v1/log/checkpoint', await fetch(`${server.url}/v1/log/checkpoint`));
  });
});
