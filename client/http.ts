// One HTTP exchange with the server, with the ingest key and a time limit; the body is always read.
import { ReceiptsError } from './errors.js';
import type { ResolvedOptions } from './options.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one request. Network failures and time-outs reject with a `ReceiptsError` of code `network`. */
export async function request(
  options: ResolvedOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<Reply> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.ingestKey}`,
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await options.fetch(`${options.url}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Reading the whole body also releases the connection for reuse.
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ReceiptsError({ code: 'network', message: `Receipts is unreachable: ${reason}`, cause });
  }
}
