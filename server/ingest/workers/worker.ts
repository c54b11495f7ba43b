// A prepare worker: parses, validates and prepares ingest bodies off the thread that commits. Pure: it
// writes nothing, so a body whose worker dies can simply be prepared again.
import { workerData } from 'node:worker_threads';
import { GeoLocator } from '../../geo/index.js';
import { answerTasks } from '../../worker-pool.js';
import { prepareBody } from '../body.js';
import type { PrepareKeys } from '../prepare.js';
import type { WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
const keys: PrepareKeys = {
  pepper: Buffer.from(setup.pepper),
  webhookSecret: setup.webhookSecret,
  geo: new GeoLocator(setup.geo.source),
};

answerTasks((bytes: Uint8Array) => prepareBody(bytes, keys));
