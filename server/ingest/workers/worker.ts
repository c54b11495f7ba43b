// A prepare worker: parses, validates and prepares ingest bodies off the thread that commits. Pure: it
// writes nothing, so a body whose worker dies can simply be prepared again.
import { parentPort, workerData } from 'node:worker_threads';
import { GeoLocator } from '../../geo/index.js';
import { prepareBody } from '../body.js';
import type { PrepareKeys } from '../prepare.js';
import type { PrepareAnswer, PrepareTask, WorkerSetup } from './messages.js';

const setup = workerData as WorkerSetup;
const keys: PrepareKeys = {
  pepper: Buffer.from(setup.pepper),
  webhookSecret: setup.webhookSecret,
  geo: new GeoLocator(setup.geo.source),
};

parentPort!.on('message', (task: PrepareTask) => {
  let answer: PrepareAnswer;
  try {
    answer = { id: task.id, body: prepareBody(task.bytes, keys) };
  } catch (error) {
    answer = { id: task.id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(answer);
});
