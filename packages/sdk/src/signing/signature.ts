import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64 HMAC-SHA256 of `{id}.{seconds}.{body}`, the Standard Webhooks v1 signed content. */
export function computeSignature(
  key: Uint8Array,
  msgId: string,
  seconds: number,
  body: string | Uint8Array,
): string {
  // Feeding the body separately signs its exact bytes, with no decode/re-encode round trip.
  return createHmac('sha256', key).update(`${msgId}.${seconds}.`).update(body).digest('base64');
}

/**
 * The `v1` signatures of a `webhook-signature` header. Entries are space separated; a trailing
 * comma is dropped because fetch joins repeated headers with ", " (base64 has no commas).
 * Other versions are ignored, as the spec asks, so new schemes can be rolled out alongside.
 */
export function v1Signatures(header: string): string[] {
  const out: string[] = [];
  for (const token of header.split(/\s+/)) {
    const entry = token.replace(/,+$/, '');
    if (entry.startsWith('v1,') && entry.length > 3) out.push(entry.slice(3));
  }
  return out;
}

/** Constant-time comparison of two base64 signatures (unequal lengths never match). */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
