// One table of error codes, shared by the server (which sends them) and the widget (which explains them).

export const ERROR_CODES = {
  invalid_json: 'The request body is not valid JSON.',
  invalid_request: 'The request is not valid.',
  invalid_events: 'One or more events are invalid; nothing was stored.',
  payload_too_large: 'The request body is too large.',
  unauthorized: 'Missing or invalid credentials.',
  invalid_token: 'The token is not valid.',
  forbidden: 'These credentials may not use this route.',
  not_found: 'Not found.',
  reason_required: 'A reason is required for this access.',
  rate_limited: 'Too many requests; try again later.',
  conflict: 'The request conflicts with the current state.',
  legal_hold: 'This account is under a legal hold.',
  unavailable: 'The service is shutting down or unavailable.',
  internal: 'Something went wrong on our side.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ValidationIssue {
  /** Where the problem is, e.g. `events[3].ip_address`. */
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    request_id?: string;
    issues?: ValidationIssue[];
  };
}
