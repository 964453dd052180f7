import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from '../../src/db/sqlite-statement-cache.js';

// The cache sits under Kysely on the embedded engine only; every other test runs through it too.
describe('SQLite statement cache', () => {
  let dir: string;
  let sqlite: BetterSqlite3.Database;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stmt-cache-'));
    sqlite = new BetterSqlite3(path.join(dir, 'db.sqlite'));
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  });
  after(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands out the compiled statement again for the same SQL, with new parameters each time', async () => {
    const cached = withStatementCache(sqlite);
    assert.equal(cached.prepare('SELECT 1'), cached.prepare('SELECT 1'));
    const db = new Kysely<{ t: { id: number; v: string } }>({ dialect: new SqliteDialect({ database: cached }) });
    for (let i = 1; i <= 3; i += 1) await db.insertInto('t').values({ id: i, v: `v${i}` }).execute();
    const rows = await Promise.all([1, 2, 3].map((id) => db.selectFrom('t').select('v').where('id', '=', id).executeTakeFirst()));
    assert.deepEqual(rows.map((r) => r?.v), ['v1', 'v2', 'v3']);
  });

  it('compiles again what it evicted, least recently used first', () => {
    const cached = withStatementCache(sqlite, 2);
    const a = cached.prepare('SELECT 1');
    const b = cached.prepare('SELECT 2');
    assert.equal(cached.prepare('SELECT 1'), a); // now the most recent
    cached.prepare('SELECT 3'); // evicts SELECT 2
    assert.equal(cached.prepare('SELECT 1'), a);
    assert.notEqual(cached.prepare('SELECT 2'), b);
  });

  it('never hands out a statement that is being iterated', async () => {
    const cached = withStatementCache(sqlite);
    const text = 'SELECT id FROM t ORDER BY id';
    const outer = cached.prepare(text);
    const seen: unknown[] = [];
    for (const row of outer.iterate([])) {
      const inner = cached.prepare(text);
      assert.notEqual(inner, outer);
      seen.push([row, inner.all([]).length]);
    }
    assert.deepEqual(seen, [[{ id: 1 }, 3], [{ id: 2 }, 3], [{ id: 3 }, 3]]);
    assert.equal(await sql`SELECT 1 AS one`.execute(new Kysely({ dialect: new SqliteDialect({ database: cached }) })).then((r) => r.rows.length), 1);
  });
});
