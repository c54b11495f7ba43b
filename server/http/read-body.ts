// Reads a request body as text within a size limit. On Node it reads the socket stream directly: building a
// WHATWG Request with a body stream for each ingest call cost more than parsing the events.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError } from './errors.js';

// The rest of an oversized body is drained, not read, and the connection closes after the answer.
const tooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`, undefined, {
    connection: 'close',
  });

export async function readBody(c: Context, limit: number): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded || incoming.readableFlowing !== null) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit);
    return text;
  }
  if (Number(incoming.headers['content-length']) > limit) {
    incoming.resume();
    throw tooLarge(limit);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    incoming.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    incoming.on('error', reject);
  });
}
