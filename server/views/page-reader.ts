// A page reader thread (see page-readers.ts): its own connection to the SQLite file, reading pages only.
import { workerData } from 'node:worker_threads';
import { openSqliteReader } from '../store/sqlite.js';
import { answerTasks } from '../worker-pool.js';
import { pageJson } from './activity.js';
import type { PageReaderSetup, PageTask } from './page-readers.js';

const db = openSqliteReader((workerData as PageReaderSetup).path);

answerTasks((t: PageTask) => pageJson(db, t.subject, t.filter, t.limit, t.currentRef));
