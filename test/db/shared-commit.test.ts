import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { connect, type Database } from '../../src/db/connection.js';
import { ENGINE, openMigratedDatabase, type TestDatabase } from '../helpers.js';

// The sending lanes' commits (database.sharedCommit), on the engine of this run: SQLite shares
// one commit among the lanes that ask at once; PostgreSQL gives each its own transaction.
describe(`shared commits (${ENGINE})`, () => {
  let testDb: TestDatabase;
  let database: Database;
  let close: () => Promise<void>;
  const statements: string[] = [];
  before(async () => {
    // Every statement is "slow" at 0 ms: the log shows where the transactions begin.
    ({ testDb, database, close } = await openMigratedDatabase({ slowQueryMs: 0, onSlowQuery: (text) => statements.push(text.trim().toLowerCase()) }));
    await sql`CREATE TABLE shared_commit_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(database.db);
  });
  after(() => close());

  const insert = (id: number) => (trx: Database['db']) => sql`INSERT INTO shared_commit_probe (id, v) VALUES (${id}, ${`v${id}`})`.execute(trx).then(() => id);
  const stored = async () => (await sql<{ id: number }>`SELECT id FROM shared_commit_probe ORDER BY id`.execute(database.db)).rows.map((r) => Number(r.id));
  const begins = () => statements.filter((s) => s.startsWith('begin')).length;

  it('commits every work asked for at once, each answering its own value', async () => {
    const before = begins();
    const values = await Promise.all([1, 2, 3, 4, 5].map((id) => database.sharedCommit(insert(id))));
    assert.deepEqual(values, [1, 2, 3, 4, 5]);
    assert.deepEqual(await stored(), [1, 2, 3, 4, 5]);
    // One transaction (one fsync) for the five on SQLite; five on PostgreSQL.
    assert.equal(begins() - before, ENGINE === 'sqlite' ? 1 : 5);
  });

  it('undoes and rejects only the work that failed; the others commit', async () => {
    const failing = async (trx: Database['db']) => {
      await insert(7)(trx);
      await insert(7)(trx); // a duplicate key, whatever order the works run in
      return 0;
    };
    const results = await Promise.allSettled([database.sharedCommit(insert(6)), database.sharedCommit(failing), database.sharedCommit(insert(8))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    // Row 7 was written by the failed work before its error: undone with it.
    assert.deepEqual(await stored(), [1, 2, 3, 4, 5, 6, 8]);
  });

  it('answers a work only once what it wrote can be read by others', async () => {
    const value = await database.sharedCommit(insert(9));
    // A second connection (PostgreSQL) or the same file (SQLite): the row is committed.
    const other = connect({ databaseUrl: testDb.url, dataDir: testDb.dataDir });
    try {
      const row = await sql<{ v: string }>`SELECT v FROM shared_commit_probe WHERE id = ${value}`.execute(other.db);
      assert.equal(row.rows[0]?.v, 'v9');
    } finally {
      await other.close();
    }
  });
});
