import { randomBytes } from 'node:crypto';
import { WebhookVerificationError } from './webhook-verification-error.ts';

/** Prefix of endpoint secrets, as Standard Webhooks and svix write them. */
export const SECRET_PREFIX = 'whsec_';

// Standard base64, padding optional. Node's decoder skips characters it does not know, so the
// text is checked first: a mistyped secret must fail loudly, not sign with a different key.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** The HMAC key of a secret: `whsec_` + base64, or the base64 alone. */
export function decodeSecret(secret: string): Buffer {
  if (typeof secret !== 'string') {
    throw new WebhookVerificationError('bad_secret', 'webhook secret must be a string');
  }
  const text = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (key === undefined || key.length === 0) {
    throw new WebhookVerificationError(
      'bad_secret',
      `webhook secret must be "${SECRET_PREFIX}" followed by base64 (copy it as shown when the endpoint was created)`,
    );
  }
  return key;
}

/** A new endpoint secret: `whsec_` + base64 of `bytes` random bytes (at least 24). */
export function generateSecret(bytes = 24): string {
  if (!Number.isInteger(bytes) || bytes < 24) {
    throw new RangeError('a webhook secret needs at least 24 random bytes');
  }
  return `${SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`;
}
