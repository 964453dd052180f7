import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/connection.js';
import { engineOf, fixedStatement } from '../../src/db/fixed-statement.js';
import type { DB } from '../../src/db/schema.js';
import { ENGINE, openMigratedDatabase } from '../helpers.js';

// The send path's statements run through this on the engine under test (merged-commit.ts, the
// counters); these check its own contract: each run's values, one build per dialect and shape.
describe(`fixed statements (${ENGINE})`, () => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let database: Database;
  let db: Kysely<DB>;
  before(async () => {
    opened = await openMigratedDatabase();
    database = opened.database;
    db = database.db;
    await sql`CREATE TABLE fixed_t (id bigint PRIMARY KEY, v text NOT NULL, n bigint NOT NULL)`.execute(db);
  });
  after(async () => {
    await opened.close();
  });

  it("sends each run's own values in the text built once, with the values fixed in the build", async () => {
    let builds = 0;
    const insert = fixedStatement<{ id: number; v: string; n: number }, [number, string]>(2, ([id, v]) => {
      builds += 1;
      // `n` is fixed in the build: the same for every run.
      return sql`INSERT INTO fixed_t (id, v, n) VALUES (${id}, ${v}, ${7}) RETURNING id, v, n`;
    });
    const rows = [];
    for (const [id, v] of [[1, 'one'], [2, 'two']] as const) rows.push(...(await insert(db, [id, v])));
    // A transaction of the same database uses the same text: the send path runs in transactions.
    rows.push(...(await db.transaction().execute((trx) => insert(trx, [3, "it's"]))));
    assert.equal(builds, 1);
    assert.deepEqual(
      rows.map((r) => [Number(r.id), r.v, Number(r.n)]),
      [[1, 'one', 7], [2, 'two', 7], [3, "it's", 7]],
    );
    const stored = await sql<{ id: number; v: string }>`SELECT id, v FROM fixed_t ORDER BY id`.execute(db);
    assert.deepEqual(stored.rows.map((r) => [Number(r.id), r.v]), [[1, 'one'], [2, 'two'], [3, "it's"]]);
  });

  it('uses a slot as often as the text names it, and builds once per shape', async () => {
    const built: number[] = [];
    const firstOf = fixedStatement<{ id: number; v: string }, [number], number>(1, ([from], limit) => {
      built.push(limit);
      return sql`SELECT id, v FROM fixed_t WHERE id >= ${from} AND id < ${from} + 10 ORDER BY id LIMIT ${sql.lit(limit)}`;
    });
    assert.deepEqual((await firstOf(db, [1], 2)).map((r) => r.v), ['one', 'two']);
    assert.deepEqual((await firstOf(db, [2], 2)).map((r) => r.v), ['two', "it's"]);
    assert.deepEqual((await firstOf(db, [1], 1)).map((r) => r.v), ['one']);
    assert.deepEqual((await firstOf(db, [3], 1)).map((r) => r.v), ["it's"]);
    assert.deepEqual(built, [2, 1]);
  });

  it("runs on the caller's transaction: a rollback undoes it", async () => {
    const rename = fixedStatement<never, [string, number]>(2, ([v, id]) => sql`UPDATE fixed_t SET v = ${v} WHERE id = ${id}`);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await rename(trx, ['renamed', 1]);
        const inside = await sql<{ v: string }>`SELECT v FROM fixed_t WHERE id = 1`.execute(trx);
        assert.equal(inside.rows[0]?.v, 'renamed');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    const row = await sql<{ v: string }>`SELECT v FROM fixed_t WHERE id = 1`.execute(db);
    assert.equal(row.rows[0]?.v, 'one');
  });

  it('tells the engine under a database and under its transactions', async () => {
    assert.equal(engineOf(db), ENGINE);
    assert.equal(await db.transaction().execute(async (trx) => engineOf(trx)), ENGINE);
  });
});
