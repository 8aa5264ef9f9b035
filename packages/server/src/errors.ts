// Typed errors of the service, each with a stable `code` (docs/contract.md §3) and its HTTP status.

export const ERROR_STATUS = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_transition: 409,
  conflict: 409,
  /** Asked for events that retention (--retention) removed: store/retention-port.ts. */
  retention_expired: 410,
  /** The whole request did not arrive in time (slow clients: http/http-limits.ts). */
  request_timeout: 408,
  payload_too_large: 413,
  /** A Content-Encoding other than identity: bodies are read as sent. */
  unsupported_media_type: 415,
  rate_limited: 429,
  /** The request line and headers exceed the server's limit (16 KiB). */
  headers_too_large: 431,
  forbidden_target: 400,
  internal: 500,
  /** A stored row cannot be read back; it is quarantined (store/quarantine-port.ts). */
  corrupt_row: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class CallhookError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'CallhookError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
