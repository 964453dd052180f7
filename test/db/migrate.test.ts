import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Migration as KyselyMigration } from 'kysely';
import { connect, type Database } from '../../src/db/connection.js';
import { MIGRATIONS, migrateToLatest } from '../../src/db/migrate.js';
import { listLogs } from '../../src/blasts/blasts.repository.js';
import { createTestDatabase, testEnv, type TestDatabase } from '../helpers.js';
import { spawnService } from '../process-helpers.js';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  it('apply exactly once when several processes start at the same moment', async () => {
    const env = testEnv(db);
    const procs = Array.from({ length: 4 }, () => spawnService(env, 'src/migrate.ts'));
    const codes = await Promise.all(procs.map((p) => p.exited));
    const outputs = procs.map((p) => p.lines.join('\n'));
    assert.deepEqual(codes, [0, 0, 0, 0], outputs.join('\n---\n'));
    assert.equal(outputs.filter((o) => o === `applied: ${Object.keys(MIGRATIONS).join(', ')}`).length, 1, outputs.join(' | '));
    assert.equal(outputs.filter((o) => o === 'database is up to date').length, 3, outputs.join(' | '));

    const database = connect({ databaseUrl: db.url, dataDir: db.dataDir });
    try {
      const tables = (await database.db.introspection.getTables()).map((t) => t.name);
      for (const name of ['admins', 'admin_tokens', 'customers', 'senders', 'blast_senders', 'whatsapp_blasts', 'whatsapp_blast_logs']) {
        assert.ok(tables.includes(name), `table ${name} exists`);
      }
    } finally {
      await database.close();
    }
  });

  it('gives blasts expanded before 0010 the id range of their recipient rows', async () => {
    const old = await createTestDatabase();
    const database = connect({ databaseUrl: old.url, dataDir: old.dataDir });
    try {
      await migrateUpTo(database, '0009_expansion_without_log_fk');
      const { db } = database;
      const admin = await db.insertInto('admins').values({ email: 'a@example.com', name: 'a', password_hash: 'x', created_at: 1 }).returning('id').executeTakeFirstOrThrow();
      const blast = (title: string) =>
        db
          .insertInto('whatsapp_blasts')
          .values({ admin_id: admin.id, title, message_template: 'Hi', target_type: 'all', target_params: null, status: 'completed', created_at: 1, expanded_at: 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
      const [a, b, empty] = [await blast('a'), await blast('b'), await blast('empty')];
      // Two blasts expanded at the same time: their rows interleave.
      const order = [a.id, b.id, a.id, a.id, b.id];
      await db
        .insertInto('whatsapp_blast_logs')
        .values(order.map((blastId, i) => ({ blast_id: blastId, customer_id: i + 1, phone_number: '62811', status: 'sent', updated_at: 1 })))
        .execute();
      const ids = (await db.selectFrom('whatsapp_blast_logs').select(['id', 'blast_id']).orderBy('id').execute()).map((r) => ({ id: Number(r.id), blast: Number(r.blast_id) }));

      await migrateToLatest(database);

      const ranges = await db.selectFrom('whatsapp_blasts').select(['id', 'first_log_id', 'last_log_id']).orderBy('id').execute();
      const rangeOf = (blastId: number) => ids.filter((r) => r.blast === Number(blastId)).map((r) => r.id);
      assert.deepEqual(
        ranges.map((r) => [Number(r.id), r.first_log_id === null ? null : Number(r.first_log_id), r.last_log_id === null ? null : Number(r.last_log_id)]),
        [
          [Number(a.id), Math.min(...rangeOf(a.id)), Math.max(...rangeOf(a.id))],
          [Number(b.id), Math.min(...rangeOf(b.id)), Math.max(...rangeOf(b.id))],
          [Number(empty.id), null, null],
        ],
      );
      // Listing the later blast reads a range holding the other's rows too: only its own come back.
      const [, bRange] = ranges;
      const listed = await listLogs(db, database.engine, { id: Number(b.id), first_log_id: Number(bRange!.first_log_id), last_log_id: Number(bRange!.last_log_id), target_count: 2 }, {}, { offset: 0, limit: 10 });
      assert.deepEqual({ ids: listed.rows.map((r) => Number(r.id)), total: listed.total }, { ids: rangeOf(b.id), total: 2 });
      const searched = await listLogs(db, database.engine, { id: Number(b.id), first_log_id: Number(bRange!.first_log_id), last_log_id: Number(bRange!.last_log_id), target_count: 2 }, { search: '62811' }, { offset: 0, limit: 10 });
      assert.deepEqual({ ids: searched.rows.map((r) => Number(r.id)), total: searched.total }, { ids: rangeOf(b.id), total: 2 });

      const indexes = (
        database.engine === 'postgres'
          ? await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'whatsapp_blast_logs'`.execute(db)
          : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'whatsapp_blast_logs'`.execute(db)
      ).rows.map((r) => r.name);
      assert.ok(!indexes.includes('whatsapp_blast_logs_blast_id'), indexes.join(', '));
      assert.ok(indexes.includes('whatsapp_blast_logs_blast_status'), indexes.join(', '));
    } finally {
      await database.close();
      await old.drop();
    }
  });
});

/** Applies the migrations in order up to and including `last`, as a database of that version had. */
async function migrateUpTo(database: Database, last: string): Promise<void> {
  const migrations: Record<string, KyselyMigration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => migration.up(db, database.engine) };
  }
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(last);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
