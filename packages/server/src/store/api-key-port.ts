import type { Page } from './delivery-port.ts';

// The API-key half of the storage port (docs/contract.md §3: keys carry scopes). A key is
// stored as the SHA-256 of its text, never in clear: the text is shown once, at creation.
// The bootstrap admin key is not here (it lives in the data directory, auth/api-key.ts).

/** What a key may do; `admin` may do everything, the others one slice of the API each. */
export const API_KEY_SCOPES = ['admin', 'calls:write', 'events:read', 'endpoints:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyRecord {
  /** `key_` + 32 hex digits; public (it names the key in listings and revocation). */
  id: string;
  name: string;
  /** Distinct scopes in `API_KEY_SCOPES` order, at least one. */
  scopes: ApiKeyScope[];
  /** SHA-256 (64 lower-case hex digits) of the key's text. Unique among keys. */
  hash: string;
  /** Sustained requests per second the key may make (a token bucket); null: no limit. */
  rateLimitPerSecond: number | null;
  createdAt: number;
}

export interface ApiKeyStore {
  /** Stores a new key. CallhookError `conflict` when its id or its hash is in use already. */
  createKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose hash this is; undefined when none (never existed, or revoked). */
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Keys newest first (by `createdAt`, then `id` descending), `limit` per page; `nextCursor`
   * (opaque, null on the last page) continues after the page's last key, and a page never
   * repeats or skips a key because others were created or revoked meanwhile.
   * CallhookError `validation_error` for a malformed cursor.
   */
  listKeys(query: { limit: number; cursor?: string }): Promise<Page<ApiKeyRecord>>;
  /**
   * Revokes the key: deleted, so that from the moment this resolves `findKeyByHash` no longer
   * finds it, on every node. False when there was no such key.
   */
  revokeKey(id: string): Promise<boolean>;
}
