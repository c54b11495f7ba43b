// What the HTTP API answers, as zod schemas for the OpenAPI document (server-side only). They mirror the
// plain types of shared/api.ts, which the widget imports; test/server/routes/openapi.test.ts checks that
// the two agree, field for field, and that real replies match the document.
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';

const time = z.iso.datetime();
const nullableTime = time.nullable();

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES]),
      message: z.string(),
      request_id: z.string().optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every error: a code, a message and the request id to quote.' });

export const deviceInfoSchema = z
  .object({
    browser: z.string().nullable(),
    os: z.string().nullable(),
    type: z
      .enum(['desktop', 'mobile', 'tablet', 'console', 'smarttv', 'wearable', 'embedded', 'bot'])
      .nullable(),
    kind: z
      .enum([
        'iphone',
        'ipad',
        'android_phone',
        'android_tablet',
        'mac',
        'windows_pc',
        'linux_pc',
        'chromebook',
      ])
      .nullable()
      .optional()
      .describe('The kind of device people name; the component translates it.'),
    name: z.string().nullable().optional().describe('The kind in English ("iPhone", "Windows PC").'),
  })
  .meta({ id: 'DeviceInfo', description: 'What the server made of a user agent.' });

const maskedIp = z.string().nullable().describe('Masked: `203.0.113.xxx` or `2001:db8:85a3::/48`.');

export const placeSchema = z
  .object({
    country: z.string().describe('ISO 3166-1 alpha-2'),
    country_name: z.string().describe('The country in English'),
    region: z.string().optional(),
    city: z.string().optional(),
  })
  .meta({ id: 'Place', description: 'Roughly where, looked up from the IP at ingest; never coordinates.' });

export const activityItemSchema = z
  .object({
    id: z.string(),
    timestamp: time,
    event_type: z.string(),
    level: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']),
    outcome: z.enum(['success', 'failure']).nullable(),
    device: deviceInfoSchema.nullable(),
    ip: maskedIp,
    location: placeSchema.nullable(),
    current: z.boolean().describe('The event belongs to the session of the token that asked.'),
    session: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ActivityItem' });

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
  });

export const activityPageSchema = pageOf(activityItemSchema).meta({ id: 'ActivityPage' });

export const sessionStatusSchema = z.enum(['active', 'revoked', 'expired', 'ended']);

export const sessionViewSchema = z
  .object({
    id: z.string(),
    status: sessionStatusSchema,
    created_at: time,
    last_seen_at: time,
    device: deviceInfoSchema.nullable(),
    ip: maskedIp,
    location: placeSchema.nullable(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

export const sessionListSchema = z.object({ items: z.array(sessionViewSchema) }).meta({ id: 'SessionList' });

export const deviceViewSchema = z
  .object({
    id: z.string(),
    device: deviceInfoSchema,
    first_seen: time,
    last_seen: time,
    ip: maskedIp,
    location: placeSchema.nullable(),
    sessions: z.number().int(),
  })
  .meta({ id: 'Device' });

export const deviceListSchema = z.object({ items: z.array(deviceViewSchema) }).meta({ id: 'DeviceList' });

export const erasureViewSchema = z
  .object({
    status: z.enum(['none', 'pending', 'cancelled', 'completed']),
    requested_at: nullableTime,
    scheduled_for: nullableTime.describe('When a pending request will be carried out.'),
    completed_at: nullableTime,
  })
  .meta({ id: 'Erasure' });

export const alertViewSchema = z
  .object({
    id: z.string(),
    rule: z.string(),
    severity: z.enum(['notice', 'low', 'medium', 'high', 'critical']),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    created_at: time,
    params: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .describe('What the component needs to word the alert in any language, by rule.'),
    session: z.string().nullable().describe('The session the alert is about; signing it out resolves it.'),
    summary: z.string().describe('English fallback.'),
    event_ids: z.array(z.string()),
  })
  .meta({ id: 'Alert' });

export const alertListSchema = z.object({ items: z.array(alertViewSchema) }).meta({ id: 'AlertList' });

export const revokeResultSchema = z.object({ revoked: z.number().int() }).meta({ id: 'RevokeResult' });

export const reportResultSchema = z
  .object({ reported: z.literal(true), revoked_session: z.boolean(), advice: z.literal('change_password') })
  .meta({ id: 'ReportResult' });

export const hostSessionStatusSchema = z
  .object({ status: sessionStatusSchema, revoked_at: nullableTime, revoked_by: z.string().nullable() })
  .meta({ id: 'HostSessionStatus' });

export const ingestResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    ids: z.array(z.string()),
    duplicate_ids: z.array(z.string()),
  })
  .meta({ id: 'IngestResult' });

export const exportJsonSchema = z
  .object({
    exported_at: time,
    items: z.array(activityItemSchema.extend({ user_agent: z.string().nullable() })),
  })
  .meta({ id: 'ActivityExport' });

/** An events row as stored: every field its chain hash covers. */
export const chainedEventSchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    ts: z.number().int(),
    received_at: z.number().int(),
    event_type: z.string(),
    level: z.string(),
    outcome: z.string().nullable(),
    subject: z.string().nullable(),
    session_ref: z.string().nullable(),
    request_id: z.string().nullable(),
    resource_type: z.string().nullable(),
    resource_id: z.string().nullable(),
    action: z.string().nullable(),
    metadata: z.string().nullable(),
    pii_commit: z.string().nullable(),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'ChainedEvent' });

export const eventProofSchema = z
  .object({
    seq: z.number().int(),
    leaf_index: z.number().int(),
    tree_size: z.number().int(),
    event: chainedEventSchema,
    proof: z.array(z.string()).describe('RFC 9162 inclusion proof, base64 hashes.'),
    checkpoint: z.string().describe('The C2SP signed note the proof is against.'),
  })
  .meta({ id: 'EventProof' });

export const consistencyProofSchema = z
  .object({ from: z.number().int(), to: z.number().int(), proof: z.array(z.string()) })
  .meta({ id: 'ConsistencyProof' });

export const investigatedEventSchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    timestamp: time,
    received_at: time,
    event_type: z.string(),
    level: z.string(),
    outcome: z.string().nullable(),
    user_id: z.string().nullable(),
    subject: z.string().nullable(),
    ip: z.string().nullable().describe('The full address.'),
    user_agent: z.string().nullable(),
    session: z.string().nullable(),
    request_id: z.string().nullable(),
    resource_type: z.string().nullable(),
    resource_id: z.string().nullable(),
    action: z.string().nullable(),
    metadata: z.unknown(),
    hash: z.string(),
  })
  .meta({ id: 'InvestigatedEvent' });

export const investigationPageSchema = pageOf(investigatedEventSchema).meta({ id: 'InvestigationPage' });

export const evidenceFilesSchema = z
  .object({ files: z.record(z.string(), z.string()).describe('File name → contents.') })
  .meta({ id: 'EvidenceExport' });

export const signedCheckpointSchema = z
  .object({
    seq: z.number().int(),
    hash: z.string(),
    signed_at: time,
    key_id: z.string(),
    signature: z.string(),
    root: z.string(),
    note: z.string(),
  })
  .meta({ id: 'SignedCheckpoint' });

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    head: z.number().int().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'Health' });

export const tokenSchema = z.object({ token: z.string() }).meta({ id: 'WidgetToken' });
