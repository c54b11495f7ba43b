// Reads a request body's bytes within a size limit. On Node it reads the socket stream directly: building a
// WHATWG Request with a body stream for each ingest call cost more than parsing the events.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError } from './errors.js';

const tooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`);

// An oversized body is drained before the 413 goes out, so a client still sending it can read the answer
// instead of having its write cut off; past this many times the limit, the connection is simply closed.
const DRAIN_FACTOR = 4;

export async function readBody(c: Context, limit: number): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded || incoming.readableFlowing !== null) {
    const bytes = Buffer.from(await c.req.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  const declared = Number(incoming.headers['content-length']);
  if (declared > limit * DRAIN_FACTOR) {
    incoming.destroy();
    throw tooLarge(limit);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * DRAIN_FACTOR) {
        incoming.destroy();
        reject(tooLarge(limit));
      }
    });
    incoming.on('end', () => {
      if (size > limit) reject(tooLarge(limit));
      else resolve(Buffer.concat(chunks, size));
    });
    incoming.on('error', reject);
  });
}
