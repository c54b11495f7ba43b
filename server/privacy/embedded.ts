// Secrets hide inside longer strings: a URL's query, a form or JSON body kept as text, a header line, a
// "name: value" in a log message, base64 of "user:password". These pull the named values out for judging.

export interface Pair {
  name: string;
  value: string;
  /** For "name: …" in running text, the words that follow the name up to the clause's end. */
  clause?: string;
}

// name=value in queries, fragments, form bodies and cookie lists.
const ASSIGNED = /(?:^|[?&;#\s,(-])([A-Za-z_][\w.[\]-]{0,48})=([^&;#\s,'"<>)]*)/g;
// <password>…</password> in XML and SOAP bodies.
const ELEMENT = /<([A-Za-z_][\w.:-]{0,40})>([^<]{1,256})<\/\1>/g;
// --password hunter2, -p hunter2 is too short to tell; curl -u user:password.
const FLAG = /(?:^|\s)--([A-Za-z][\w-]{1,40})\s+(?!-)(\S+)/g;
const CURL_USER = /(?:^|\s)(?:-u|--user)\s+['"]?[^\s:'"]+:([^\s'"]+)/g;
// "name": "value", name: value, name => value, Name: value (header lines) — up to three words of name.
const STATED =
  /(?:^|[\s{,;(["'])["']?([A-Za-z_][\w.-]{0,40}(?: [A-Za-z_][\w.-]{0,20}){0,2})["']?[ \t]*(?:=>|:=|:|=)[ \t]*["']?(?=([^\n"',;}&]{0,200}))([^\s"',;}&]{1,512})/g;

/** Named values inside a text, for each way text names them. */
export function embeddedPairs(text: string): Pair[] {
  const pairs: Pair[] = [];
  for (const m of text.matchAll(FLAG)) pairs.push({ name: m[1]!, value: m[2]! });
  if (text.includes('<')) for (const m of text.matchAll(ELEMENT)) pairs.push({ name: m[1]!, value: m[2]! });
  if (!/[=:]/.test(text)) return pairs;
  for (const m of text.matchAll(CURL_USER)) pairs.push({ name: 'password', value: m[1]! });
  for (const m of text.matchAll(ASSIGNED)) pairs.push({ name: m[1]!, value: m[2]! });
  for (const m of text.matchAll(STATED)) pairs.push({ name: m[1]!, value: m[3]!, clause: m[2]!.trim() });
  // Header lines: the whole rest of the line is the value ("Authorization: Bearer …", "Cookie: a=b; c=d").
  for (const line of text.split(/\r?\n|\\r\\n|\\n/)) {
    const h = /^\s*([A-Za-z][\w-]{1,40}):[ \t]*(.+)$/.exec(line);
    if (h) pairs.push({ name: h[1]!, value: h[2]!.trim(), clause: h[2]!.trim() });
  }
  return pairs;
}

// Words of instructions and messages; a passphrase of random words has none of them.
const FUNCTION_WORDS =
  /\b(?:the|a|an|is|are|be|been|must|should|can|cannot|not|no|at|least|most|of|to|and|or|with|without|contain|contains|required|too|for|your|please|was|has|have)\b/;

/** Running text ("must contain at least 12 characters") rather than a value. */
export function isProse(clause: string): boolean {
  const words = clause.trim().split(/\s+/);
  if (words.length < 3) return false;
  return (
    words.every((w, i) => /^(?:[a-z]+|\d+)[.!?]?$/.test(i === 0 ? w.toLowerCase() : w)) &&
    FUNCTION_WORDS.test(clause.toLowerCase())
  );
}

/** The text again with %-escapes decoded, when it has any; null otherwise. */
export function percentDecoded(text: string): string | null {
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return null;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

/** A JSON object or array held in a string, parsed; undefined when the string is not one. */
export function jsonInside(text: string): unknown {
  const t = text.trim();
  if (!((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

/** The readable text a run of base64 stands for, or null when it decodes to bytes that are not text. */
export function base64Text(run: string): string | null {
  const bare = run.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  const decoded = Buffer.from(bare.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  if (decoded.length < 6 || decoded.includes('\uFFFD')) return null;
  // Printable text, not random bytes.
  const printable = decoded.replace(/[^\x20-\x7e\t\r\n\u00a0-\uffff]/g, '');
  return printable.length === decoded.length && /[A-Za-z]/.test(decoded) ? decoded : null;
}

/** Readable texts that runs of base64 in `text` decode to ("dXNlcjpwYXNz" → "user:pass"). */
export function base64Texts(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(BASE64_RUN)) {
    // Plain words and numbers are valid base64 too; a real encoding mixes cases or digits.
    if (!/[A-Z]/.test(m[0]) || !/[a-z0-9]/.test(m[0])) continue;
    const decoded = base64Text(m[0]);
    if (decoded !== null) out.push(decoded);
  }
  return out;
}

/** "user:password" as Basic authentication encodes it. */
export function isUserPassword(decoded: string): boolean {
  // A user name or address, then a password: not JSON ('{"id":1}'), a URL ("https://…") or a time.
  return /^(?=[^:]*[A-Za-z])[\w.@+-]{1,128}:(?!\/\/)\S{4,256}$/.test(decoded.trim());
}
