// Reading what a receiver stored: a syslog file (one RFC 5424 message per line, as rsyslog writes it with a
// template that keeps the structured data and the message), or NDJSON of OTLP/HTTP JSON request bodies.
import { SD_ID } from './syslog-format.js';

export type Received =
  | { kind: 'event'; line: number; seq: number; hash: string; event: unknown }
  | { kind: 'checkpoint'; line: number; size: number; note: string };

/** A line that cannot be read as a record; `line` is 1-based. */
export class ReceivedError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export type ReceivedFormat = 'syslog' | 'otlp';

/** OTLP NDJSON starts with a JSON object; anything else is read as syslog lines. */
export function formatOf(firstLine: string): ReceivedFormat {
  return firstLine.trimStart().startsWith('{') ? 'otlp' : 'syslog';
}

/** The records on one line (1-based `line`), in order. Lines that are not ours (other senders) give none. */
export function recordsOnLine(format: ReceivedFormat, text: string, line: number): Received[] {
  return format === 'otlp' ? otlpLine(text, line) : syslogLine(text, line);
}

/** Every record in a whole file's text, in the order stored. */
export function readReceived(text: string): { format: ReceivedFormat; records: Received[] } {
  const lines = text.split('\n');
  const format = formatOf(lines.find((l) => l.trim() !== '') ?? '');
  return { format, records: lines.flatMap((l, i) => recordsOnLine(format, l, i + 1)) };
}

function syslogLine(text: string, line: number): Received[] {
  const at = text.indexOf(`[${SD_ID} `);
  if (at < 0) return [];
  const { params, end } = parseSdElement(text, at, line);
  let rest = end;
  // Other SD elements may follow ours; the message starts after them.
  while (text[rest] === '[') rest = parseSdElement(text, rest, line).end;
  const msg = text.slice(rest).replace(/^ /, '');
  let body: unknown;
  try {
    body = JSON.parse(msg);
  } catch {
    throw new ReceivedError(line, 'the message is not JSON (was it cut short? raise maxMessageSize)');
  }
  if (params.tree_size !== undefined) {
    const note = (body as { checkpoint?: unknown }).checkpoint;
    if (typeof note !== 'string') throw new ReceivedError(line, 'a checkpoint message without its note');
    return [{ kind: 'checkpoint', line, size: whole(params.tree_size, line, 'tree_size'), note }];
  }
  if (params.seq === undefined || params.hash === undefined)
    throw new ReceivedError(line, `[${SD_ID}] has no seq and hash`);
  return [{ kind: 'event', line, seq: whole(params.seq, line, 'seq'), hash: params.hash, event: body }];
}

/** Parses `[id name="value" …]` starting at `at`; values unescape `\"`, `\\` and `\]`. */
function parseSdElement(
  text: string,
  at: number,
  line: number,
): { params: Record<string, string>; end: number } {
  const params: Record<string, string> = {};
  let i = text.indexOf(' ', at);
  const close = text.indexOf(']', at);
  if (close >= 0 && (i < 0 || close < i)) return { params, end: close + 1 };
  while (i < text.length && text[i] === ' ') {
    const eq = text.indexOf('="', i);
    if (eq < 0) throw new ReceivedError(line, 'malformed structured data');
    const name = text.slice(i + 1, eq);
    let j = eq + 2;
    let value = '';
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\' && j + 1 < text.length && '"\\]'.includes(text[j + 1]!)) j++;
      value += text[j++];
    }
    if (j >= text.length) throw new ReceivedError(line, 'malformed structured data');
    params[name] = value;
    i = j + 1;
  }
  if (text[i] !== ']') throw new ReceivedError(line, 'malformed structured data');
  return { params, end: i + 1 };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
}
interface OtlpRecord {
  body?: OtlpValue;
  attributes?: { key: string; value?: OtlpValue }[];
}
interface OtlpRequest {
  resourceLogs?: { scopeLogs?: { logRecords?: OtlpRecord[] }[] }[];
}

function otlpLine(text: string, line: number): Received[] {
  if (text.trim() === '') return [];
  let request: OtlpRequest;
  try {
    request = JSON.parse(text) as OtlpRequest;
  } catch {
    throw new ReceivedError(line, 'not a JSON request body');
  }
  const out: Received[] = [];
  for (const rl of request.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        const attrs = new Map((r.attributes ?? []).map((a) => [a.key, a.value ?? {}]));
        const body = r.body?.stringValue;
        const size = attrs.get('receipts.checkpoint.size');
        if (size) {
          if (typeof body !== 'string') throw new ReceivedError(line, 'a checkpoint record without its note');
          out.push({
            kind: 'checkpoint',
            line,
            size: whole(String(size.intValue), line, 'size'),
            note: body,
          });
          continue;
        }
        const seq = attrs.get('receipts.seq');
        if (!seq) continue;
        const hash = attrs.get('receipts.hash')?.stringValue;
        if (typeof hash !== 'string' || typeof body !== 'string')
          throw new ReceivedError(line, 'a record without receipts.hash or its body');
        let event: unknown;
        try {
          event = JSON.parse(body);
        } catch {
          throw new ReceivedError(line, 'a record whose body is not JSON');
        }
        out.push({ kind: 'event', line, seq: whole(String(seq.intValue), line, 'seq'), hash, event });
      }
    }
  }
  return out;
}

function whole(raw: string, line: number, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n))
    throw new ReceivedError(line, `${what} is not a number`);
  return n;
}
