// CSV per RFC 4180, with cells that a spreadsheet would run as a formula neutralized.
import type { ExportItem } from './activity.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A leading quote makes spreadsheets show the text instead of evaluating it (OWASP's advice).
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'event_type',
  'outcome',
  'browser',
  'os',
  'device_type',
  'ip',
  'user_agent',
  'this_session',
  'metadata',
] as const;

export function csvRow(item: ExportItem): string {
  return [
    item.id,
    item.timestamp,
    item.event_type,
    item.outcome,
    item.device?.browser,
    item.device?.os,
    item.device?.type,
    item.ip,
    item.user_agent,
    item.current ? 'yes' : 'no',
    item.metadata,
  ]
    .map(csvCell)
    .join(',');
}
