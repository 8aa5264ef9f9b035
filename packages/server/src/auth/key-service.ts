import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { CallhookError } from '../errors.ts';
import { API_KEY_SCOPES, type ApiKeyRecord, type ApiKeyStore } from '../store/api-key-port.ts';
import { generateApiKey, hashApiKey } from './api-key.ts';
import type { CreateApiKeyInput } from './key-input.ts';
import { BOOTSTRAP_KEY_ID, type Principal } from './principal.ts';

// Scoped API keys: made here (random, shown once), stored hashed, found again by hash on each
// request. The bootstrap admin key of the data directory is checked first and is never stored.

/** Requests per second of a key created without `rateLimitPerSecond`. */
export const DEFAULT_KEY_RATE_LIMIT_PER_SECOND = 100;

/** Finds who presents a bearer token; undefined for an unknown token. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | undefined>;
}

/** What the API shows of a key: never its hash, and its text only once (`CreatedApiKey`). */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'>;

export interface CreatedApiKey extends ApiKeyView {
  /** The key itself: shown in this answer only. */
  key: string;
}

export interface KeyServiceOptions {
  store: ApiKeyStore;
  clock: Clock;
  /** The bootstrap admin key's check (constant time). */
  bootstrap: { verify(token: string): boolean };
  /** Rate limit of the bootstrap admin key; default none. */
  bootstrapRateLimitPerSecond?: number | null;
  newId?: () => string;
}

export class KeyService implements Authenticator {
  private readonly store: ApiKeyStore;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly bootstrap: Principal;
  private readonly verifyBootstrap: (token: string) => boolean;

  constructor(options: KeyServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.newId = options.newId ?? (() => `key_${randomUUID().replaceAll('-', '')}`);
    this.verifyBootstrap = (token) => options.bootstrap.verify(token);
    this.bootstrap = {
      keyId: BOOTSTRAP_KEY_ID,
      name: 'bootstrap admin key',
      scopes: ['admin'],
      rateLimitPerSecond: options.bootstrapRateLimitPerSecond ?? null,
    };
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (this.verifyBootstrap(token)) return this.bootstrap;
    // Looked up by hash: the index compares hashes, so timing tells nothing about the key.
    const record = await this.store.findKeyByHash(hashApiKey(token));
    if (!record) return undefined;
    return {
      keyId: record.id,
      name: record.name,
      scopes: record.scopes,
      rateLimitPerSecond: record.rateLimitPerSecond,
    };
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const scopes = API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope));
    if (scopes.length === 0) {
      throw new CallhookError('validation_error', 'a key needs at least one scope', {
        scopes: API_KEY_SCOPES,
      });
    }
    const key = generateApiKey();
    const record: ApiKeyRecord = {
      id: this.newId(),
      name: input.name,
      scopes,
      hash: hashApiKey(key),
      rateLimitPerSecond:
        input.rateLimitPerSecond === undefined
          ? DEFAULT_KEY_RATE_LIMIT_PER_SECOND
          : input.rateLimitPerSecond,
      createdAt: this.clock.now(),
    };
    await this.store.createKey(record);
    return { ...apiKeyView(record), key };
  }

  async list(query: {
    limit: number;
    cursor?: string;
  }): Promise<{ keys: ApiKeyView[]; nextCursor: string | null }> {
    const page = await this.store.listKeys(query);
    return { keys: page.items.map(apiKeyView), nextCursor: page.nextCursor };
  }

  /** Revokes a key at once; `not_found` for an unknown id (the bootstrap key is not one). */
  async revoke(id: string): Promise<void> {
    if (!(await this.store.revokeKey(id))) {
      throw new CallhookError('not_found', `no API key ${id}`, { id });
    }
  }
}

export function apiKeyView(record: ApiKeyRecord): ApiKeyView {
  const { hash: _hash, ...view } = record;
  return view;
}
