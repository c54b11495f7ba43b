// The store schema on PostgreSQL: server/store/schema.ts table for table, column for column, with the same
// names and meanings, so one SQL text runs on both backends. Times, sequence numbers and row ids are bigint
// (ms since epoch outgrows int4); blobs are bytea; flags stay integer 0/1 and JSON stays text, so canonical
// JSON comes back byte for byte. drizzle-kit generates ../migrations-pg from it; the append-only triggers and
// the pruning function live in a hand-written migration beside them.
import { bigint, customType, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/** bytea as a Node Buffer, which node-postgres both takes and returns for bytea. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType() {
    return 'bytea';
  },
});

/** ms since epoch, a seq or a row id: fits a JS number, not an int4. */
const int8 = (name: string) => bigint(name, { mode: 'number' });

/** The audit log. Append-only; each row is chained to the one before by `hash`. Holds no personal data. */
export const events = pgTable(
  'events',
  {
    seq: int8('seq').primaryKey(),
    id: text('id').notNull(),
    ts: int8('ts').notNull(), // event time, ms since epoch
    receivedAt: int8('received_at').notNull(),
    eventType: text('event_type').notNull(),
    level: text('level').notNull(),
    outcome: text('outcome'),
    subject: text('subject'), // pseudonym from `subjects`, never the user id
    sessionRef: text('session_ref'), // HMAC of the host session id
    requestId: text('request_id'),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    action: text('action'),
    metadata: text('metadata'), // JSON, redacted, personal values replaced by placeholders
    piiCommit: text('pii_commit'), // SHA-256(salt ‖ personal data), or null when there was none
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('events_id').on(t.id), index('events_subject_ts').on(t.subject, t.ts, t.seq)],
);

/** Personal data of each event, kept beside the chain so that erasure can delete it. */
export const personalData = pgTable(
  'personal_data',
  {
    seq: int8('seq').primaryKey(), // = events.seq
    subject: text('subject'),
    salt: bytea('salt').notNull(),
    userId: text('user_id'),
    ip: text('ip'),
    ipKey: bytea('ip_key'), // 16-byte IPv6 form, for range queries
    ipNet: text('ip_net'), // masked /24 or /48
    userAgent: text('user_agent'),
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    location: text('location'), // JSON Place looked up from the IP at ingest; personal like the IP itself
    values: text('values'), // JSON: personal values lifted out of metadata, by path
  },
  // No index on subject: a row's subject is its event's (verify checks it), so a person's rows are found
  // through events_subject_ts by seq. One index fewer is one random page fewer written per event.
  (t) => [index('personal_ip').on(t.ipKey)],
);

/** user id ↔ pseudonym. Deleting a row is what makes a user's events unlinkable. */
export const subjects = pgTable('subjects', {
  userId: text('user_id').primaryKey(),
  pseudonym: text('pseudonym').notNull().unique(),
  createdAt: int8('created_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(), // public id, shown to the user
    ref: text('ref').notNull().unique(), // HMAC of the host session id
    hostTag: text('host_tag'), // HMAC under the webhook secret, so the host can match webhooks to its sessions
    subject: text('subject').notNull(),
    status: text('status').notNull(), // active | revoked | expired | ended
    createdAt: int8('created_at').notNull(),
    lastSeenAt: int8('last_seen_at').notNull(),
    ipNet: text('ip_net'),
    location: text('location'), // JSON Place of the latest address; cleared with ip_net
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    deviceId: text('device_id'),
    endedAt: int8('ended_at'),
    revokedBy: text('revoked_by'),
  },
  // (ref, id) covers the activity view's join from each event to its session's public id.
  (t) => [index('sessions_subject').on(t.subject, t.status), index('sessions_ref_id').on(t.ref, t.id)],
);

export const devices = pgTable(
  'devices',
  {
    id: text('id').primaryKey(),
    subject: text('subject').notNull(),
    fingerprint: text('fingerprint').notNull(), // browser family | OS | device type
    browser: text('browser'),
    os: text('os'),
    deviceType: text('device_type'),
    firstSeen: int8('first_seen').notNull(),
    lastSeen: int8('last_seen').notNull(),
    ipNet: text('ip_net'),
    location: text('location'), // JSON Place of the latest address
  },
  (t) => [uniqueIndex('devices_subject_fp').on(t.subject, t.fingerprint)],
);

export const ingestKeys = pgTable('ingest_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  scope: text('scope').notNull(), // ingest | admin
  hash: text('hash').notNull().unique(), // SHA-256 of the key; the key itself is never stored
  createdAt: int8('created_at').notNull(),
  revokedAt: int8('revoked_at'),
});

/** Durable webhook outbox: a message stays until the host acknowledged it. */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(), // webhook-id, the same on every retry
    type: text('type').notNull(),
    subject: text('subject'),
    payload: text('payload').notNull(),
    createdAt: int8('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: int8('next_attempt_at').notNull(),
    deliveredAt: int8('delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_due').on(t.deliveredAt, t.nextAttemptAt)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    subject: text('subject'),
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull(), // open | acknowledged | resolved
    createdAt: int8('created_at').notNull(),
    updatedAt: int8('updated_at').notNull(),
    summary: text('summary').notNull(),
    eventIds: text('event_ids').notNull(), // JSON array
    dedupeKey: text('dedupe_key').notNull(),
    params: text('params'), // JSON: what the component needs to word the alert in any language
    sessionId: text('session_id'), // the session the alert is about; revoking it resolves the alert
  },
  (t) => [
    index('alerts_subject').on(t.subject, t.status),
    index('alerts_dedupe').on(t.dedupeKey, t.createdAt),
  ],
);

export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: text('id').primaryKey(),
    subject: text('subject').notNull(),
    status: text('status').notNull(), // pending | cancelled | completed
    requestedAt: int8('requested_at').notNull(),
    scheduledFor: int8('scheduled_for').notNull(),
    requestedBy: text('requested_by').notNull(),
    completedAt: int8('completed_at'),
  },
  (t) => [index('erasure_subject').on(t.subject), index('erasure_due').on(t.status, t.scheduledFor)],
);

export const legalHolds = pgTable('legal_holds', {
  subject: text('subject').primaryKey(),
  reason: text('reason').notNull(),
  createdAt: int8('created_at').notNull(),
});

// SQLite numbers an INTEGER PRIMARY KEY row left without an id; "by default" identity does the same here and
// still takes an explicit id, as SQLite does.

/** Audit rows at or below `throughSeq` may be pruned; `hash` anchors what remains. */
export const retentionCheckpoints = pgTable('retention_checkpoints', {
  id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
  throughSeq: int8('through_seq').notNull(),
  hash: text('hash').notNull(),
  createdAt: int8('created_at').notNull(),
});

/** Signed checkpoints (Ed25519): the chain head, and since the Merkle tree the C2SP signed note over it. */
export const checkpoints = pgTable('checkpoints', {
  id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
  seq: int8('seq').notNull(), // = tree size
  hash: text('hash').notNull(), // chain hash of the event at `seq`
  signedAt: int8('signed_at').notNull(),
  keyId: text('key_id').notNull(),
  signature: text('signature').notNull(),
  root: text('root'), // base64 RFC 6962 root hash of the first `seq` leaves
  note: text('note'), // the C2SP tlog-checkpoint signed note, exactly as served
});

/**
 * The RFC 6962 Merkle tree beside the chain: leaf i is the event with seq i + 1 (leaf data = the 32 bytes of
 * its chain hash). Only complete subtrees are stored; `id` = last leaf covered × 64 + level, always given by
 * the writer, so nodes are written in ascending key order and never change. Retention keeps them.
 */
export const merkleNodes = pgTable('merkle_nodes', {
  id: int8('id').primaryKey(),
  hash: bytea('hash').notNull(),
});

/** Where each log stream destination stands: the last seq (and checkpoint) it acknowledged. */
export const streamCursors = pgTable('stream_cursors', {
  destination: text('destination').primaryKey(), // the destination without credentials
  lastSeq: int8('last_seq').notNull(),
  lastCheckpoint: int8('last_checkpoint').notNull().default(0), // checkpoints.id last sent
  updatedAt: int8('updated_at').notNull(),
  lastError: text('last_error'),
});

/**
 * Small indexed windows the alert rules read instead of scanning the log: one row per sign-in,
 * failure or credential change they care about. Keys are pseudonyms or keyed hashes, never raw IPs.
 */
export const ruleHits = pgTable(
  'rule_hits',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind').notNull(), // signin | failure_ip | failure_account | credential_change
    key: text('key').notNull(),
    ts: int8('ts').notNull(),
    net: text('net'),
    flag: integer('flag').notNull().default(0), // signin: 1 when from a network new to the account
    eventId: text('event_id').notNull(),
  },
  (t) => [index('rule_hits_window').on(t.kind, t.key, t.ts)],
);

/** Single-use links that sign one session out (from a "new sign-in" email). Only a hash of each is kept. */
export const revokeLinks = pgTable(
  'revoke_links',
  {
    tokenHash: text('token_hash').primaryKey(), // SHA-256 of the link's secret; the secret itself is never stored
    sessionId: text('session_id').notNull(),
    subject: text('subject').notNull(),
    createdAt: int8('created_at').notNull(),
    expiresAt: int8('expires_at').notNull(),
    usedAt: int8('used_at'),
  },
  (t) => [index('revoke_links_expiry').on(t.expiresAt)],
);

/** Where the tables live (pgTable's default); the audit floor's functions name it outright. */
export const PG_SCHEMA = 'public';

/** The tables of the audit floor: never updated, deleted from only as retention allows. */
export const AUDIT_TABLES: readonly string[] = [
  'events',
  'merkle_nodes',
  'checkpoints',
  'retention_checkpoints',
];
