// The HTTP client: the token goes only in the Authorization header, and a 401 asks the tokenProvider for a
// fresh token and retries once.
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';

/** What went wrong: a code from the server's table, or one of the client's own. */
export type FailureCode = ErrorCode | 'network' | 'no_token' | 'http' | 'log_verification_failed';

export class ApiError extends Error {
  readonly code: FailureCode;
  readonly status: number;
  readonly requestId: string | undefined;

  constructor(code: FailureCode, message: string, status = 0, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('network', error instanceof Error ? error.message : String(error));
}

export interface SendOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  signal?: AbortSignal;
  accept?: string;
}

/** The path prefix of the user's own routes, or of the user a support agent is looking at. */
/**
 * Whose token this is (`sub`), read without checking it (the server does): a new person means nothing shown
 * may stay. `undefined` when it is not a JWT with a `sub` at all.
 */
export function tokenSubject(token: string): string | undefined {
  try {
    const sub: unknown = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub;
    return typeof sub === 'string' && token.split('.').length === 3 ? sub : undefined;
  } catch {
    return undefined;
  }
}

export function routePrefix(mode: 'user' | 'support', userId: string): string {
  return mode === 'support' ? `/v1/support/users/${encodeURIComponent(userId)}` : '/v1/me';
}

/**
 * Checks a ticket reference before it becomes the `X-Support-Reason` header: the server wants 3–200
 * characters without control characters, and fetch only sends Latin-1 header values.
 */
export function checkReason(value: string): 'reasonInvalid' | 'reasonCharset' | null {
  const reason = value.trim();
  if (reason.length < 3 || reason.length > 200) return 'reasonInvalid';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(reason)) return 'reasonInvalid';
  if (/[^\u0020-\u00ff]/.test(reason)) return 'reasonCharset';
  return null;
}

async function toError(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(error.code, String(error.message ?? ''), res.status, error.request_id);
  }
  return new ApiError(res.status === 401 ? 'unauthorized' : 'http', `HTTP ${res.status}`, res.status);
}

export class ApiClient {
  /** Base URL of the Receipts server; '' means the page's own origin. */
  base = '';
  prefix = '/v1/me';
  /** Ticket reference sent as `X-Support-Reason` in support mode. */
  reason = '';
  token = '';
  tokenProvider: (() => Promise<string>) | undefined;
  private refreshing: Promise<string> | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(fetchFn: typeof fetch = (input, init) => fetch(input, init)) {
    this.fetchFn = fetchFn;
  }

  url(path: string): string {
    return `${this.base.replace(/\/+$/, '')}${this.prefix}/${path}`;
  }

  async json<T>(path: string, options: SendOptions = {}): Promise<T> {
    return (await (await this.send(path, options)).json()) as T;
  }

  /** A response with a 2xx status, or an ApiError. AbortErrors pass through untouched. */
  async send(path: string, options: SendOptions = {}): Promise<Response> {
    if (!this.token) await this.refresh();
    const used = this.token;
    let res = await this.attempt(path, options);
    if (res.status === 401 && this.tokenProvider) {
      // Another request may have refreshed the token meanwhile; only ask the provider if not.
      if (this.token === used) await this.refresh();
      res = await this.attempt(path, options);
    }
    if (!res.ok) throw await toError(res);
    return res;
  }

  private async attempt(path: string, { method = 'GET', signal, accept }: SendOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: accept ?? 'application/json',
      Authorization: `Bearer ${this.token}`,
    };
    if (this.reason) headers['X-Support-Reason'] = this.reason.trim();
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchFn(this.url(path), {
        method,
        signal,
        headers,
        body: method === 'POST' ? '{}' : undefined,
        // The token travels in a header; cookies of the Receipts origin have no business here.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw error;
      // A failed cross-origin fetch may be CORS refusing this page: a lazy helper finds out and says so.
      throw await import('./cors.js').then(
        (m) => m.explain(error, this.base, this.fetchFn),
        () => toApiError(error),
      );
    }
  }

  private refresh(): Promise<string> {
    const provider = this.tokenProvider;
    if (!provider) return Promise.reject(new ApiError('no_token', 'No token and no tokenProvider'));
    this.refreshing ??= provider()
      .then(
        (token) => {
          if (typeof token !== 'string' || !token)
            throw new ApiError('no_token', 'tokenProvider gave no token');
          this.token = token;
          return token;
        },
        (error: unknown) => {
          throw error instanceof ApiError ? error : new ApiError('no_token', String(error));
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
