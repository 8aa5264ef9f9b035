import type Database from 'better-sqlite3';
import { CallhookError } from '../../errors.ts';
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from '../api-key-port.ts';
import type { Page } from '../delivery-port.ts';
import { decodePageCursor } from '../page-cursor.ts';
import { checkPageLimit, pageOf } from '../port-checks.ts';
import * as sql from './api-keys-sql.ts';

interface ApiKeyRow {
  id: string;
  name: string;
  scopes_json: string;
  key_hash: string;
  rate_limit_per_second: number | null;
  created_at: number;
}

export const MAX_API_KEY_PAGE = 500;

function apiKeyOf(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes_json) as ApiKeyScope[],
    hash: row.key_hash,
    rateLimitPerSecond: row.rate_limit_per_second,
    createdAt: row.created_at,
  };
}

/** API keys in the embedded store's file, on its connection (`Store.keys`). */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly st: {
    insert: Database.Statement;
    byHash: Database.Statement<{ hash: string }, ApiKeyRow>;
    byId: Database.Statement<{ id: string }, ApiKeyRow>;
    page: Database.Statement<
      { beforeCreatedAt: number; beforeId: string; limit: number },
      ApiKeyRow
    >;
    remove: Database.Statement<{ id: string }>;
  };

  constructor(db: Database.Database) {
    this.st = {
      insert: db.prepare(sql.INSERT_API_KEY),
      byHash: db.prepare(sql.SELECT_API_KEY_BY_HASH),
      byId: db.prepare(sql.SELECT_API_KEY),
      page: db.prepare(sql.SELECT_API_KEY_PAGE),
      remove: db.prepare(sql.DELETE_API_KEY),
    };
  }

  async createKey(key: ApiKeyRecord): Promise<void> {
    try {
      this.st.insert.run({
        id: key.id,
        name: key.name,
        scopesJson: JSON.stringify(key.scopes),
        hash: key.hash,
        rateLimitPerSecond: key.rateLimitPerSecond,
        createdAt: key.createdAt,
      });
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new CallhookError('conflict', `an API key with this id or key exists: ${key.id}`, {
          id: key.id,
        });
      }
      throw error;
    }
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.st.byHash.get({ hash });
    return row ? apiKeyOf(row) : undefined;
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.st.byId.get({ id });
    return row ? apiKeyOf(row) : undefined;
  }

  async listKeys(query: { limit: number; cursor?: string }): Promise<Page<ApiKeyRecord>> {
    checkPageLimit(query.limit, MAX_API_KEY_PAGE);
    const before = decodePageCursor(query.cursor);
    const rows = this.st.page.all({
      beforeCreatedAt: before.createdAt,
      beforeId: before.id,
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, apiKeyOf);
  }

  async revokeKey(id: string): Promise<boolean> {
    return this.st.remove.run({ id }).changes > 0;
  }
}
