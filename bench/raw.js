// Raw better-sqlite3 inserts into a table shaped like `events` (same columns and indexes), with the SHA-256
// chain over RFC 8785 canonical JSON — no HTTP, no validation, no personal-data table, no derivation.
// Run as a child: `node bench/raw.js '{"mode":"batch"|"single","dir":…,"n":…,"spec":{…}}'`; prints JSON.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chainedRow, GENESIS } from './chain-rows.js';
import { makeEvent, makeSpec } from './data.js';
import { round, storageWrites, systemCpu } from './lib.js';

function open(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (
    seq integer PRIMARY KEY, id text NOT NULL, ts integer NOT NULL, received_at integer NOT NULL,
    event_type text NOT NULL, level text NOT NULL, outcome text, subject text, session_ref text,
    request_id text, resource_type text, resource_id text, action text, metadata text, pii_commit text,
    prev_hash text NOT NULL, hash text NOT NULL);
  CREATE UNIQUE INDEX events_id ON events (id);
  CREATE INDEX events_subject_ts ON events (subject, ts, seq);`);
  return db;
}

function main() {
  const { mode, dir, n, spec: rawSpec, slice } = JSON.parse(process.argv[2]);
  const spec = makeSpec(rawSpec);
  const db = open(join(dir, `raw-${mode}.db`));
  const insert = db.prepare(
    `INSERT INTO events (seq, id, ts, received_at, event_type, level, outcome, subject, session_ref, request_id,
      resource_type, resource_id, action, metadata, pii_commit, prev_hash, hash)
     VALUES (@seq, @id, @ts, @received_at, @event_type, @level, @outcome, @subject, @session_ref, @request_id,
      @resource_type, @resource_id, @action, @metadata, @pii_commit, @prev_hash, @hash)`,
  );
  let head = { seq: 0, hash: GENESIS };
  const append = (e) => {
    const row = chainedRow(e, head);
    insert.run(row);
    head = { seq: row.seq, hash: row.hash };
  };
  const perTx = mode === 'batch' ? 1000 : 1;
  const tx = db.transaction((events) => {
    for (const e of events) append(e);
  });
  // Events are generated outside the timed region; timing covers hashing, inserts and commits (fsyncs).
  let timed = 0n;
  let timedCpu = 0; // µs of CPU inside the timed region
  const chunk = mode === 'batch' ? 1000 : 100;
  // [rows so far, timed seconds so far] at every `slice` rows: the ceiling's own growth curve.
  const marks = [];
  const wallStart = process.hrtime.bigint();
  const written0 = storageWrites(process.pid);
  const sys0 = systemCpu();
  const own0 = process.cpuUsage();
  for (let from = 0; from < n; from += chunk) {
    const events = [];
    for (let k = from; k < Math.min(n, from + chunk); k++) events.push(makeEvent(k, spec));
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < events.length; k += perTx) tx(events.slice(k, k + perTx));
    timed += process.hrtime.bigint() - t0;
    const c = process.cpuUsage(c0);
    timedCpu += c.user + c.system;
    const done = Math.min(n, from + chunk);
    if (slice && done % slice === 0) marks.push([done, round(Number(timed) / 1e9, 3)]);
  }
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  // Before close, whose final checkpoint the server's runs do not include either.
  const written = storageWrites(process.pid) - written0;
  const own = process.cpuUsage(own0);
  const others = systemCpu().busy - sys0.busy - (own.user + own.system) / 1e6;
  const seconds = Number(timed) / 1e9;
  const count = db.prepare('SELECT count(*) AS c FROM events').get().c;
  db.close();
  process.stdout.write(
    `${JSON.stringify({ mode, rows: count, rows_per_tx: perTx, seconds, wall_seconds: wall, events_per_s: count / seconds, cpu_us_per_row: round(timedCpu / count, 1), storage_kb_per_row: round(written / count / 1024, 2), other_processes_cpu_utilisation: round(Math.max(0, others) / wall, 2), ...(slice ? { marks } : {}) })}\n`,
  );
}

main();
