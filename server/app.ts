// The HTTP application: edges (request ids, headers, CORS, limits, auth) around the route groups.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { requireKey, requireWidget } from './http/auth.js';
import { limitBody } from './http/body-limit.js';
import { clientIp } from './http/client-ip.js';
import { ApiError, errorBody, sendError } from './http/errors.js';
import { measureRequests } from './http/measure.js';
import { noStore } from './http/no-store.js';
import { RateLimiter, rateLimit } from './http/rate-limit.js';
import { refusedOriginReporter } from './http/refused-origins.js';
import { isStoreFull, StoreFullError, StoreHealth } from './http/store-health.js';
import { widgetCors } from './http/widget-cors.js';
import './http/types.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { demoRoutes } from './routes/demo.js';
import { eventRoutes } from './routes/events.js';
import { hostRoutes } from './routes/host.js';
import { logRoutes } from './routes/log.js';
import { openApiRoute } from './routes/openapi.js';
import { opsRoutes } from './routes/ops.js';
import { revokeLinkRoutes } from './routes/revoke-link.js';
import { supportRoutes } from './routes/support.js';
import { widgetRoutes } from './routes/widget-assets.js';
import type { Services } from './services.js';

export interface AppOptions {
  widgetDir?: string;
  /** Aborted once shutdown begins: new requests get 503 and the connection is closed; live streams end. */
  stopping?: AbortSignal;
}

export function createApp(s: Services, options: AppOptions = {}) {
  const app = new Hono();
  const { config, logger } = s;
  const health = new StoreHealth(s.store.dialect === 'sqlite' ? s.store.location : null);

  app.use(requestId({ headerName: 'x-request-id', generator: () => crypto.randomUUID() }));
  app.use(measureRequests(s.metrics));
  app.use(noStore(['/v1/me', '/v1/support', '/v1/admin']));
  app.use(async function refuseWhileStopping(c, next) {
    if (options.stopping?.aborted) {
      // Stop accepting work; what was already acknowledged is finished before the store closes.
      return c.json(errorBody(c, 'unavailable'), 503, { connection: 'close', 'retry-after': '5' });
    }
    await next();
  });
  app.use(
    secureHeaders({
      crossOriginResourcePolicy: false,
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
    }),
  );
  app.use(async function defaultContentSecurityPolicy(c, next) {
    await next();
    // API answers load nothing; pages (the demo) set their own policy.
    if (!c.res.headers.has('content-security-policy')) {
      c.res.headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
  });
  app.use(clientIp({ trustProxy: config.trustProxy }));

  const recordLimited =
    (scope: string) => async (c: Parameters<Parameters<typeof rateLimit>[0]['onLimited']>[0]) => {
      s.metrics.inc('receipts_rate_limited_total', { scope });
      const widget = c.get('widget');
      await s.pipeline.transact((tx) =>
        s.pipeline.record(tx, {
          event_type: 'rate_limit_exceeded',
          level: 'WARNING',
          outcome: 'failure',
          ip_address: c.get('clientIp'),
          ...(widget ? { user_id: widget.claims.sub } : {}),
          metadata: { scope, route: c.req.routePath },
        }),
      );
    };

  app.route('/', opsRoutes(s, health));
  app.route('/widget', widgetRoutes(options.widgetDir));
  app.route(
    '/',
    openApiRoute(() => app.routes),
  );

  // Host ingestion.
  const perKey = new RateLimiter(config.rateLimits.ingestPerMinute);
  // The ingest route reads its body itself, within RECEIPTS_BODY_LIMIT (see http/read-body.ts).
  app.use(
    '/v1/events',
    requireKey(s, 'ingest'),
    rateLimit({ limiter: perKey, key: (c) => c.get('key').id, onLimited: recordLimited('ingest') }),
    async function refuseWhileFull(_c, next) {
      if (health.refusing()) throw new StoreFullError();
      await next();
    },
  );
  app.route('/v1/events', eventRoutes(s));
  app.use('/v1/sessions/*', requireKey(s, 'ingest'));
  app.route('/v1', hostRoutes(s));

  // People: the user, and support on a user's behalf.
  const reportRefusedOrigin = refusedOriginReporter(logger);
  const corsForWidget = widgetCors({
    origin: (origin, c) => {
      if (config.allowedOrigins.includes(origin)) return origin;
      reportRefusedOrigin(origin, c);
      return null;
    },
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Support-Reason'],
    exposeHeaders: ['Retry-After', 'Content-Disposition', 'X-Request-Id'],
    maxAge: 600,
  });
  const perIp = new RateLimiter(config.rateLimits.ipPerMinute);
  const perUser = new RateLimiter(config.rateLimits.mePerMinute);
  const byIp = rateLimit({ limiter: perIp, key: (c) => c.get('clientIp'), onLimited: recordLimited('ip') });
  const byUser = rateLimit({
    limiter: perUser,
    key: (c) => c.get('widget').claims.sub,
    onLimited: recordLimited('user'),
  });
  const smallBody = limitBody({
    maxSize: 16 * 1024,
    onError: (c) => c.json(errorBody(c, 'payload_too_large'), 413),
  });

  app.use('/v1/me/*', corsForWidget, byIp, smallBody, requireWidget(s, 'user'), byUser);
  app.use('/v1/me', corsForWidget, byIp, requireWidget(s, 'user'));
  app.route(
    '/v1/me',
    accountRoutes(
      s,
      async (c) => {
        const w = c.get('widget');
        return { userId: w.claims.sub, subject: w.subject, currentRef: w.sessionRef, actor: 'user' };
      },
      { stream: true, export: true, stopping: options.stopping },
    ),
  );
  app.use('/v1/support/*', corsForWidget, byIp, smallBody, requireWidget(s, 'support'), byUser);
  app.route('/v1/support', supportRoutes(s));

  // The transparency log: public, read-only, sizes and hashes only; any origin may read it.
  app.use('/v1/log/*', cors({ origin: '*', allowMethods: ['GET'] }), byIp);
  app.route('/v1/log', logRoutes(s));
  // The link in a "new sign-in" email: no credentials, the link is one. Limited per IP like the rest.
  app.use('/v1/revoke/*', byIp);
  app.route('/v1/revoke', revokeLinkRoutes(s));

  // Investigators: admin keys only, every call on the record.
  app.use(
    '/v1/admin/*',
    limitBody({ maxSize: 64 * 1024, onError: (c) => c.json(errorBody(c, 'payload_too_large'), 413) }),
  );
  app.use('/v1/admin/*', requireKey(s, 'admin'));
  app.route('/v1/admin', adminRoutes(s));

  if (config.demo) app.route('/', demoRoutes(s));

  app.notFound((c) => c.json(errorBody(c, 'not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return sendError(c, err);
    if (isStoreFull(err)) {
      // Nothing of the refused write was acknowledged: the client keeps it and tries again later.
      health.markFull();
      s.metrics.inc('receipts_store_full_total');
      logger.error({ event_type: 'store_full', request_id: c.get('requestId'), route: c.req.routePath });
      return sendError(
        c,
        new ApiError(503, 'unavailable', 'The store has no space left; try again later.', undefined, {
          'Retry-After': '5',
        }),
      );
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      return c.json(
        errorBody(c, status === 401 ? 'unauthorized' : 'invalid_request', err.message || undefined),
        status,
      );
    }
    // Never a stack trace to the client: a generic message and the request id to quote.
    logger.error({
      event_type: 'request_failed',
      request_id: c.get('requestId'),
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
      route: c.req.routePath,
    });
    return c.json(errorBody(c, 'internal'), 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
