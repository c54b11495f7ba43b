// Webhooks from Receipts, signed per Standard Webhooks: verify the signature, then read the message.
import { WebhookVerificationError as LibraryVerificationError, Webhook } from 'standardwebhooks';
import { ReceiptsError } from './errors.js';

/** A missing or bad signature, or a stale timestamp. Our own class, so the package's types stand alone. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/** What verifies a signed body: a Standard Webhooks `Webhook`. */
export interface WebhookVerifier {
  verify(payload: string, headers: Record<string, string>): unknown;
}

/** A verifier for a `whsec_…` secret. */
export function webhookVerifier(secret: string): WebhookVerifier {
  return new Webhook(secret);
}

export type WebhookEventType = 'session.revoked' | 'alert.raised' | 'erasure.completed' | 'checkpoint.signed';

/** A verified webhook message. New types may be added, so switch on `type` with a default branch. */
export interface ReceiptsWebhookEvent {
  type: WebhookEventType | (string & {});
  timestamp: string;
  data: Record<string, unknown>;
}

/** A fetch `Headers`, or Node's `req.headers` (`IncomingHttpHeaders`), or any plain object of headers. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function pickHeaders(headers: WebhookHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  if (typeof (headers as Headers).get === 'function') {
    for (const name of NAMES) {
      const value = (headers as Headers).get(name);
      if (value !== null) picked[name] = value;
    }
    return picked;
  }
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    const name = key.toLowerCase();
    if (!(NAMES as readonly string[]).includes(name) || value === undefined) continue;
    // Several signatures are space-separated in one header; a repeated header means the same.
    picked[name] = Array.isArray(value) ? value.join(name === 'webhook-signature' ? ' ' : ',') : value;
  }
  return picked;
}

/** Checks the signature of a raw webhook body with an existing `Webhook`; returns the parsed message. */
export function verifyWith(webhook: WebhookVerifier, payload: string | Uint8Array, headers: WebhookHeaders) {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError(
      'receipts: verifyWebhook needs the raw request body (a string or bytes), not parsed JSON',
    );
  }
  const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const message = verifySignature(
    webhook,
    text,
    pickHeaders(headers),
  ) as Partial<ReceiptsWebhookEvent> | null;
  if (
    !message ||
    typeof message !== 'object' ||
    typeof message.type !== 'string' ||
    typeof message.timestamp !== 'string' ||
    typeof message.data !== 'object' ||
    message.data === null
  ) {
    throw new ReceiptsError({
      code: 'invalid_webhook',
      message: 'receipts: the webhook body is not a Receipts event',
    });
  }
  return { type: message.type, timestamp: message.timestamp, data: message.data } as ReceiptsWebhookEvent;
}

function verifySignature(webhook: WebhookVerifier, text: string, headers: Record<string, string>): unknown {
  try {
    return webhook.verify(text, headers);
  } catch (error) {
    if (error instanceof LibraryVerificationError) throw new WebhookVerificationError(error.message);
    throw error;
  }
}

/**
 * Verifies a webhook from Receipts with `RECEIPTS_WEBHOOK_SECRET` (`whsec_…`). Pass the raw body exactly
 * as received. Throws `WebhookVerificationError` on a missing or bad signature or a stale timestamp.
 */
export function verifyWebhook(
  secret: string,
  payload: string | Uint8Array,
  headers: WebhookHeaders,
): ReceiptsWebhookEvent {
  return verifyWith(webhookVerifier(secret), payload, headers);
}
