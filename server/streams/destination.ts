// Where the audit log is streamed: `syslog+tcp://host:port`, `syslog+tls://host:port`,
// `otlp+http://host:port/v1/logs`, `otlp+https://…`. Parsed once at start-up.

export type Destination =
  | {
      kind: 'syslog';
      tls: boolean;
      host: string;
      port: number;
      /** The destination as written, without credentials: the cursor's key and the metrics label. */
      name: string;
    }
  | {
      kind: 'otlp';
      /** The http(s) URL the batches are POSTed to, credentials removed. */
      url: string;
      /** `Basic …` from credentials in the URL, never logged. */
      authorization: string | null;
      name: string;
    };

/** Parses one destination; throws an Error whose message says what is wrong with it. */
export function parseDestination(raw: string): Destination {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${redact(raw)}" is not a URL`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'syslog+tcp' || scheme === 'syslog+tls') {
    if (!url.hostname) throw new Error(`"${redact(raw)}" has no host`);
    if (!url.port) throw new Error(`"${redact(raw)}" needs a port`);
    if ((url.pathname && url.pathname !== '/') || url.search || url.username)
      throw new Error(`"${redact(raw)}" must be only ${scheme}://host:port`);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      kind: 'syslog',
      tls: scheme === 'syslog+tls',
      host,
      port: Number(url.port),
      name: `${scheme}://${url.host}`,
    };
  }
  if (scheme === 'otlp+http' || scheme === 'otlp+https') {
    if (!url.hostname) throw new Error(`"${redact(raw)}" has no host`);
    const authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
        : null;
    url.username = '';
    url.password = '';
    const target = `${scheme.slice('otlp+'.length)}://${url.host}${url.pathname}${url.search}`;
    return { kind: 'otlp', url: target, authorization, name: `${scheme}://${url.host}${url.pathname}` };
  }
  throw new Error(`"${redact(raw)}": the scheme must be syslog+tcp, syslog+tls, otlp+http or otlp+https`);
}

/** A comma-separated list; the same destination twice is refused (they would share one cursor). */
export function parseDestinations(raw: string): Destination[] {
  const out: Destination[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const d = parseDestination(item);
    if (out.some((o) => o.name === d.name)) throw new Error(`${d.name} is listed twice`);
    out.push(d);
  }
  return out;
}

/** A destination as it may appear in an error message: any password replaced. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^/@]*)@/, '//***@');
}
