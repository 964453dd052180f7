import { sql } from 'kysely';
import type { Database } from '../src/db/connection.js';

/**
 * Seeds `count` customers with valid, distinct Indonesian mobile numbers in ONE set-based
 * statement (generate_series on PostgreSQL, a recursive CTE on SQLite), never row by row:
 * customer i is "Pelanggan i", phone 0812 + i (8 digits), phone_normalized 62812 + i.
 * Then refreshes the planner's statistics (and, on PostgreSQL, the visibility map), as
 * autovacuum would have done on a real database of that size.
 */
export async function seedCustomers(database: Database, count: number): Promise<{ ms: number }> {
  const started = performance.now();
  const now = Date.now();
  if (database.engine === 'postgres') {
    await sql`
      INSERT INTO customers (name, phone, phone_normalized, status, attributes, created_at, updated_at)
      SELECT 'Pelanggan ' || g, '0812' || lpad(g::text, 8, '0'), '62812' || lpad(g::text, 8, '0'),
             'active', '{}'::jsonb, ${now}::bigint, ${now}::bigint
      FROM generate_series(1, ${count}::int) AS g`.execute(database.db);
    await sql`VACUUM ANALYZE customers`.execute(database.db);
  } else {
    await sql`
      WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})
      INSERT INTO customers (name, phone, phone_normalized, status, attributes, created_at, updated_at)
      SELECT 'Pelanggan ' || n, '0812' || substr('00000000' || n, -8, 8), '62812' || substr('00000000' || n, -8, 8),
             'active', '{}', ${now}, ${now}
      FROM seq`.execute(database.db);
    await sql`ANALYZE`.execute(database.db);
  }
  return { ms: performance.now() - started };
}

/** An admin row for blasts inserted without the API (the password hash is never checked). */
export async function insertAdmin(database: Database): Promise<number> {
  const row = await database.db
    .insertInto('admins')
    .values({ email: `bench-${Date.now()}@example.test`, name: 'bench', password_hash: 'x', created_at: Date.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A queued blast to every customer, as POST /whatsapp/blast {target_type:'all'} stores it. */
export async function insertQueuedAllBlast(database: Database, adminId: number, message = 'Halo {name}'): Promise<number> {
  const row = await database.db
    .insertInto('whatsapp_blasts')
    .values({ admin_id: adminId, title: 'bench', message_template: message, target_type: 'all', target_params: null, status: 'queued', created_at: Date.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
