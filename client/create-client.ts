// `createReceiptsClient`: one object for everything a host's backend does with Receipts.
import type { HostSessionStatus } from '../shared/api.js';
import { EventQueue } from './event-queue.js';
import type { ReceiptsEvent } from './event-types.js';
import { type ReceiptsClientOptions, resolveOptions } from './options.js';
import { sessionStatus } from './session-status.js';
import { type ReceiptsWebhookEvent, verifyWith, type WebhookHeaders, webhookVerifier } from './webhook.js';
import { createWidgetToken, type WidgetTokenOptions, widgetSecretKey } from './widget-token.js';

export interface ReceiptsClient {
  /**
   * Queues an event for the audit log, adding an `id` (UUIDv7) and `timestamp` when missing. Resolves
   * with the id once the server accepted it; rejects with a `ReceiptsError` (see `issues` on a 400).
   * Failures also go to `onError`, so not awaiting is safe.
   */
  record(event: ReceiptsEvent): Promise<string>;
  /** Sends what is queued and waits until every batch sent so far is settled. */
  flush(): Promise<void>;
  /** Flushes, then refuses further events. Call it on shutdown. */
  close(): Promise<void>;
  /** `active | revoked | expired | ended` for a host session id, or `null` if Receipts does not know it. */
  sessionStatus(hostSessionId: string): Promise<HostSessionStatus | null>;
  /** A widget token for `<activity-log token=…>` (needs `widgetSecret`). */
  createWidgetToken(options: WidgetTokenOptions): Promise<string>;
  /** Verifies a webhook's raw body and headers (needs `webhookSecret`); throws on a bad signature. */
  verifyWebhook(payload: string | Uint8Array, headers: WebhookHeaders): ReceiptsWebhookEvent;
}

export function createReceiptsClient(options: ReceiptsClientOptions): ReceiptsClient {
  const resolved = resolveOptions(options);
  // Bad secrets fail here, at start-up, rather than on the first request that needs them.
  const widgetKey = options.widgetSecret === undefined ? undefined : widgetSecretKey(options.widgetSecret);
  const webhook = options.webhookSecret === undefined ? undefined : webhookVerifier(options.webhookSecret);
  const queue = new EventQueue(resolved);
  return {
    record: (event) => queue.record(event),
    flush: () => queue.flush(),
    close: () => queue.close(),
    sessionStatus: (id) => sessionStatus(resolved, id),
    createWidgetToken: async (tokenOptions) => {
      if (!widgetKey) throw new TypeError('receipts: createWidgetToken needs the widgetSecret option');
      return createWidgetToken(widgetKey, tokenOptions);
    },
    verifyWebhook: (payload, headers) => {
      if (!webhook) throw new TypeError('receipts: verifyWebhook needs the webhookSecret option');
      return verifyWith(webhook, payload, headers);
    },
  };
}
