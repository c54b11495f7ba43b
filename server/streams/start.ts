// Starts one background stream per configured destination (RECEIPTS_STREAMS) and stops them cleanly.
import type { Services } from '../services.js';
import { loadCursor } from './cursor.js';
import type { Destination } from './destination.js';
import { RecordReader } from './records.js';
import { register, unregister } from './status.js';
import { Stream, type StreamOptions } from './stream.js';
import { SyslogTransport } from './syslog-transport.js';
import type { Transport } from './transport.js';

export const STREAM_DEFAULTS: StreamOptions & { confirmMs: number } = {
  // Up to 1000 records per syslog write or OTLP request (about 1.3 MB): fewer round trips while ingest
  // keeps the event loop busy.
  batchSize: 1000,
  pollMs: 200,
  maxBackoffMs: 5_000,
  // How long a syslog connection must stay up after a write before the write counts as taken.
  confirmMs: 1_500,
};

async function transportFor(s: Services, d: Destination): Promise<Transport> {
  if (d.kind === 'syslog') return new SyslogTransport(d, s.config.streams.ca, STREAM_DEFAULTS.confirmMs);
  // The OpenTelemetry packages are loaded only for a server that streams to an OTLP collector.
  const { OtlpTransport } = await import('./otlp-transport.js');
  return new OtlpTransport(d, s.logger, s.config.streams.ca);
}

/**
 * Loads each destination's cursor and starts its stream; resolves to the function that stops every stream
 * (waiting for each to close and save its cursor).
 */
export async function startStreams(s: Services): Promise<() => Promise<void>> {
  const { destinations, pii } = s.config.streams;
  if (destinations.length === 0) return async () => {};
  const reader = new RecordReader(pii);
  const cursors = await s.pipeline.transact(async (tx) => {
    const rows = [];
    for (const d of destinations) rows.push(await loadCursor(tx, d.name));
    return rows;
  });
  const streams: Stream[] = [];
  for (const [i, d] of destinations.entries())
    streams.push(
      new Stream(
        d.name,
        cursors[i]!,
        await transportFor(s, d),
        reader,
        s.store.db,
        s.commit,
        s.logger,
        STREAM_DEFAULTS,
      ),
    );
  for (const stream of streams) {
    register(stream, () => reader.headSeq(s.store.db));
    stream.start();
  }
  s.logger.info({
    event_type: 'streams_started',
    message: `streaming the audit log to ${destinations.map((d) => d.name).join(', ')}`,
    destinations: destinations.map((d) => d.name),
    pii,
  });
  return async () => {
    await Promise.all(streams.map((stream) => stream.stop()));
    for (const stream of streams) unregister(stream);
  };
}
