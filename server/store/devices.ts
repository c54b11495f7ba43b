// Devices a user has used, one row per (subject, fingerprint).
import { type Db, type Statement, sql } from './sql.js';
import { type CachedRow, rowWrites, type WriteBehind, writeChanged } from './write-behind.js';

export interface NewDevice {
  id: string;
  subject: string;
  fingerprint: string;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  ts: number;
  ip_net: string | null;
  location: string | null;
}

export interface DeviceRow {
  id: string;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  first_seen: number;
  last_seen: number;
  ip_net: string | null;
  location: string | null;
  /** Active sessions on it. */
  sessions: number;
}

// Find and touch in one statement: the common case (a device seen before) costs one round trip.
const TOUCH_KNOWN = sql({
  sqlite: `UPDATE devices SET first_seen = MIN(first_seen, @ts),
     location = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @ip_net ELSE ip_net END,
     last_seen = MAX(last_seen, @ts)
   WHERE subject = @subject AND fingerprint = @fingerprint RETURNING *`,
  pg: `UPDATE devices SET first_seen = LEAST(first_seen, @ts::bigint),
     location = CASE WHEN @ts::bigint >= last_seen AND @ip_net::text IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts::bigint >= last_seen AND @ip_net::text IS NOT NULL THEN @ip_net ELSE ip_net END,
     last_seen = GREATEST(last_seen, @ts::bigint)
   WHERE subject = @subject AND fingerprint = @fingerprint RETURNING *`,
});
const COUNT = sql('SELECT COUNT(*) AS n FROM devices WHERE subject = ?');
const LIST = sql(
  `SELECT d.id, d.browser, d.os, d.device_type, d.first_seen, d.last_seen, d.ip_net, d.location,
     (SELECT COUNT(*) FROM sessions s WHERE s.device_id = d.id AND s.status = 'active') AS sessions
   FROM devices d WHERE d.subject = ? ORDER BY d.last_seen DESC`,
);
const DELETE_OF = sql('DELETE FROM devices WHERE subject = ?');

export async function countDevices(db: Db, subject: string): Promise<number> {
  return (await db.get<{ n: number }>(COUNT, [subject]))?.n ?? 0;
}
export const listDevices = (db: Db, subject: string) => db.all<DeviceRow>(LIST, [subject]);
export const deleteDevicesOf = (db: Db, subject: string) => db.run(DELETE_OF, [subject]);

// The write-behind side: the devices a batch's events name, read at once, touched in memory, written once.
// Asked for by (user id, fingerprint) through `subjects`, so a reply holds only the devices the batch uses,
// not every device of its users: pseudonyms of users new to the batch do not exist yet.
const OF_SIGHTINGS = sql({
  sqlite: `SELECT s.pseudonym AS owner, w.value ->> 1 AS fp, d.*
   FROM json_each(?) w JOIN subjects s ON s.user_id = w.value ->> 0
   LEFT JOIN devices d ON d.subject = s.pseudonym AND d.fingerprint = w.value ->> 1`,
  pg: `SELECT s.pseudonym AS owner, w.fp, d.*
   FROM unnest(?::text[], ?::text[]) AS w(user_id, fp) JOIN subjects s ON s.user_id = w.user_id
   LEFT JOIN devices d ON d.subject = s.pseudonym AND d.fingerprint = w.fp`,
});

/** A device row as the buffer keeps it. */
interface StoredDevice extends Omit<DeviceRow, 'sessions'> {
  subject: string;
  fingerprint: string;
}
const WRITES = rowWrites<StoredDevice>(
  'devices',
  {
    id: 'text',
    subject: 'text',
    fingerprint: 'text',
    browser: 'text',
    os: 'text',
    device_type: 'text',
    first_seen: 'bigint',
    last_seen: 'bigint',
    ip_net: 'text',
    location: 'text',
  },
  ['first_seen', 'last_seen', 'ip_net', 'location'],
);

const OWN: ReadonlySet<Statement> = new Set([OF_SIGHTINGS, TOUCH_KNOWN, ...WRITES.statements]);

type Cached = CachedRow<StoredDevice>;

export interface DeviceSighting {
  subject: string;
  fingerprint: string;
  ts: number;
  ip_net: string | null;
  location: string | null;
}

const MAX_CACHED = 20_000;
const keyOf = (subject: string, fingerprint: string) => `${subject}\u0000${fingerprint}`;

/** A user's device as a batch names it, before the user's pseudonym is looked up. */
export interface DeviceAsked {
  userId: string;
  fingerprint: string;
}

/**
 * Devices as the derivers see them inside a write transaction (see SessionBuffer: the same life, one
 * transaction at most). A (subject, fingerprint) that was asked for and is not cached is a device never
 * seen.
 */
export class DeviceBuffer implements WriteBehind {
  readonly tables = ['devices'] as const;
  private cached = new Map<string, Cached>();
  private asked = new Set<string>();

  owns(st: Statement): boolean {
    return OWN.has(st);
  }

  /** One read for a batch: the devices its events name, of the users that have a pseudonym already. */
  async prefetch(db: Db, sightings: Iterable<DeviceAsked>): Promise<void> {
    const pairs = new Map<string, DeviceAsked>();
    for (const a of sightings) pairs.set(keyOf(a.userId, a.fingerprint), a);
    if (pairs.size === 0) return;
    const wanted = [...pairs.values()];
    const params =
      db.dialect === 'postgres'
        ? [wanted.map((a) => a.userId), wanted.map((a) => a.fingerprint)]
        : [JSON.stringify(wanted.map((a) => [a.userId, a.fingerprint]))];
    const rows = await db.all<StoredDevice & { owner: string; fp: string; id: string | null }>(
      OF_SIGHTINGS,
      params,
    );
    for (const r of rows) {
      const key = keyOf(r.owner, r.fp);
      // Asked before in this transaction: what the cache holds is newer than the store.
      if (this.asked.has(key) || this.cached.has(key)) continue;
      this.asked.add(key);
      if (r.id === null) continue; // a device the user never used
      const { owner: _, fp: __, ...row } = r;
      this.cached.set(key, { row: row as StoredDevice, state: 'clean' });
    }
  }

  /** Touches the subject's device with this fingerprint; its id, or null when the subject never used it. */
  async touch(db: Db, d: DeviceSighting): Promise<string | null> {
    const key = keyOf(d.subject, d.fingerprint);
    const c = this.cached.get(key);
    if (c) {
      if (seen(c.row, d) && c.state === 'clean') c.state = 'dirty';
      return c.row.id;
    }
    if (this.asked.has(key)) return null;
    // Not read for this batch: touched in the store in one statement, as before there was a cache.
    const row = await db.get<StoredDevice>(TOUCH_KNOWN, { ...d });
    if (!row) return null;
    this.cached.set(key, { row, state: 'clean' });
    return row.id;
  }

  /** A device the subject never used (`touch` returned null); written at the end of the job. */
  add(d: NewDevice): void {
    const { ts, ...rest } = d;
    this.cached.set(keyOf(d.subject, d.fingerprint), {
      row: { ...rest, first_seen: ts, last_seen: ts },
      state: 'new',
    });
  }

  async flush(db: Db): Promise<void> {
    await writeChanged(db, this.cached.values(), WRITES);
    // Most asked keys are cached ones too: each set is held to the bound on its own.
    if (this.cached.size > MAX_CACHED || this.asked.size > MAX_CACHED) this.drop();
  }

  forget(): void {
    this.drop();
  }

  drop(): void {
    this.cached.clear();
    this.asked.clear();
  }
}

/** The sighting applied to a cached row as TOUCH_KNOWN applies it to a stored one; whether it changed. */
function seen(row: StoredDevice, d: DeviceSighting): boolean {
  const moves = d.ts >= row.last_seen && d.ip_net !== null;
  const next: Partial<StoredDevice> = {
    first_seen: Math.min(row.first_seen, d.ts),
    location: moves ? d.location : row.location,
    ip_net: moves ? d.ip_net : row.ip_net,
    last_seen: Math.max(row.last_seen, d.ts),
  };
  const changed = (Object.keys(next) as (keyof StoredDevice)[]).some((k) => row[k] !== next[k]);
  Object.assign(row, next);
  return changed;
}
