// Errors at the HTTP edge: one shape for every error a client sees, with the request id; nothing internal leaks.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, type ErrorBody, type ErrorCode, type ValidationIssue } from '../../shared/errors.js';

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message: detail ?? ERROR_CODES[code] });
  }
}

export function errorBody(
  c: Context,
  code: ErrorCode,
  message?: string,
  issues?: ValidationIssue[],
): ErrorBody {
  return {
    error: {
      code,
      message: message ?? ERROR_CODES[code],
      request_id: c.get('requestId'),
      ...(issues ? { issues } : {}),
    },
  };
}

export function sendError(c: Context, err: ApiError): Response {
  const res = c.json(errorBody(c, err.code, err.message, err.issues), err.status);
  for (const [k, v] of Object.entries(err.headers ?? {})) res.headers.set(k, v);
  return res;
}
