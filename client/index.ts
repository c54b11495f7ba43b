// `receipts/client`: the host SDK. Re-exports only.
export type { HostSessionStatus, SessionStatus, TokenScope, WidgetTokenClaims } from '../shared/api.js';
export type { EventType, Level, Outcome } from '../shared/catalog.js';
export type { ValidationIssue } from '../shared/errors.js';
export { createReceiptsClient, type ReceiptsClient } from './create-client.js';
export { ReceiptsError, type ReceiptsErrorCode } from './errors.js';
export { uuidv7 } from './event-id.js';
export type { ReceiptsEvent } from './event-types.js';
export { type FetchLike, MAX_BATCH_SIZE, type ReceiptsClientOptions } from './options.js';
export { sessionTag } from './session-tag.js';
export {
  type ReceiptsWebhookEvent,
  verifyWebhook,
  type WebhookEventType,
  type WebhookHeaders,
  WebhookVerificationError,
} from './webhook.js';
export { createWidgetToken, MAX_TOKEN_TTL_SECONDS, type WidgetTokenOptions } from './widget-token.js';
