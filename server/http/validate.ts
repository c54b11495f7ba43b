// Request validation with the shared zod schemas; problems come back as a 400 listing each path.
import type { Context } from 'hono';
import type { z } from 'zod';
import { zodIssues } from '../ingest/validate.js';
import { ApiError } from './errors.js';

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success)
    throw new ApiError(400, 'invalid_request', 'The query is not valid.', zodIssues(parsed.error));
  return parsed.data;
}

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json');
  }
}

export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success)
    throw new ApiError(400, 'invalid_request', 'The body is not valid.', zodIssues(parsed.error));
  return parsed.data;
}
