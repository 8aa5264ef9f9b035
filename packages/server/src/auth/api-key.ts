import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallhookError } from '../errors.ts';

/** File in the data directory holding the SHA-256 of the admin API key (never the key). */
export const API_KEY_HASH_FILE = 'api-key.sha256';

/** Random bytes in a generated key (base64url, after `chk_`): well above the 24 the issue asks. */
export const GENERATED_KEY_BYTES = 32;

/** The shortest key an operator may choose (`CALLHOOK_API_KEY`). */
export const MIN_CHOSEN_KEY_LENGTH = 16;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `chk_${randomBytes(GENERATED_KEY_BYTES).toString('base64url')}`;
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

export interface ResolveApiKeyOptions {
  /** Let `CALLHOOK_API_KEY` replace a different key stored in the data directory. */
  replace?: boolean;
}

/**
 * The bootstrap admin key. With `CALLHOOK_API_KEY`: that key, whose hash is stored if none
 * is; a different stored hash is replaced only with `replace` (else every client holding the
 * stored key would be locked out by a stray variable). Without it: the stored hash; else a
 * new key, stored hashed, returned once to be printed. A key file that cannot be read or
 * does not hold a hash is refused, never silently replaced.
 */
export function resolveApiKey(
  dataDir: string,
  envKey: string | undefined,
  options: ResolveApiKeyOptions = {},
): ResolvedApiKey {
  const file = join(dataDir, API_KEY_HASH_FILE);
  mkdirSync(dataDir, { recursive: true });
  const stored = readStoredHash(file);
  if (envKey !== undefined && envKey !== '') {
    if (envKey.length < MIN_CHOSEN_KEY_LENGTH) {
      throw new CallhookError(
        'validation_error',
        `CALLHOOK_API_KEY is ${envKey.length} characters long; choose at least ${MIN_CHOSEN_KEY_LENGTH} (or unset it to have a random key generated)`,
        { minLength: MIN_CHOSEN_KEY_LENGTH },
      );
    }
    const hash = hashApiKey(envKey);
    if (stored !== undefined && stored !== hash && options.replace !== true) {
      throw new CallhookError(
        'conflict',
        `CALLHOOK_API_KEY is not the admin key stored in ${file}; to replace the stored key (clients holding it are then refused), start once with --replace-api-key`,
        { file },
      );
    }
    if (stored !== hash) writeFileSync(file, `${hash}\n`, { mode: 0o600 });
    return { hash, source: 'env' };
  }
  if (stored !== undefined) return { hash: stored, source: 'data-dir' };
  const generated = generateApiKey();
  const hash = hashApiKey(generated);
  writeFileSync(file, `${hash}\n`, { mode: 0o600, flag: 'wx' });
  return { hash, generated, source: 'generated' };
}

/** The hash in the key file; undefined when there is no file; refuses anything else. */
function readStoredHash(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CallhookError(
      'validation_error',
      `cannot read the admin key file ${file} (${reason}); fix its permissions, or restore it from a backup`,
      { file },
    );
  }
  const hash = text.trim();
  if (!SHA256_HEX.test(hash)) {
    throw new CallhookError(
      'validation_error',
      `${file} does not hold a SHA-256 hash (64 hex digits); restore it from a backup, or delete it to have a new admin key generated (clients holding the old key are then refused)`,
      { file },
    );
  }
  return hash;
}
