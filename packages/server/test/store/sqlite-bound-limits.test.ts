import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LIMIT } from '../../src/store/sqlite/sql-limit.ts';

// The SQLite adapter's statements bind their LIMIT through an expression (sql-limit.ts): a
// bare `LIMIT @limit` is read by SQLite's planner, and the statement is planned again every
// time better-sqlite3 binds it, which is at every run.

const dir = join(import.meta.dirname, '../../src/store/sqlite');

test('no statement of the SQLite adapter binds a bare LIMIT parameter', () => {
  const bare: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'sql-limit.ts')) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (/\bLIMIT\s+[@:$?]/i.test(line)) bare.push(`${file}:${i + 1}: ${line.trim()}`);
    }
  }
  assert.deepEqual(bare, []);
});

test('the bound LIMIT limits as a bare one would, and keeps the plan', () => {
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER); CREATE INDEX t_ab ON t (a, b)',
  );
  const insert = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');
  for (let i = 0; i < 50; i++) insert.run(i % 2 === 0 ? 'x' : 'y', i);
  const q = (limit: string) => `SELECT id FROM t WHERE a = @a AND b <= @now ORDER BY b ${limit}`;
  for (const limit of [0, 1, 7, 100]) {
    const params = { a: 'x', now: 40, limit };
    assert.deepEqual(
      db.prepare(q(LIMIT)).all(params),
      db.prepare(q('LIMIT @limit')).all(params),
      `limit ${limit}`,
    );
  }
  const plan = (limit: string) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${q(limit)}`)
      .all({ a: 'x', now: 40, limit: 5 })
      .map((r) => (r as { detail: string }).detail);
  assert.deepEqual(plan(LIMIT), plan('LIMIT @limit'));
  db.close();
});
