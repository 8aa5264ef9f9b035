import { generateSecret } from '@callhook/sdk';
import type { EndpointSecret } from '../store/delivery-port.ts';

// Signing secrets of an endpoint (docs/contract.md §3, §4): the current one signs forever; after a
// rotation the previous one keeps signing for 24 h too, so a receiver can deploy the new one
// without dropping a delivery. A secret is live while `expiresAt` is null or still ahead —
// the same rule the store applies when it hands secrets to the dispatcher.

/** How long a replaced secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Random bytes behind each secret (the contract asks for at least 24). */
export const SECRET_BYTES = 32;

/**
 * Live secrets kept at most. Every live secret adds a signature to the `webhook-signature`
 * header, so rotating again and again within 24 h must not grow it without bound; past this
 * many, the oldest replaced secret stops signing before its 24 h are up.
 */
export const MAX_LIVE_SECRETS = 10;

export function newSecret(now: number): EndpointSecret {
  return { secret: generateSecret(SECRET_BYTES), createdAt: now, expiresAt: null };
}

export function isLive(secret: EndpointSecret, now: number): boolean {
  return secret.expiresAt === null || secret.expiresAt > now;
}

/**
 * A new current secret in front of the live ones; the one that was current expires in 24 h,
 * older replaced ones keep the expiry they had, expired ones are dropped.
 */
export function rotateSecrets(
  secrets: readonly EndpointSecret[],
  now: number,
): { secrets: EndpointSecret[]; current: EndpointSecret } {
  const current = newSecret(now);
  const previous = secrets
    .filter((s) => isLive(s, now))
    .map((s) => (s.expiresAt === null ? { ...s, expiresAt: now + SECRET_OVERLAP_MS } : s));
  return { secrets: [current, ...previous].slice(0, MAX_LIVE_SECRETS), current };
}

/** When the last replaced secret still signing stops, or null when only the current one signs. */
export function previousSecretExpiry(
  secrets: readonly EndpointSecret[],
  now: number,
): number | null {
  let latest: number | null = null;
  for (const s of secrets) {
    if (s.expiresAt !== null && s.expiresAt > now) latest = Math.max(latest ?? 0, s.expiresAt);
  }
  return latest;
}
