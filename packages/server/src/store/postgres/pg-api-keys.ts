import type pg from 'pg';
import { CallhookError } from '../../errors.ts';
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from '../api-key-port.ts';
import type { Page } from '../delivery-port.ts';
import { decodePageCursor } from '../page-cursor.ts';
import { checkPageLimit, pageOf } from '../port-checks.ts';
import { query } from './pg-connection.ts';

// Scoped API keys on PostgreSQL (api-key-port.ts). A revoked key is deleted, so no node finds
// it from the moment the DELETE commits (nodes keep no cache of keys).

interface Row {
  id: string;
  name: string;
  scopes: string;
  hash: string;
  rate_limit_per_second: number | null;
  created_at: number;
}

const COLUMNS = 'id, name, scopes, hash, rate_limit_per_second, created_at';
const MAX_PAGE = 500;

const keyOf = (row: Row): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as ApiKeyScope[],
  hash: row.hash,
  rateLimitPerSecond: row.rate_limit_per_second,
  createdAt: row.created_at,
});

export class PgApiKeyStore implements ApiKeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async createKey(key: ApiKeyRecord): Promise<void> {
    try {
      await query(this.pool, `INSERT INTO api_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
        key.id,
        key.name,
        JSON.stringify(key.scopes),
        key.hash,
        key.rateLimitPerSecond,
        key.createdAt,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new CallhookError('conflict', `key ${key.id} (or its hash) exists already`, {
          keyId: key.id,
        });
      }
      throw error;
    }
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const rows = await query<Row>(this.pool, `SELECT ${COLUMNS} FROM api_keys WHERE hash = $1`, [
      hash,
    ]);
    return rows[0] ? keyOf(rows[0]) : undefined;
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const rows = await query<Row>(this.pool, `SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return rows[0] ? keyOf(rows[0]) : undefined;
  }

  async listKeys(q: { limit: number; cursor?: string }): Promise<Page<ApiKeyRecord>> {
    checkPageLimit(q.limit, MAX_PAGE);
    const before = decodePageCursor(q.cursor);
    const rows = await query<Row>(
      this.pool,
      `SELECT ${COLUMNS} FROM api_keys WHERE (created_at, id) < ($1, $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [before.createdAt, before.id, q.limit + 1],
    );
    return pageOf(rows, q.limit, keyOf);
  }

  async revokeKey(id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      this.pool,
      'DELETE FROM api_keys WHERE id = $1 RETURNING id',
      [id],
    );
    return rows.length > 0;
  }
}
