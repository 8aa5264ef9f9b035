import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File in the data directory holding the SHA-256 of the admin API key (never the key). */
export const API_KEY_HASH_FILE = 'api-key.sha256';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `chk_${randomBytes(32).toString('base64url')}`;
}

/** Constant-time check of a presented bearer token against a stored hash. */
export function apiKeyVerifier(hashHex: string): { verify(token: string): boolean } {
  const expected = Buffer.from(hashHex, 'hex');
  return {
    verify(token: string): boolean {
      const actual = createHash('sha256').update(token, 'utf8').digest();
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

export interface ResolvedApiKey {
  hash: string;
  /** The key in clear, only when it was generated just now (to print once). */
  generated?: string;
  source: 'env' | 'data-dir' | 'generated';
}

/**
 * The admin key: `CALLHOOK_API_KEY` when set (its hash replaces the stored one); else the hash
 * kept in the data directory; else a new key, stored hashed, returned once to be printed.
 */
export function resolveApiKey(dataDir: string, envKey: string | undefined): ResolvedApiKey {
  const file = join(dataDir, API_KEY_HASH_FILE);
  mkdirSync(dataDir, { recursive: true });
  if (envKey !== undefined && envKey !== '') {
    const hash = hashApiKey(envKey);
    writeFileSync(file, `${hash}\n`, { mode: 0o600 });
    return { hash, source: 'env' };
  }
  if (existsSync(file)) {
    const hash = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hash)) return { hash, source: 'data-dir' };
  }
  const generated = generateApiKey();
  const hash = hashApiKey(generated);
  writeFileSync(file, `${hash}\n`, { mode: 0o600 });
  return { hash, generated, source: 'generated' };
}
