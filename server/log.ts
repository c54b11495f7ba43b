// The server's own logs: JSON lines in the same field vocabulary as events, redacted before they are written.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { LogLevel } from './config.js';
import { looksSecret, REDACTED, redactTree } from './ingest/redact.js';
import { openSyslog, type SyslogDestination, writeDrained } from './streams/syslog-connection.js';
import { frame, logLineMessage } from './streams/syslog-format.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

export interface LogFields {
  event_type: string;
  message?: string;
  request_id?: string;
  [key: string]: unknown;
}

export interface Logger {
  debug(fields: LogFields): void;
  info(fields: LogFields): void;
  warning(fields: LogFields): void;
  error(fields: LogFields): void;
  critical(fields: LogFields): void;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const min = RANK[level];
  const emit = (lvl: LogLevel, fields: LogFields) => {
    if (RANK[lvl] < min) return;
    const { event_type, message, ...rest } = fields;
    const record = {
      timestamp: new Date().toISOString(),
      level: lvl.toUpperCase(),
      event_type,
      ...(message ? { message: looksSecret(message) ? REDACTED : message } : {}),
      ...(redactTree(rest, '', []) as Record<string, unknown>),
    };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (f) => emit('debug', f),
    info: (f) => emit('info', f),
    warning: (f) => emit('warning', f),
    error: (f) => emit('error', f),
    critical: (f) => emit('critical', f),
  };
}

/**
 * Also keeps the log in daily files (`receipts-YYYY-MM-DD.jsonl` in `dir`), so retention can remove
 * files older than RECEIPTS_RETENTION_LOG_DAYS. Returns a writer that sends each line to both.
 */
export function withDailyFiles(dir: string, next: (line: string) => void): (line: string) => void {
  mkdirSync(dir, { recursive: true });
  let day = '';
  let stream: WriteStream | null = null;
  return (line) => {
    next(line);
    const today = new Date().toISOString().slice(0, 10);
    if (today !== day) {
      stream?.end();
      day = today;
      stream = createWriteStream(join(dir, `receipts-${day}.jsonl`), { flags: 'a', mode: 0o640 });
    }
    stream!.write(line);
  };
}

const SYSLOG_QUEUE_MAX = 10_000;
const SYSLOG_RETRY_MAX_MS = 30_000;

/**
 * Also sends the log to a syslog receiver (RECEIPTS_LOG_STREAM), each line already redacted as on stdout.
 * Best effort, unlike the audit stream: lines wait in a bounded queue while the receiver is away, and the
 * oldest are dropped (and counted in a line of their own) when it fills.
 */
export function withSyslog(
  destination: SyslogDestination,
  ca: string | null,
  next: (line: string) => void,
): (line: string) => void {
  let queue: Buffer[] = [];
  let dropped = 0;
  let socket: Socket | null = null;
  let busy = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const later = (ms: number) => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void pump();
    }, ms);
    timer.unref();
  };
  const pump = async (): Promise<void> => {
    if (busy || queue.length === 0) return;
    busy = true;
    try {
      if (!socket) {
        const s = await openSyslog(destination, ca);
        s.unref(); // the log stream never keeps the process alive
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (socket === s) socket = null;
        });
        s.on('data', () => {});
        socket = s;
        failures = 0;
        if (dropped > 0) {
          queue.unshift(frame(logLineMessage(droppedLine(dropped))));
          dropped = 0;
        }
      }
      while (queue.length > 0 && socket) {
        const data = Buffer.concat(queue);
        queue = [];
        await writeDrained(socket, data);
      }
    } catch {
      socket?.destroy();
      socket = null;
      later(Math.min(SYSLOG_RETRY_MAX_MS, 500 * 2 ** Math.min(failures++, 6)));
    } finally {
      busy = false;
    }
    if (queue.length > 0 && socket) void pump();
  };

  return (line) => {
    next(line);
    queue.push(frame(logLineMessage(line)));
    if (queue.length > SYSLOG_QUEUE_MAX) {
      queue.shift();
      dropped++;
    }
    if (!timer) void pump();
  };
}

function droppedLine(n: number): string {
  return `${JSON.stringify({
    timestamp: new Date().toISOString(),
    level: 'WARNING',
    event_type: 'log_stream_dropped',
    message: `${n} log lines were dropped while the log stream was unreachable`,
    dropped: n,
  })}\n`;
}
