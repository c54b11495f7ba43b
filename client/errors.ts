// The one error type the SDK throws or rejects with: what went wrong, and what the server said about it.
import type { ErrorBody, ErrorCode, ValidationIssue } from '../shared/errors.js';

export type ReceiptsErrorCode =
  | ErrorCode
  /** The server could not be reached (connection refused, reset, timed out). */
  | 'network'
  /** The server answered with a status the SDK does not expect. */
  | 'http'
  /** `record()` after `close()`. */
  | 'closed'
  /** Too many events waiting to be sent; see `maxQueueSize`. */
  | 'queue_full'
  /** The event cannot be sent at all (not an object, no `event_type`, not JSON-serializable). */
  | 'invalid_event'
  /** A verified webhook whose body is not a Receipts webhook. */
  | 'invalid_webhook';

export interface ReceiptsErrorInit {
  code: ReceiptsErrorCode;
  message: string;
  status?: number;
  requestId?: string;
  issues?: ValidationIssue[];
  eventIds?: string[];
  cause?: unknown;
}

export class ReceiptsError extends Error {
  override readonly name = 'ReceiptsError';
  readonly code: ReceiptsErrorCode;
  /** HTTP status of the reply, when there was one. */
  readonly status: number | undefined;
  /** The server's request id, to quote when asking about a failure. */
  readonly requestId: string | undefined;
  /** What was wrong, per event: paths such as `events[3].ip_address` index into `eventIds`. */
  readonly issues: ValidationIssue[];
  /** Ids of the events of the request this error is about, in the order they were sent. */
  readonly eventIds: string[];

  constructor(init: ReceiptsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.issues = init.issues ?? [];
    this.eventIds = init.eventIds ?? [];
  }
}

/** Reads an `ErrorBody` from a reply's text; anything else gives `undefined`. */
export function parseErrorBody(text: string): ErrorBody['error'] | undefined {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    const error = body?.error;
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      return { ...error, issues: Array.isArray(error.issues) ? error.issues : undefined };
    }
  } catch {
    // not JSON: fall through
  }
  return undefined;
}

/** Builds the error for a non-success reply, naming the first few issues in the message. */
export function errorFromReply(status: number, text: string, eventIds: string[] = []): ReceiptsError {
  const body = parseErrorBody(text);
  const issues = body?.issues ?? [];
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  const base = body ? `${body.message} (${status} ${body.code})` : `Receipts answered ${status}`;
  return new ReceiptsError({
    code: body?.code ?? 'http',
    status,
    message: shown ? `${base}: ${shown}${more}` : base,
    requestId: body?.request_id,
    issues,
    eventIds,
  });
}
