// Raw `pg` inserts into tables shaped like `events` and `personal_data` (same columns and indexes as the
// PostgreSQL migrations), with the SHA-256 chain over RFC 8785 canonical JSON — no HTTP, no validation, no
// subjects, sessions, devices or Merkle tree.
//   batch   rows [0, n) in multi-row INSERTs of `perTx` events (+ their personal_data rows) per transaction
//   single  one event (+ its personal_data row) per committed statement, from `connections` connections at once;
//           the chain is computed in this process in seq order, so commits may land out of seq order
// Run as a child: `node bench/raw-pg.js '{"mode":…,"url":…,"n":…,"spec":{…},"perTx":500,"connections":64}'`;
// prints one JSON line.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import pg from 'pg';
import { chainedRow, EVENT_COLUMNS, GENESIS } from './chain-rows.js';
import { makeEvent, makeSpec } from './data.js';
import { round, systemCpu } from './lib.js';

const SCHEMA = `
CREATE TABLE events (
  seq bigint PRIMARY KEY NOT NULL, id text NOT NULL, ts bigint NOT NULL, received_at bigint NOT NULL,
  event_type text NOT NULL, level text NOT NULL, outcome text, subject text, session_ref text, request_id text,
  resource_type text, resource_id text, action text, metadata text, pii_commit text, prev_hash text NOT NULL,
  hash text NOT NULL);
CREATE UNIQUE INDEX events_id ON events USING btree (id);
CREATE INDEX events_subject_ts ON events USING btree (subject, ts, seq);
CREATE TABLE personal_data (
  seq bigint PRIMARY KEY NOT NULL, subject text, salt bytea NOT NULL, user_id text, ip text, ip_key bytea,
  ip_net text, user_agent text, browser text, os text, device_type text, location text, "values" text);
CREATE INDEX personal_ip ON personal_data USING btree (ip_key);`;

const PERSONAL_COLUMNS = ['seq', 'subject', 'salt', 'user_id', 'ip', 'ip_key', 'ip_net', 'user_agent'];
const KEY = randomBytes(32);

/** A pseudonym per user (keyed, stable within the run) and the personal-data row committed to by the event. */
function personal(e) {
  const subject = `sub_${createHmac('sha256', KEY).update(e.user_id).digest('base64url').slice(0, 16)}`;
  const salt = randomBytes(16);
  const pii = { user_id: e.user_id, ip: e.ip_address, user_agent: e.user_agent };
  const commit = createHash('sha256').update(salt).update(canonicalize(pii)).digest('hex');
  const ipNet = e.ip_address.includes(':')
    ? `${e.ip_address.split(':').slice(0, 3).join(':')}::/48`
    : `${e.ip_address.split('.').slice(0, 3).join('.')}.0/24`;
  return {
    subject,
    commit,
    values: [
      subject,
      salt,
      e.user_id,
      e.ip_address,
      createHmac('sha256', KEY).update(e.ip_address).digest(),
      ipNet,
      e.user_agent,
    ],
  };
}

function rowsFor(e, head) {
  const p = personal(e);
  const row = chainedRow(e, head, { subject: p.subject, pii_commit: p.commit });
  return { row, event: EVENT_COLUMNS.map((c) => row[c]), personal: [row.seq, ...p.values] };
}

/** INSERT INTO table (cols) VALUES ($1, …), (…) for `count` rows. */
function multiInsert(table, columns, count) {
  const tuples = [];
  for (let r = 0; r < count; r++)
    tuples.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
  return `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`;
}

async function batch(client, o, spec, timed, marks) {
  let head = { seq: 0, hash: GENESIS };
  const events = [];
  for (let from = 0; from < o.n; from += o.perTx) {
    events.length = 0;
    for (let k = from; k < Math.min(o.n, from + o.perTx); k++) events.push(makeEvent(k, spec));
    // Generating the events is outside the timed region; hashing, inserts and the commit (fsync) are inside.
    await timed(async () => {
      const ev = [];
      const pd = [];
      for (const e of events) {
        const r = rowsFor(e, head);
        head = { seq: r.row.seq, hash: r.row.hash };
        ev.push(...r.event);
        pd.push(...r.personal);
      }
      await client.query('BEGIN');
      await client.query(multiInsert('events', EVENT_COLUMNS, events.length), ev);
      await client.query(multiInsert('personal_data', PERSONAL_COLUMNS, events.length), pd);
      await client.query('COMMIT');
    });
    const done = Math.min(o.n, from + o.perTx);
    if (o.slice && done % o.slice === 0) marks.push([done, round(timed.seconds(), 3)]);
  }
}

// One statement per event, committed on its own: both rows in one writable CTE, one round trip, one commit.
const SINGLE = `WITH e AS (${multiInsert('events', EVENT_COLUMNS, 1)} RETURNING seq)
  INSERT INTO personal_data (${PERSONAL_COLUMNS.map((c) => `"${c}"`).join(', ')})
  SELECT e.seq, ${PERSONAL_COLUMNS.slice(1)
    .map((_, c) => `$${EVENT_COLUMNS.length + c + 1}`)
    .join(', ')} FROM e`;

async function single(url, o, spec, timed) {
  const clients = [];
  for (let i = 0; i < o.connections; i++) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
  }
  const events = [];
  for (let k = 0; k < o.n; k++) events.push(makeEvent(k, spec));
  let head = { seq: 0, hash: GENESIS };
  let next = 0;
  await timed(() =>
    Promise.all(
      clients.map(async (c) => {
        while (next < o.n) {
          const r = rowsFor(events[next++], head);
          head = { seq: r.row.seq, hash: r.row.hash };
          await c.query({ name: 'single', text: SINGLE, values: [...r.event, ...r.personal.slice(1)] });
        }
      }),
    ),
  );
  await Promise.all(clients.map((c) => c.end()));
}

async function main() {
  const o = JSON.parse(process.argv[2]);
  const spec = makeSpec(o.spec);
  const client = new pg.Client({ connectionString: o.url });
  await client.connect();
  await client.query(SCHEMA);
  let timedNs = 0n;
  let timedCpu = 0;
  const timed = async (fn) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    timedNs += process.hrtime.bigint() - t0;
    const c = process.cpuUsage(c0);
    timedCpu += c.user + c.system;
  };
  timed.seconds = () => Number(timedNs) / 1e9;
  // [rows so far, timed seconds so far] at every `slice` rows: the ceiling's own growth curve.
  const marks = [];
  const wallStart = process.hrtime.bigint();
  const sys0 = systemCpu();
  const own0 = process.cpuUsage();
  if (o.mode === 'batch') await batch(client, o, spec, timed, marks);
  else await single(o.url, o, spec, timed);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const own = process.cpuUsage(own0);
  // Everything but this process: PostgreSQL's own CPU is in here, so the caller subtracts what it measured.
  const othersAndPg = systemCpu().busy - sys0.busy - (own.user + own.system) / 1e6;
  const { rows } = await client.query(
    'SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM personal_data)::int AS personal',
  );
  await client.end();
  const seconds = Number(timedNs) / 1e9;
  process.stdout.write(
    `${JSON.stringify({
      mode: o.mode,
      rows: rows[0].events,
      personal_rows: rows[0].personal,
      rows_per_tx: o.mode === 'batch' ? o.perTx : 1,
      connections: o.mode === 'batch' ? 1 : o.connections,
      seconds,
      wall_seconds: wall,
      events_per_s: rows[0].events / seconds,
      client_cpu_us_per_row: round(timedCpu / rows[0].events, 1),
      cpu_seconds_besides_client: round(Math.max(0, othersAndPg), 2),
      ...(o.slice ? { marks } : {}),
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`raw-pg failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
