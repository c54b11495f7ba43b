// The views and actions on one account, shared by `/v1/me` (the user) and `/v1/support/users/:user_id` (support).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AlertView, ReportResult, RevokeResult } from '../../shared/api.js';
import { activityQuerySchema, exportQuerySchema, reportBodySchema } from '../../shared/schemas/me.js';
import {
  activityPageSchema,
  alertListSchema,
  alertViewSchema,
  deviceListSchema,
  erasureViewSchema,
  errorSchema,
  eventProofSchema,
  exportJsonSchema,
  reportResultSchema,
  revokeResultSchema,
  sessionListSchema,
} from '../../shared/schemas/responses.js';
import { proveEvent } from '../domain/checkpoints.js';
import { cancelErasure, ErasureRefused, erasureStatus, requestErasure } from '../domain/erasure.js';
import { revokeInTransaction, revokeSessions } from '../domain/revoke.js';
import { keepTypedApart } from '../domain/typed-text.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import type { Services } from '../services.js';
import { pseudonymOf, readHead } from '../store/events.js';
import { sessionByRef } from '../store/sessions.js';
import { ActivityView, type ExportItem } from '../views/activity.js';
import { acknowledgeAlert, findAlert, listAlerts } from '../views/alerts.js';
import { CSV_COLUMNS, csvRow } from '../views/export-csv.js';
import { SessionsView, toSessionView } from '../views/sessions.js';

/** What each route takes and answers, for `/openapi.json` (routes/openapi.ts adds credentials and errors). */
const DOCS = {
  activity: {
    summary: 'Activity, newest first',
    query: activityQuerySchema,
    responses: { 200: activityPageSchema },
  },
  proof: { summary: 'Inclusion proof of one event', responses: { 200: eventProofSchema, 404: errorSchema } },
  report: {
    summary: "This wasn't me: revokes that event's session and records activity_reported",
    body: reportBodySchema,
    responses: { 200: reportResultSchema, 404: errorSchema },
  },
  sessions: { summary: 'Active sessions, this device first', responses: { 200: sessionListSchema } },
  revokeOthers: { summary: 'Sign out every other session', responses: { 200: revokeResultSchema } },
  revoke: { summary: 'Revoke a session', responses: { 200: revokeResultSchema, 404: errorSchema } },
  devices: { summary: 'Devices with first and last seen', responses: { 200: deviceListSchema } },
  erasure: { summary: 'Erasure status', responses: { 200: erasureViewSchema } },
  requestErasure: {
    summary: 'Request erasure (carried out after the grace period)',
    responses: { 202: erasureViewSchema, 409: errorSchema },
  },
  cancelErasure: {
    summary: 'Cancel a pending erasure',
    responses: { 200: erasureViewSchema, 404: errorSchema },
  },
  alerts: { summary: 'Security alerts about this account', responses: { 200: alertListSchema } },
  ack: { summary: 'Yes, this was me', responses: { 200: alertViewSchema, 404: errorSchema } },
  export: {
    summary: 'Download the activity (right of access): JSON, or CSV per RFC 4180 with `format=csv`',
    query: exportQuerySchema,
    responses: {
      200: {
        description: 'An attachment (`Content-Disposition`): JSON as below, or text/csv',
        schema: exportJsonSchema,
        alsoAs: ['text/csv'],
      },
    },
  },
  stream: {
    summary: 'Live updates: server-sent events `activity`, `sessions`, `alert`, `ping`',
    responses: { 200: { description: 'An event stream', mediaType: 'text/event-stream' } },
  },
} satisfies Record<string, RouteDoc>;

/** Whose account a request is about, and who is acting. */
export interface Account {
  userId: string;
  /** Null when Receipts holds nothing about the user (never seen, or erased). */
  subject: string | null;
  /** The acting token's session, for `current` and "other sessions". */
  currentRef: string | null;
  /** `user` or `support:<agent>`. */
  actor: string;
  reason?: string;
}

export type AccountResolver = (c: Context) => Promise<Account>;

const notFound = () => new ApiError(404, 'not_found');

export function accountRoutes(
  s: Services,
  account: AccountResolver,
  options: {
    stream: boolean;
    export: boolean;
    /** Aborted when the server begins to stop: each live stream then ends, as a finished response. */
    stopping?: AbortSignal;
  },
) {
  // Reads see the latest committed state; writes go through the pipeline's transactions.
  const db = s.store.db;
  const activity = new ActivityView(s.pageReaders);
  const views = new SessionsView();
  const app = new Hono();

  app.get('/activity', describeRoute(DOCS.activity), async (c) => {
    const q = parseQuery(c, activityQuerySchema);
    const a = await account(c);
    if (!a.subject) return c.json({ items: [], next_cursor: null });
    const page = await activity.page(db, a.subject, q, a.currentRef);
    if (page === null)
      throw new ApiError(400, 'invalid_request', 'The cursor is not valid.', [
        { path: 'cursor', message: 'not a cursor from this API' },
      ]);
    // Already JSON (the database wrote the items): sent as c.json would send it.
    return c.body(page, 200, { 'content-type': 'application/json' });
  });

  // An inclusion proof for one of the account's own events; another account's id answers as a missing one.
  app.get('/activity/:id/proof', describeRoute(DOCS.proof), async (c) => {
    const a = await account(c);
    const found = a.subject ? await activity.one(db, a.subject, c.req.param('id')) : undefined;
    const proof = found ? await proveEvent(s, found.seq) : null;
    if (!proof) throw notFound();
    c.header('Cache-Control', 'no-store');
    return c.json(proof);
  });

  app.post('/activity/:id/report', describeRoute(DOCS.report), async (c) => {
    const body = await parseBody(c, reportBodySchema);
    const a = await account(c);
    const found = a.subject ? await activity.one(db, a.subject, c.req.param('id')) : undefined;
    if (!found) throw notFound();
    const session = found.session_ref ? await sessionByRef(db, found.session_ref) : undefined;
    const report = keepTypedApart(
      s.pipeline.prepareOwn({
        event_type: 'activity_reported',
        level: 'WARNING',
        user_id: a.userId,
        outcome: 'success',
        metadata: {
          reported_event: found.id,
          reported_type: found.event_type,
          reported_by: a.actor,
          ...(body.note ? { note: body.note } : {}),
        },
      }),
      'note',
    );
    // The revocation and the report are one transaction: either both are on the record or neither is.
    const revoked = await s.pipeline.transact(async (tx) => {
      let n = 0;
      if (session && session.subject === a.subject) {
        const done = await revokeInTransaction(s, tx, {
          userId: a.userId,
          sessions: [session],
          by: `${a.actor}:report`,
          reason: 'reported',
        });
        for (const e of done.record ?? []) await s.pipeline.record(tx, e);
        for (const t of done.sessions ?? []) s.pipeline.touchSession(t.subject, t.id);
        n = done.count;
      }
      await s.pipeline.record(tx, report);
      return n;
    });
    const result: ReportResult = { reported: true, revoked_session: revoked > 0, advice: 'change_password' };
    return c.json(result);
  });

  app.get('/sessions', describeRoute(DOCS.sessions), async (c) => {
    const a = await account(c);
    // This device first, then the others by last activity.
    const items = a.subject
      ? (await views.activeSessions(db, a.subject))
          .map((r) => toSessionView(r, a.currentRef))
          .sort((x, y) => Number(y.current) - Number(x.current))
      : [];
    return c.json({ items });
  });

  app.post('/sessions/revoke-others', describeRoute(DOCS.revokeOthers), async (c) => {
    const a = await account(c);
    const others = a.subject
      ? (await views.activeSessions(db, a.subject)).filter((r) => r.ref !== a.currentRef)
      : [];
    const revoked = await revokeSessions(s, {
      userId: a.userId,
      sessions: others,
      by: a.actor,
      reason: a.reason,
    });
    return c.json({ revoked } satisfies RevokeResult);
  });

  app.delete('/sessions/:id', describeRoute(DOCS.revoke), async (c) => {
    const a = await account(c);
    const session = a.subject ? await views.find(db, a.subject, c.req.param('id')) : undefined;
    // Another user's session answers exactly like a missing one.
    if (session?.status !== 'active') throw notFound();
    const revoked = await revokeSessions(s, {
      userId: a.userId,
      sessions: [session],
      by: a.actor,
      reason: a.reason,
    });
    return c.json({ revoked } satisfies RevokeResult);
  });

  app.get('/devices', describeRoute(DOCS.devices), async (c) => {
    const a = await account(c);
    return c.json({ items: a.subject ? await views.deviceList(db, a.subject) : [] });
  });

  app.get('/erasure', describeRoute(DOCS.erasure), async (c) =>
    c.json(await erasureStatus(s, (await account(c)).subject)),
  );

  app.post('/erasure', describeRoute(DOCS.requestErasure), async (c) => {
    const a = await account(c);
    try {
      return c.json(await requestErasure(s, a.userId, a.actor), 202);
    } catch (error) {
      if (error instanceof ErasureRefused) throw new ApiError(409, 'legal_hold', error.message);
      throw error;
    }
  });

  app.delete('/erasure', describeRoute(DOCS.cancelErasure), async (c) => {
    const a = await account(c);
    if (!(await cancelErasure(s, a.userId, a.actor)))
      throw new ApiError(404, 'not_found', 'No pending erasure request.');
    return c.json(await erasureStatus(s, a.subject));
  });

  app.get('/alerts', describeRoute(DOCS.alerts), async (c) => {
    const a = await account(c);
    const items: AlertView[] = a.subject ? await listAlerts(db, a.subject) : [];
    return c.json({ items });
  });

  app.post('/alerts/:id/ack', describeRoute(DOCS.ack), async (c) => {
    const a = await account(c);
    const subject = a.subject;
    const id = c.req.param('id');
    const alert = subject ? await s.pipeline.transact((tx) => acknowledgeAlert(tx, subject, id)) : null;
    if (!alert) throw notFound();
    return c.json(alert);
  });

  if (options.export) {
    app.get('/export', describeRoute(DOCS.export), async (c) => {
      const { format } = parseQuery(c, exportQuerySchema);
      const a = await account(c);
      await s.pipeline.transact((tx) =>
        s.pipeline.record(tx, {
          event_type: 'data_export',
          user_id: a.userId,
          outcome: 'success',
          resource_type: 'activity',
          action: 'export',
          metadata: { format, requested_by: a.actor },
          // The export belongs to the session that asked: the rules judge that session, not another one.
          session_ref: a.currentRef,
        }),
      );
      const subject = a.subject ?? (await pseudonymOf(db, a.userId));
      const rows = subject ? activity.all(db, subject, a.currentRef) : null;
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'csv') {
        const lines = [CSV_COLUMNS.join(',')];
        if (rows) for await (const item of rows) lines.push(csvRow(item));
        return c.body(`${lines.join('\r\n')}\r\n`, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="activity-${stamp}.csv"`,
        });
      }
      const items: ExportItem[] = [];
      if (rows) for await (const item of rows) items.push(item);
      return c.body(JSON.stringify({ exported_at: new Date().toISOString(), items }), 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="activity-${stamp}.json"`,
      });
    });
  }

  if (options.stream) {
    app.get('/stream', describeRoute(DOCS.stream), async (c) => {
      const a = await account(c);
      return streamSSE(c, async (stream) => {
        // Everything committed after the stream opened is sent. The head is read first in the queue, and the
        // bus is watched before it resolves, so no commit falls between the two.
        let lastSeq = 0;
        let pending: Promise<void> = readHead(db).then(
          (head) => {
            lastSeq = head?.seq ?? 0;
          },
          () => {
            // The store did not answer: the writer's head is the best guess there is.
            lastSeq = s.log.head().seq;
          },
        );
        const queue = (fn: () => Promise<void>) => {
          pending = pending.then(fn).catch(() => undefined);
        };
        const sendActivity = (subject: string) =>
          queue(async () => {
            const { items, maxSeq } = await activity.since(db, subject, lastSeq, a.currentRef);
            lastSeq = maxSeq;
            for (const item of items)
              await stream.writeSSE({ event: 'activity', data: JSON.stringify(item), id: item.id });
          });
        const watch = (subject: string) =>
          s.bus.watch(subject, {
            activity: () => sendActivity(subject),
            sessions: (n) =>
              queue(() =>
                stream.writeSSE({ event: 'sessions', data: JSON.stringify({ changed: n.sessionIds }) }),
              ),
            alert: (id) =>
              queue(async () => {
                const alert = await findAlert(db, subject, id);
                if (alert) await stream.writeSSE({ event: 'alert', data: JSON.stringify(alert) });
              }),
          });
        let unwatch: () => void = () => undefined;
        let left = false;
        if (a.subject) {
          unwatch = watch(a.subject);
        } else {
          // A user with no events yet has no subject to watch: look for it each second (one indexed read)
          // until their first event creates it, then send everything from the moment the stream opened.
          let looking = false;
          const wait = setInterval(() => {
            if (looking) return;
            looking = true;
            pseudonymOf(db, a.userId).then(
              (subject) => {
                looking = false;
                // The client may have left while the lookup ran: watch nothing then.
                if (!subject || left) return;
                clearInterval(wait);
                unwatch = watch(subject);
                sendActivity(subject);
              },
              () => {
                looking = false;
              },
            );
          }, 1000);
          unwatch = () => clearInterval(wait);
        }
        // The stream ends when the client leaves or the server begins to stop; the wait between pings ends
        // with it. Ending it at the stop's start lets its connection close with the server's, instead of
        // holding the close until connections are cut (which clients see as an error, not an end).
        let wake: () => void = () => {};
        const end = () => {
          left = true;
          unwatch();
          wake();
        };
        stream.onAbort(end);
        const stopping = options.stopping;
        stopping?.addEventListener('abort', end, { once: true });
        try {
          if (stopping?.aborted) return;
          await stream.writeSSE({ event: 'ping', data: '{}' });
          while (!left && !stream.aborted && !stream.closed) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 15_000);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            if (!left) queue(() => stream.writeSSE({ event: 'ping', data: '{}' }));
          }
        } finally {
          stopping?.removeEventListener('abort', end);
          end();
        }
      });
    });
  }

  return app;
}
