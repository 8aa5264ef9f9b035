import { safeParseCallEvent } from '../events/parse.ts';
import type { CallEvent } from '../events/schemas.ts';
import { getHeader, type HeadersInput } from './header-lookup.ts';
import { decodeSecret } from './secret.ts';
import { computeSignature, signaturesEqual, v1Signatures } from './signature.ts';
import { WebhookVerificationError } from './webhook-verification-error.ts';

/** Default accepted distance between `webhook-timestamp` and now: 5 minutes, both ways. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookOptions {
  /** Accepted distance, in seconds, between `webhook-timestamp` and now, both ways. Default 300. */
  tolerance?: number;
  /** The clock for the timestamp check (a `Date` or epoch milliseconds); tests inject one. */
  now?: () => Date | number;
}

/** The verified headers of a delivery. */
export interface VerifiedDelivery {
  id: string;
  timestamp: Date;
}

function epochSeconds(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('cannot sign with an invalid Date');
  return Math.floor(ms / 1000);
}

function required(headers: HeadersInput, name: string): string {
  const value = getHeader(headers, name)?.trim();
  if (!value) {
    throw new WebhookVerificationError(
      'missing_header',
      `missing ${name} header (webhook-id, webhook-timestamp and webhook-signature are all required)`,
    );
  }
  return value;
}

/**
 * Standard Webhooks v1 (https://www.standardwebhooks.com) signing and verification, with one or
 * more secrets. Several secrets serve rotation: `sign` uses the first, `signAll` every one,
 * and `verify` accepts a signature made with any of them.
 */
export class Webhook {
  readonly #keys: readonly Buffer[];
  readonly #tolerance: number;
  readonly #now: () => Date | number;

  constructor(secret: string | readonly string[], options: WebhookOptions = {}) {
    const secrets = typeof secret === 'string' ? [secret] : [...secret];
    if (secrets.length === 0) {
      throw new WebhookVerificationError('bad_secret', 'at least one webhook secret is required');
    }
    this.#keys = secrets.map(decodeSecret);
    const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
    if (!Number.isFinite(tolerance) || tolerance < 0) {
      throw new RangeError('tolerance must be a non-negative number of seconds');
    }
    this.#tolerance = tolerance;
    this.#now = options.now ?? Date.now;
  }

  /** `v1,<base64 HMAC-SHA256>` of `{msgId}.{unix seconds of date}.{body}` with the first secret. */
  sign(msgId: string, date: Date, rawBody: string | Uint8Array): string {
    return `v1,${computeSignature(this.#keys[0]!, msgId, epochSeconds(date), rawBody)}`;
  }

  /** One `v1,…` signature per secret, space separated: the header value during rotation. */
  signAll(msgId: string, date: Date, rawBody: string | Uint8Array): string {
    const seconds = epochSeconds(date);
    return this.#keys
      .map((key) => `v1,${computeSignature(key, msgId, seconds, rawBody)}`)
      .join(' ');
  }

  /**
   * Checks the headers and signature of a delivery without reading its body. Throws a
   * `WebhookVerificationError`; never returns for a delivery that is not authentic.
   */
  verifySignature(rawBody: string | Uint8Array, headers: HeadersInput): VerifiedDelivery {
    const id = required(headers, 'webhook-id');
    const timestampText = required(headers, 'webhook-timestamp');
    const signatureHeader = required(headers, 'webhook-signature');

    if (!/^\d{1,15}$/.test(timestampText)) {
      throw new WebhookVerificationError(
        'bad_timestamp',
        'webhook-timestamp must be integer Unix seconds',
      );
    }
    const seconds = Number(timestampText);
    const nowValue = this.#now();
    const nowSeconds = Math.floor(
      (typeof nowValue === 'number' ? nowValue : nowValue.getTime()) / 1000,
    );
    if (nowSeconds - seconds > this.#tolerance) {
      throw new WebhookVerificationError(
        'timestamp_too_old',
        `webhook-timestamp is ${nowSeconds - seconds} s old (tolerance ${this.#tolerance} s): a replay, or this machine's clock is wrong`,
      );
    }
    if (seconds - nowSeconds > this.#tolerance) {
      throw new WebhookVerificationError(
        'timestamp_too_new',
        `webhook-timestamp is ${seconds - nowSeconds} s in the future (tolerance ${this.#tolerance} s): check this machine's clock`,
      );
    }

    const candidates = v1Signatures(signatureHeader);
    for (const key of this.#keys) {
      const expected = computeSignature(key, id, seconds, rawBody);
      if (candidates.some((candidate) => signaturesEqual(candidate, expected))) {
        return { id, timestamp: new Date(seconds * 1000) };
      }
    }
    throw new WebhookVerificationError(
      'bad_signature',
      'no webhook-signature matches: check the endpoint secret, and pass the raw body exactly as received',
    );
  }

  /** Verifies a delivery, then reads its body into a typed `CallEvent`. */
  verify(rawBody: string | Uint8Array, headers: HeadersInput): CallEvent {
    this.verifySignature(rawBody, headers);
    return parseVerifiedBody(rawBody);
  }
}

/** Reads an authentic body into a `CallEvent`; throws `invalid_body` with the reasons. */
export function parseVerifiedBody(rawBody: string | Uint8Array): CallEvent {
  const parsed = safeParseCallEvent(rawBody);
  if (!parsed.success) {
    throw new WebhookVerificationError('invalid_body', parsed.error.message, {
      cause: parsed.error,
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}
