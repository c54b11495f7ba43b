// Loaded only after a cross-origin request failed. The browser hides why a cross-origin fetch failed;
// if the server still answers a no-cors request, it is up and CORS refused this page, which only the
// site's developer can fix, so say so in the console rather than only "Can't connect".
import { ApiError, toApiError } from './api.js';

const told = new Set<string>();

function tell(message: string): void {
  if (told.has(message)) return;
  told.add(message);
  console.error(message);
}

/** The explanation when CORS refused this page, or null when the failure was something else. */
export async function corsHint(base: string, fetchFn: typeof fetch): Promise<string | null> {
  const target = new URL(base, location.href);
  if (target.origin === location.origin) return null;
  const reachable = await fetchFn(`${base.replace(/\/+$/, '')}/healthz`, {
    mode: 'no-cors',
    credentials: 'omit',
    cache: 'no-store',
  }).then(
    () => true,
    () => false,
  );
  if (!reachable) {
    tell(`<activity-log>: cannot reach Receipts at ${target.origin}; the server is down or unreachable.`);
    return null;
  }
  const message =
    `<activity-log>: this page is not allowed to reach Receipts at ${target.origin}. ` +
    `Add ${location.origin} to RECEIPTS_ALLOWED_ORIGINS on the Receipts server (comma-separated origins) and restart it.`;
  tell(message);
  return message;
}

/** The error for a failed request: the CORS explanation when a cross-origin fetch was refused. */
export async function explain(error: unknown, base: string, fetchFn: typeof fetch): Promise<ApiError> {
  const hint = base && error instanceof TypeError ? await corsHint(base, fetchFn).catch(() => null) : null;
  return hint ? new ApiError('network', hint) : toApiError(error);
}
