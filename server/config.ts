// Configuration from the environment. In demo mode (no secrets configured, not production) development
// secrets are generated once and kept in the data folder.
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { GeoSource } from './geo/index.js';
import { isPostgresUrl } from './store/location.js';
import { type Destination, parseDestination, parseDestinations } from './streams/destination.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

export interface Config {
  port: number;
  host: string;
  /** A SQLite file path, or a postgres:// URL naming the runtime role. */
  dbPath: string;
  /** PostgreSQL: the role that owns the schema, for migrations (RECEIPTS_DB_OWNER). */
  dbOwnerUrl: string | null;
  /** PostgreSQL: connections per server (RECEIPTS_DB_POOL). */
  dbPoolSize: number;
  /** RECEIPTS_PREPARE_WORKERS: threads that parse and prepare ingest bodies (0: all on the main thread). */
  prepareWorkers: number;
  /** RECEIPTS_READ_WORKERS: threads that read activity pages on SQLite (0: all on the main thread). */
  readWorkers: number;
  dataDir: string;
  production: boolean;
  demo: boolean;
  logLevel: LogLevel;
  /** Where the server's log is also kept as daily files (RECEIPTS_LOG_DIR), or null for stdout only. */
  logDir: string | null;
  widgetSecret: Uint8Array;
  ingestKeys: string[];
  allowedOrigins: string[];
  webhook: { url: string; secret: string } | null;
  /** Days a delivered webhook is kept for the delivery log before retention deletes it. */
  webhookKeepDays: number;
  pepper: Buffer;
  signingKey: KeyObject;
  /** RECEIPTS_LOG_ORIGIN: the transparency log's name, in its checkpoints and as its key name. */
  logOrigin: string;
  erasureGraceDays: number;
  trustProxy: string[];
  rateLimits: { mePerMinute: number; ipPerMinute: number; ingestPerMinute: number };
  retention: {
    auditDays: number;
    activityDays: number | null;
    serverLogDays: number;
    /** Personal details (IP, user agent, typed text) of events about no user, e.g. a refused token. */
    noSubjectDays: number;
  };
  rules: RulesConfig;
  bodyLimitBytes: number;
  /** RECEIPTS_GEOIP_DB: where sign-in locations come from (the bundled DB-IP Lite, an operator's file, off). */
  geoip: GeoSource;
  /** RECEIPTS_PUBLIC_URL: where users reach this server, for links in emails (revoke links). */
  publicUrl: string;
  /** RECEIPTS_REVOKE_ON_PASSWORD_CHANGE=on: a password change signs out the user's other sessions. */
  revokeOnPasswordChange: boolean;
  streams: StreamsConfig;
}

/** Copies of the audit log (and optionally the server's own log) sent off the box. */
export interface StreamsConfig {
  destinations: Destination[];
  /** PEM of extra CAs to trust for TLS destinations, besides the system's (RECEIPTS_STREAM_CA). */
  ca: string | null;
  /** masked: masked IPs and pseudonyms only; full: full IPs and user ids too (RECEIPTS_STREAM_PII). */
  pii: 'masked' | 'full';
  /** A syslog destination for the server's own log (RECEIPTS_LOG_STREAM). */
  logStream: Extract<Destination, { kind: 'syslog' }> | null;
}

function streamsConfig(env: Env): StreamsConfig {
  let destinations: Destination[];
  try {
    destinations = parseDestinations(env.RECEIPTS_STREAMS ?? '');
  } catch (error) {
    throw new ConfigError(`RECEIPTS_STREAMS: ${(error as Error).message}`, 'RECEIPTS_STREAMS');
  }
  let logStream: StreamsConfig['logStream'] = null;
  if (env.RECEIPTS_LOG_STREAM) {
    let d: Destination;
    try {
      d = parseDestination(env.RECEIPTS_LOG_STREAM.trim());
    } catch (error) {
      throw new ConfigError(`RECEIPTS_LOG_STREAM: ${(error as Error).message}`, 'RECEIPTS_LOG_STREAM');
    }
    if (d.kind !== 'syslog')
      throw new ConfigError(
        'RECEIPTS_LOG_STREAM must be a syslog+tcp:// or syslog+tls:// destination',
        'RECEIPTS_LOG_STREAM',
      );
    logStream = d;
  }
  const pii = env.RECEIPTS_STREAM_PII || 'masked';
  if (pii !== 'masked' && pii !== 'full')
    throw new ConfigError(`RECEIPTS_STREAM_PII must be masked or full, got "${pii}"`, 'RECEIPTS_STREAM_PII');
  let ca: string | null = null;
  const caRaw = env.RECEIPTS_STREAM_CA?.trim();
  if (caRaw) {
    try {
      ca = caRaw.startsWith('-----BEGIN') ? caRaw.replace(/\\n/g, '\n') : readFileSync(caRaw, 'utf8');
    } catch {
      throw new ConfigError(`RECEIPTS_STREAM_CA: cannot read ${caRaw}`, 'RECEIPTS_STREAM_CA');
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigError('RECEIPTS_STREAM_CA must be a PEM file of CA certificates', 'RECEIPTS_STREAM_CA');
  }
  return { destinations, ca, pii, logStream };
}

/** Alert rules: each on by default, thresholds adjustable through RECEIPTS_RULES_CONFIG (JSON). */
export interface RulesConfig {
  enabled: boolean;
  failuresPerIp: { enabled: boolean; threshold: number; windowMinutes: number };
  failuresPerAccount: { enabled: boolean; threshold: number; windowMinutes: number };
  always: { enabled: boolean };
  newDevice: { enabled: boolean; lookbackDays: number };
  twoNetworks: { enabled: boolean; windowMinutes: number };
  newNetworkExport: {
    enabled: boolean;
    windowMinutes: number;
    lookbackDays: number;
    credentialChangeHours: number;
  };
  /** An open alert with the same rule and key within this many minutes absorbs new hits instead of repeating. */
  dedupeMinutes: number;
}

export const DEFAULT_RULES: RulesConfig = {
  enabled: true,
  failuresPerIp: { enabled: true, threshold: 5, windowMinutes: 10 },
  failuresPerAccount: { enabled: true, threshold: 5, windowMinutes: 10 },
  always: { enabled: true },
  newDevice: { enabled: true, lookbackDays: 30 },
  twoNetworks: { enabled: true, windowMinutes: 15 },
  newNetworkExport: { enabled: true, windowMinutes: 10, lookbackDays: 30, credentialChangeHours: 24 },
  dedupeMinutes: 60,
};

function rulesConfig(env: Env): RulesConfig {
  const rules = structuredClone(DEFAULT_RULES);
  rules.enabled = env.RECEIPTS_RULES !== 'off';
  if (!env.RECEIPTS_RULES_CONFIG) return rules;
  let overrides: unknown;
  try {
    overrides = JSON.parse(env.RECEIPTS_RULES_CONFIG);
  } catch {
    throw new ConfigError('RECEIPTS_RULES_CONFIG must be JSON', 'RECEIPTS_RULES_CONFIG');
  }
  if (!overrides || typeof overrides !== 'object') {
    throw new ConfigError('RECEIPTS_RULES_CONFIG must be a JSON object', 'RECEIPTS_RULES_CONFIG');
  }
  const target = rules as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(overrides)) {
    const current = target[name];
    if (current === undefined)
      throw new ConfigError(`RECEIPTS_RULES_CONFIG: unknown rule "${name}"`, 'RECEIPTS_RULES_CONFIG');
    if (typeof current === 'object' && current !== null && typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        const field = (current as Record<string, unknown>)[k];
        if (field === undefined || typeof field !== typeof v || (typeof v === 'number' && !(v >= 0))) {
          throw new ConfigError(`RECEIPTS_RULES_CONFIG: bad value for ${name}.${k}`, 'RECEIPTS_RULES_CONFIG');
        }
        (current as Record<string, unknown>)[k] = v;
      }
    } else if (typeof current === typeof value) {
      target[name] = value;
    } else {
      throw new ConfigError(`RECEIPTS_RULES_CONFIG: bad value for ${name}`, 'RECEIPTS_RULES_CONFIG');
    }
  }
  return rules;
}

/** A configuration problem that stops start-up with one clear line. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`, name);
  }
  return n;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface DevSecrets {
  widgetSecret: string;
  ingestKey: string;
  pepper: string;
  signingKey: string;
}

/** Development secrets, generated on first start and kept beside the database. */
function devSecrets(dataDir: string): DevSecrets {
  const file = resolve(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const { privateKey } = generateKeyPairSync('ed25519');
  const secrets: DevSecrets = {
    widgetSecret: randomBytes(32).toString('base64url'),
    ingestKey: `rcpt_ik_${randomBytes(24).toString('base64url')}`,
    pepper: randomBytes(32).toString('base64url'),
    signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

function parseSigningKey(raw: string): KeyObject {
  try {
    const text = raw.trim();
    const key = text.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(text), format: 'jwk' })
      : createPrivateKey(text.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return key;
  } catch {
    throw new ConfigError(
      'RECEIPTS_SIGNING_KEY must be an Ed25519 private key (PEM or JWK)',
      'RECEIPTS_SIGNING_KEY',
    );
  }
}

/** `off`, a path to a MaxMind-format `.mmdb` (which must exist), or unset for the bundled database. */
function geoipSource(value: string | undefined): GeoSource {
  if (!value) return { kind: 'bundled' };
  if (value === 'off') return { kind: 'off' };
  const path = resolve(value);
  if (!existsSync(path)) {
    throw new ConfigError(`RECEIPTS_GEOIP_DB: no such file: ${path}`, 'RECEIPTS_GEOIP_DB');
  }
  return { kind: 'file', path };
}

/** An http(s) origin (and path) without a trailing slash; the local server when unset. */
function publicUrl(value: string | undefined, port: number): string {
  if (!value) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`RECEIPTS_PUBLIC_URL: not a URL: ${value}`, 'RECEIPTS_PUBLIC_URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('RECEIPTS_PUBLIC_URL must be an http(s) URL', 'RECEIPTS_PUBLIC_URL');
  return url.href.replace(/\/+$/, '');
}

function checkPostgresUrl(value: string, name: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid postgres:// URL`, name);
  }
  if (!url.username)
    throw new ConfigError(`${name} must name the database role (postgres://role@host/db)`, name);
  if (url.pathname.length <= 1)
    throw new ConfigError(`${name} must name the database (postgres://…/db)`, name);
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dbPath = env.RECEIPTS_DB || './data/receipts.db';
  const onPostgres = isPostgresUrl(dbPath);
  if (onPostgres) checkPostgresUrl(dbPath, 'RECEIPTS_DB');
  const dbOwnerUrl = env.RECEIPTS_DB_OWNER || null;
  if (dbOwnerUrl !== null) {
    if (!onPostgres)
      throw new ConfigError(
        'RECEIPTS_DB_OWNER applies only with a postgres:// RECEIPTS_DB',
        'RECEIPTS_DB_OWNER',
      );
    checkPostgresUrl(dbOwnerUrl, 'RECEIPTS_DB_OWNER');
  }
  // Keys and other files the server keeps live beside a SQLite store, or in RECEIPTS_DATA_DIR.
  const dataDir = env.RECEIPTS_DATA_DIR
    ? resolve(env.RECEIPTS_DATA_DIR)
    : onPostgres
      ? resolve('./data')
      : dirname(resolve(dbPath));

  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`,
      'LOG_LEVEL',
    );
  }
  if (production && logLevel === 'debug') {
    throw new ConfigError('LOG_LEVEL=debug is refused when NODE_ENV=production', 'LOG_LEVEL');
  }

  const configured = Boolean(env.RECEIPTS_WIDGET_SECRET || env.RECEIPTS_INGEST_KEYS);
  const demo = env.RECEIPTS_DEMO ? env.RECEIPTS_DEMO === 'on' : !production && !configured;
  if (production && env.RECEIPTS_DEMO === 'on') {
    throw new ConfigError('RECEIPTS_DEMO=on is refused when NODE_ENV=production', 'RECEIPTS_DEMO');
  }

  const required = (name: string): string | undefined => {
    const value = env[name];
    if (!value && production) throw new ConfigError(`${name} is required when NODE_ENV=production`, name);
    return value || undefined;
  };
  const widgetSecretRaw = required('RECEIPTS_WIDGET_SECRET');
  const pepperRaw = required('RECEIPTS_PEPPER');
  const signingRaw = required('RECEIPTS_SIGNING_KEY');
  const dev =
    !widgetSecretRaw || !pepperRaw || !signingRaw || (demo && !env.RECEIPTS_INGEST_KEYS)
      ? devSecrets(dataDir)
      : null;

  const widgetSecret = widgetSecretRaw ?? dev!.widgetSecret;
  if (Buffer.byteLength(widgetSecret) < 32) {
    throw new ConfigError('RECEIPTS_WIDGET_SECRET must be at least 32 bytes', 'RECEIPTS_WIDGET_SECRET');
  }
  const ingestKeys = list(env.RECEIPTS_INGEST_KEYS);
  if (ingestKeys.length === 0 && demo) ingestKeys.push(dev!.ingestKey);

  const webhookUrl = env.RECEIPTS_WEBHOOK_URL;
  const webhookSecret = env.RECEIPTS_WEBHOOK_SECRET;
  if (Boolean(webhookUrl) !== Boolean(webhookSecret)) {
    throw new ConfigError(
      'RECEIPTS_WEBHOOK_URL and RECEIPTS_WEBHOOK_SECRET must be set together',
      webhookUrl ? 'RECEIPTS_WEBHOOK_SECRET' : 'RECEIPTS_WEBHOOK_URL',
    );
  }
  if (webhookSecret && !webhookSecret.startsWith('whsec_')) {
    throw new ConfigError('RECEIPTS_WEBHOOK_SECRET must start with whsec_', 'RECEIPTS_WEBHOOK_SECRET');
  }
  if (webhookUrl) {
    try {
      new URL(webhookUrl);
    } catch {
      throw new ConfigError('RECEIPTS_WEBHOOK_URL is not a URL', 'RECEIPTS_WEBHOOK_URL');
    }
  }

  const trust = env.RECEIPTS_TRUST_PROXY?.trim();
  const cores = availableParallelism();
  return {
    port: int(env, 'PORT', 8787, 0, 65535),
    // A demo server hands out tokens for its demo user: it listens on this machine only unless told otherwise.
    host: env.HOST || (demo ? '127.0.0.1' : '0.0.0.0'),
    dbPath,
    dbOwnerUrl,
    dbPoolSize: int(env, 'RECEIPTS_DB_POOL', 10, 2, 200),
    // One thread per core besides the one that commits, from three cores up. On two, the second core
    // is SQLite's checkpoints and fsyncs and the HTTP clients': a worker there measured 0–19% more events/s
    // for 26–47 MB more memory and up to 16% more CPU an event (a body's round trip), so bodies are
    // prepared inline.
    prepareWorkers: int(env, 'RECEIPTS_PREPARE_WORKERS', cores > 2 ? cores - 1 : 0, 0, 64),
    // One per core, up to four: a reader does about two thirds of a page's work and the main thread the
    // rest, so beyond three or four readers the main thread is what they wait on (each holds about 20 MB).
    readWorkers: int(env, 'RECEIPTS_READ_WORKERS', Math.min(cores, 4), 0, 64),
    dataDir,
    production,
    demo,
    logLevel,
    logDir: env.RECEIPTS_LOG_DIR ? resolve(env.RECEIPTS_LOG_DIR) : null,
    widgetSecret: new TextEncoder().encode(widgetSecret),
    ingestKeys,
    allowedOrigins: list(env.RECEIPTS_ALLOWED_ORIGINS),
    webhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : null,
    webhookKeepDays: int(env, 'RECEIPTS_WEBHOOK_KEEP_DAYS', 7, 0, 3660),
    pepper: Buffer.from(pepperRaw ?? dev!.pepper),
    signingKey: parseSigningKey(signingRaw ?? dev!.signingKey),
    logOrigin: logOrigin(env.RECEIPTS_LOG_ORIGIN),
    erasureGraceDays: int(env, 'RECEIPTS_ERASURE_GRACE_DAYS', 7, 0, 365),
    trustProxy: !trust || trust === 'off' ? [] : list(trust),
    rateLimits: {
      mePerMinute: int(env, 'RECEIPTS_RATE_LIMIT_USER', 600, 1, 1_000_000),
      ipPerMinute: int(env, 'RECEIPTS_RATE_LIMIT_IP', 1200, 1, 1_000_000),
      ingestPerMinute: int(env, 'RECEIPTS_RATE_LIMIT_INGEST', 600_000, 1, 100_000_000),
    },
    retention: {
      auditDays: int(env, 'RECEIPTS_RETENTION_AUDIT_DAYS', 365, 1, 7 * 366),
      activityDays: env.RECEIPTS_RETENTION_ACTIVITY_DAYS
        ? int(env, 'RECEIPTS_RETENTION_ACTIVITY_DAYS', 0, 1, 100 * 366)
        : null,
      serverLogDays: int(env, 'RECEIPTS_RETENTION_LOG_DAYS', 30, 1, 3660),
      noSubjectDays: int(env, 'RECEIPTS_RETENTION_NO_SUBJECT_DAYS', 30, 1, 3660),
    },
    rules: rulesConfig(env),
    bodyLimitBytes: int(env, 'RECEIPTS_BODY_LIMIT', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    geoip: geoipSource(env.RECEIPTS_GEOIP_DB),
    publicUrl: publicUrl(env.RECEIPTS_PUBLIC_URL, int(env, 'PORT', 8787, 0, 65535)),
    revokeOnPasswordChange: env.RECEIPTS_REVOKE_ON_PASSWORD_CHANGE === 'on',
    streams: streamsConfig(env),
  };
}

/** A C2SP key name: non-empty, no spaces, no "+". */
function logOrigin(raw: string | undefined): string {
  const origin = raw?.trim() || 'localhost/receipts';
  if (/[\s+]/u.test(origin)) {
    throw new ConfigError('RECEIPTS_LOG_ORIGIN must have no spaces or "+"', 'RECEIPTS_LOG_ORIGIN');
  }
  return origin;
}
