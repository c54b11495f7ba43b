// Everything the server and the CLI work with, built once from the configuration.
import { AuditLog } from './audit/writer.js';
import { Bus } from './bus.js';
import type { Config } from './config.js';
import { DeviceTracker } from './derive/devices.js';
import { SessionTracker } from './derive/sessions.js';
import { GeoLocator } from './geo/index.js';
import { Pipeline } from './ingest/pipeline.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { newDeviceNotice } from './notify/new-device.js';
import { revokeOnPasswordChange } from './notify/password-change.js';
import { alertRules } from './rules/engine.js';
import { AlertRaiser } from './rules/raise.js';
import { Windows } from './rules/windows.js';
import { KeyRing } from './security/keys.js';
import { openStore, type Store } from './store/db.js';
import { GroupCommit } from './store/group-commit.js';
import { Outbox } from './webhooks/outbox.js';

export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  log: AuditLog;
  sessions: SessionTracker;
  devices: DeviceTracker;
  commit: GroupCommit;
  bus: Bus;
  pipeline: Pipeline;
  keys: KeyRing;
  outbox: Outbox;
  windows: Windows;
  metrics: Metrics;
}

/** Builds the services over an open, migrated store. */
export function createServices(
  config: Config,
  logger: Logger,
  store: Store = openStore(config.dbPath),
): Services {
  const log = new AuditLog(store.sqlite);
  const metrics = new Metrics();
  let headAtGroupStart = 0;
  const commit = new GroupCommit(store.sqlite, {
    beforeGroup: () => {
      log.syncWithStore();
      headAtGroupStart = log.head().seq;
    },
    onRollback: () => log.resync(),
    afterCommit: (group) => metrics.groupCommitted({ ...group, events: log.head().seq - headAtGroupStart }),
  });
  const sessions = new SessionTracker(store.sqlite);
  const devices = new DeviceTracker(store.sqlite);
  const bus = new Bus();
  const pipeline = new Pipeline({
    log,
    sessions,
    devices,
    commit,
    bus,
    pepper: config.pepper,
    webhookSecret: config.webhook?.secret ?? null,
    geo: new GeoLocator(config.geoip),
  });
  const outbox = new Outbox(store.sqlite, config.webhook !== null);
  const windows = new Windows(store.sqlite);
  if (config.rules.enabled) {
    pipeline.use(
      alertRules({
        config: config.rules,
        production: config.production,
        pepper: config.pepper,
        windows,
        raiser: new AlertRaiser(store.sqlite, outbox, config.rules),
        sessionNetwork: (ref) => sessions.find(ref)?.ip_net ?? null,
      }),
    );
  }
  const services: Services = {
    config,
    logger,
    store,
    log,
    sessions,
    devices,
    commit,
    bus,
    pipeline,
    keys: new KeyRing(store.sqlite, config.ingestKeys),
    outbox,
    windows,
    metrics,
  };
  pipeline.use(newDeviceNotice({ sqlite: store.sqlite, outbox, publicUrl: config.publicUrl }));
  if (config.revokeOnPasswordChange) pipeline.use(revokeOnPasswordChange(services));
  return services;
}
