import type { CallEventIssue } from '../events/parse.ts';

/** Why a delivery was refused; stable across versions, safe to branch on. */
export type WebhookVerificationErrorCode =
  | 'missing_header'
  | 'bad_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'bad_signature'
  | 'bad_secret'
  | 'invalid_body';

/**
 * A delivery could not be verified (or a secret could not be read). `invalid_body` means the
 * signature was good but the body is not a call event; its reasons are in `issues`.
 */
export class WebhookVerificationError extends Error {
  readonly code: WebhookVerificationErrorCode;
  /** For `invalid_body`: where and why the body was rejected. Empty for the other codes. */
  readonly issues: readonly CallEventIssue[];

  constructor(
    code: WebhookVerificationErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly CallEventIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebhookVerificationError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}
