import { LIMIT } from './sql-limit.ts';
// The statements of the api_keys table (migration 7).

export const INSERT_API_KEY = `
  INSERT INTO api_keys (id, name, scopes_json, key_hash, rate_limit_per_second, created_at)
  VALUES (@id, @name, @scopesJson, @hash, @rateLimitPerSecond, @createdAt)`;

const COLUMNS = 'id, name, scopes_json, key_hash, rate_limit_per_second, created_at';

export const SELECT_API_KEY_BY_HASH = `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = @hash`;

export const SELECT_API_KEY = `SELECT ${COLUMNS} FROM api_keys WHERE id = @id`;

/** Keyset page, newest first, below the cursor's (created_at, id). */
export const SELECT_API_KEY_PAGE = `
  SELECT ${COLUMNS} FROM api_keys
  WHERE (created_at, id) < (@beforeCreatedAt, @beforeId)
  ORDER BY created_at DESC, id DESC
  ${LIMIT}`;

export const DELETE_API_KEY = 'DELETE FROM api_keys WHERE id = @id';
