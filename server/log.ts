// The server's own logs: JSON lines in the same field vocabulary as events, redacted before they are written.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from './config.js';
import { looksSecret, REDACTED, redactTree } from './ingest/redact.js';

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
