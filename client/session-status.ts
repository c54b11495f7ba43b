// Host API: is this host session still good? `GET /v1/sessions/:host_session_id` with the ingest key.
import type { HostSessionStatus } from '../shared/api.js';
import { errorFromReply, ReceiptsError } from './errors.js';
import { request } from './http.js';
import type { ResolvedOptions } from './options.js';

const STATUSES: ReadonlySet<string> = new Set(['active', 'revoked', 'expired', 'ended']);

/** The session's status, or `null` when Receipts has never heard of it (404). Throws `ReceiptsError` otherwise. */
export async function sessionStatus(
  options: ResolvedOptions,
  hostSessionId: string,
): Promise<HostSessionStatus | null> {
  if (typeof hostSessionId !== 'string' || hostSessionId.length === 0) {
    throw new TypeError('receipts: sessionStatus needs a non-empty host session id');
  }
  const reply = await request(options, 'GET', `/v1/sessions/${encodeURIComponent(hostSessionId)}`);
  if (reply.status === 404) return null;
  if (reply.status !== 200) throw errorFromReply(reply.status, reply.text);
  let body: Partial<HostSessionStatus> | null = null;
  try {
    body = JSON.parse(reply.text) as Partial<HostSessionStatus> | null;
  } catch {
    // handled below
  }
  if (!body || typeof body.status !== 'string' || !STATUSES.has(body.status)) {
    throw new ReceiptsError({
      code: 'http',
      status: reply.status,
      message: 'receipts: unexpected session status reply',
    });
  }
  return { status: body.status, revoked_at: body.revoked_at ?? null, revoked_by: body.revoked_by ?? null };
}
