// Everything the server and the CLI work with, built once from the configuration.
import { AuditLog } from './audit/writer.js';
import { Bus } from './bus.js';
import type { Config } from './config.js';
import { prefetchDevices, trackDevices } from './derive/devices.js';
import { prefetchSessions, trackSessions } from './derive/sessions.js';
import { GeoLocator } from './geo/index.js';
import { Pipeline } from './ingest/pipeline.js';
import { PreparePool } from './ingest/workers/pool.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { newDeviceNotice } from './notify/new-device.js';
import { revokeOnPasswordChange } from './notify/password-change.js';
import { alertRules } from './rules/engine.js';
import { AlertRaiser } from './rules/raise.js';
import { KeyRing } from './security/keys.js';
import type { Store } from './store/db.js';
import { DeviceBuffer } from './store/devices.js';
import { GroupCommit } from './store/group-commit.js';
import { SessionBuffer, sessionByRef } from './store/sessions.js';
import { RuleHitBuffer } from './store/windows.js';
import { bindWriteBehind } from './store/write-behind.js';
import { PageReaders } from './views/page-readers.js';
import { Outbox } from './webhooks/outbox.js';

export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  log: AuditLog;
  commit: GroupCommit;
  bus: Bus;
  pipeline: Pipeline;
  /** Turns ingest bodies into prepared events on worker threads, off the thread that commits. */
  preparer: PreparePool;
  /** Reads activity pages on worker threads with their own connections (SQLite); null on PostgreSQL. */
  pageReaders: PageReaders | null;
  keys: KeyRing;
  outbox: Outbox;
  metrics: Metrics;
}

/** Builds the services over an open, migrated store. */
export function createServices(config: Config, logger: Logger, store: Store): Services {
  const log = new AuditLog(store.dialect === 'postgres');
  const metrics = new Metrics();
  let headAtGroupStart = 0;
  let pipeline: Pipeline | null = null;
  // The derived rows a job keeps in memory and writes when it ends, like the log's own rows.
  const sessions = new SessionBuffer();
  const devices = new DeviceBuffer();
  const windows = new RuleHitBuffer();
  const buffers = [devices, sessions, windows];
  const commit = new GroupCommit(() => store.begin(), {
    beforeGroup: async (tx) => {
      await log.sync(tx);
      headAtGroupStart = log.head().seq;
      // What the last transaction cached may be stale: another server or a CLI verb may have written since.
      for (const b of buffers) b.drop();
    },
    bind: (tx) => bindWriteBehind(log.bind(tx), buffers),
    afterJob: async (tx) => {
      await log.flush(tx);
      for (const b of buffers) await b.flush(tx);
    },
    onRollback: () => {
      log.invalidate();
      for (const b of buffers) b.drop();
    },
    afterCommit: () => {
      const events = log.head().seq - headAtGroupStart;
      const announce = pipeline?.announcements();
      return (group) => {
        metrics.groupCommitted({ ...group, events });
        announce?.();
      };
    },
  });
  const bus = new Bus();
  // Each prepare worker opens its own locator on the same source; the files are read in place (geo/).
  const keys = {
    pepper: config.pepper,
    webhookSecret: config.webhook?.secret ?? null,
    geo: new GeoLocator(config.geoip),
  };
  pipeline = new Pipeline({ log, commit, bus, ...keys });
  const preparer = new PreparePool({
    size: config.prepareWorkers,
    keys,
    onCrash: (error) =>
      logger.warning({
        event_type: 'prepare_worker_lost',
        message: `a prepare worker died; its bodies were prepared inline: ${error.message}`,
      }),
  });
  const reader = store.sqlite?.reader;
  const pageReaders =
    reader && reader !== store.sqlite?.writer
      ? new PageReaders({
          size: config.readWorkers,
          path: store.location,
          reader,
          onCrash: (error) =>
            logger.warning({
              event_type: 'page_reader_lost',
              message: `a page reader died; its pages were read on the main thread: ${error.message}`,
            }),
        })
      : null;
  const outbox = new Outbox(config.webhook !== null);
  const services: Services = {
    config,
    logger,
    store,
    log,
    commit,
    bus,
    pipeline,
    preparer,
    pageReaders,
    keys: new KeyRing(config.ingestKeys),
    outbox,
    metrics,
  };
  // Derivers run in this order on every appended event: each may read what the ones before filled in.
  pipeline.use(trackDevices(devices), prefetchDevices(devices));
  pipeline.use(trackSessions(sessions), prefetchSessions(sessions));
  if (config.rules.enabled) {
    pipeline.use(
      alertRules({
        config: config.rules,
        production: config.production,
        pepper: config.pepper,
        raiser: new AlertRaiser(outbox, config.rules),
        windows,
        sessionNetwork: async (tx, ref) => (await sessionByRef(tx, ref))?.ip_net ?? null,
      }),
    );
  }
  pipeline.use(newDeviceNotice({ outbox, publicUrl: config.publicUrl }));
  if (config.revokeOnPasswordChange) pipeline.use(revokeOnPasswordChange(services));
  return services;
}
