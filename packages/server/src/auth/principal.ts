import type { ApiKeyScope } from '../store/api-key-port.ts';

/** Who made a request: the API key it presented, as the auth layer found it. */
export interface Principal {
  /** The key's id (`key_…`), or `bootstrap` for the admin key of the data directory. */
  keyId: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  /** Sustained requests per second; null: no limit. */
  rateLimitPerSecond: number | null;
}

export const BOOTSTRAP_KEY_ID = 'bootstrap';

/** Whether the principal may use a route that any one of `needed` opens (admin opens all). */
export function allows(principal: Principal, needed: readonly ApiKeyScope[]): boolean {
  return principal.scopes.some((scope) => scope === 'admin' || needed.includes(scope));
}
