// OTLP/HTTP JSON: a batch of stream records as one ExportLogsServiceRequest, encoded by the OpenTelemetry
// project's own serializer. Each audit event is a log record whose body is the event as JSON (what the
// chain hashes) with attributes receipts.seq and receipts.hash; each signed checkpoint is a record whose
// body is the note, with receipts.checkpoint.size.
import { hostname } from 'node:os';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { StreamRecord } from './records.js';

const SEVERITY: Record<string, SeverityNumber> = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  CRITICAL: SeverityNumber.FATAL,
};

// One resource and one scope object for every record: the serializer groups by identity, so a batch
// stays a single ordered list of log records.
const RESOURCE = resourceFromAttributes({ 'service.name': 'receipts', 'host.name': hostname() });
const SCOPE = { name: 'receipts.audit', version: '1' };

const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

function toLogRecord(record: StreamRecord): ReadableLogRecord {
  if (record.kind === 'checkpoint') {
    const now = hr(Date.now());
    return {
      hrTime: now,
      hrTimeObserved: now,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      eventName: 'receipts.checkpoint',
      body: record.note,
      resource: RESOURCE,
      instrumentationScope: SCOPE,
      attributes: { 'receipts.checkpoint.size': record.size, 'receipts.checkpoint.id': record.id },
      droppedAttributesCount: 0,
    };
  }
  const e = record.event;
  const attributes: Record<string, string | number> = {
    'receipts.seq': e.seq,
    'receipts.hash': e.hash,
    'receipts.event_type': e.event_type,
  };
  const b = record.beside;
  if (b.ip) attributes['client.address'] = b.ip;
  if (b.browser) attributes['receipts.device.browser'] = b.browser;
  if (b.os) attributes['receipts.device.os'] = b.os;
  if (b.device_type) attributes['receipts.device.type'] = b.device_type;
  if (b.user_id) attributes['user.id'] = b.user_id;
  if (b.user_agent) attributes['user_agent.original'] = b.user_agent;
  return {
    hrTime: hr(e.ts),
    hrTimeObserved: hr(e.received_at),
    severityNumber: SEVERITY[e.level] ?? SeverityNumber.INFO,
    severityText: e.level,
    eventName: e.event_type,
    body: JSON.stringify(e),
    resource: RESOURCE,
    instrumentationScope: SCOPE,
    attributes,
    droppedAttributesCount: 0,
  };
}

/** The request body for one POST to /v1/logs. */
export function otlpRequestBody(records: StreamRecord[]): Uint8Array<ArrayBuffer> {
  const body = JsonLogsSerializer.serializeRequest(records.map(toLogRecord));
  if (!body) throw new Error('the OTLP serializer produced no body');
  return new Uint8Array(body);
}
