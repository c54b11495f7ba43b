// Starting and stopping the server: migrations, start-up events, demo seeding, graceful shutdown.
import { type ServerType, serve } from '@hono/node-server';
import type { EventType } from '../shared/catalog.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { seedDemo } from './demo/seed.js';
import { signCheckpoint } from './domain/checkpoints.js';
import { startJobs } from './jobs.js';
import type { Logger } from './log.js';
import { createServices, type Services } from './services.js';
import { coordinate } from './store/coordination.js';
import { applyMigrations, openStore, startupProblem } from './store/db.js';
import { startStreams } from './streams/index.js';
import { WebhookDelivery } from './webhooks/deliver.js';

/** The store is there but this server must not run on it; the message says why, in one line. */
export class StartupRefused extends Error {}

export interface Running {
  services: Services;
  url: string;
  stop(reason: string): Promise<void>;
}

async function recordSystem(
  s: Services,
  eventType: EventType,
  metadata: Record<string, unknown>,
): Promise<void> {
  await s.pipeline.transact(async (tx) => {
    await s.pipeline.record(tx, { event_type: eventType, level: 'INFO', outcome: 'success', metadata });
  });
}

export async function startServer(config: Config, logger: Logger): Promise<Running> {
  const store = await openStore(config.dbPath, { poolSize: config.dbPoolSize });
  let migrations: string[];
  try {
    migrations = await applyMigrations(store, config.dbOwnerUrl);
    const problem = await startupProblem(store, config.production);
    if (problem) throw new StartupRefused(problem);
  } catch (error) {
    await store.close();
    throw error;
  }
  const s = createServices(config, logger, store);
  // With several servers on one database: notices reach every server's live streams, and one of them
  // (whichever holds the leader lock) runs the background work.
  const coordination = await coordinate(store);
  s.bus.connect(coordination);
  // Stores written before the Merkle tree existed get their leaves now, before anything new is appended.
  const backfilled = await s.pipeline.transact((tx) => s.log.backfillTree(tx));
  if (backfilled > 0)
    logger.info({
      event_type: 'merkle_backfilled',
      message: `added ${backfilled} events to the Merkle tree`,
    });
  if (migrations.length > 0) {
    await recordSystem(s, 'database_migration_run', { applied: migrations.length, migrations });
  }
  await recordSystem(s, 'application_startup', {
    version: '0.1.0',
    demo: config.demo,
    node: process.version,
  });
  if (config.demo) {
    const seeded = await seedDemo(s.store.db, s.pipeline);
    if (seeded > 0) logger.info({ event_type: 'demo_seeded', message: `seeded ${seeded} demo events` });
  }

  // Whatever an interrupted erasure left in the WAL is folded in and truncated before serving.
  await s.store.compact();
  await signCheckpoint(s, 'startup');
  // Background work: due erasures, retention, scheduled checkpoints, streams and webhook delivery. Held by
  // one server at a time; when it dies its lock goes with its connection and another server takes over.
  let stopBackground: () => Promise<void> = async () => {};
  let leading = false;
  s.metrics.gauge(
    'receipts_background_leader',
    'Whether this server runs the background work (erasures, retention, checkpoints, streams, webhooks)',
    () => (leading ? 1 : 0),
  );
  coordination.lead(() => {
    leading = true;
    logger.info({ event_type: 'background_leader', message: 'this server now runs the background work' });
    const stopJobs = startJobs(s);
    const streams = startStreams(s);
    const delivery = config.webhook ? new WebhookDelivery(s, config.webhook) : null;
    delivery?.start();
    let stopped: Promise<void> | null = null;
    stopBackground = () => {
      stopped ??= (async () => {
        leading = false;
        delivery?.stop();
        stopJobs();
        await (await streams)();
      })();
      return stopped;
    };
    return () => void stopBackground();
  });

  let stopping: Promise<void> | null = null;
  const stopSignal = new AbortController();
  const app = createApp(s, { stopping: stopSignal.signal });
  const server: ServerType = await new Promise((resolve) => {
    const srv = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(srv));
  });
  // While stopping, a connection closes as soon as its response is done (a live stream's among them), not
  // after the keep-alive timeout: the close below waits for every connection.
  server.on('request', (_req: unknown, res: { once(event: 'finish', fn: () => void): unknown }) => {
    res.once('finish', () => {
      if (stopSignal.signal.aborted && 'closeIdleConnections' in server) server.closeIdleConnections();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;

  const stop = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ event_type: 'application_shutdown', message: `stopping (${reason})` });
      // Refuses new requests and ends live streams, whose connections would otherwise hold the close below.
      stopSignal.abort();
      // Stop accepting connections, finish what was acknowledged, then close the store cleanly.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const forceAfter = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, 5000);
      forceAfter.unref();
      await closed;
      await s.preparer.close();
      await s.pageReaders?.close();
      await s.commit.drain();
      await recordSystem(s, 'application_shutdown', { reason });
      await signCheckpoint(s, 'shutdown');
      // Streams stop after the last checkpoint, so receivers get it.
      await stopBackground();
      await coordination.close();
      await s.commit.drain();
      s.commit.close();
      // Folds the WAL into the main file and truncates it (SQLite) or ends the pool (PostgreSQL).
      await s.store.close();
    })();
    return stopping;
  };
  return { services: s, url, stop };
}
