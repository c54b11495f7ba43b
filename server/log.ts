// The server's own logs: JSON lines in the same field vocabulary as events, redacted before they are written.
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
