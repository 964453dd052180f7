import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connection.js';

/**
 * Each blast remembers the first and last id of its recipient rows (set when it is expanded),
 * and the index `whatsapp_blast_logs (blast_id, id)` goes: a blast's rows in order are now a
 * primary-key range, `id BETWEEN first_log_id AND last_log_id AND blast_id = ?` (the range may
 * hold another blast's rows when two expansions ran at once; the blast_id test drops them).
 * Filtered by status, they still come from `(blast_id, status, id)`.
 *
 * Why: every index on the table is written for each of the million rows an expansion inserts.
 * On PostgreSQL the INSERT took 9.6 s with both secondary indexes and 6.3 s without this one
 * (docs/benchmarks.md, "Expansion on PostgreSQL"). SQLite drops it too: one schema, and there
 * the primary key is the rowid, so the range is the table itself.
 *
 * Blasts expanded before this migration get their range from their existing rows.
 */
export async function up(db: Kysely<any>, _engine: Engine): Promise<void> {
  await db.schema.alterTable('whatsapp_blasts').addColumn('first_log_id', 'bigint').execute();
  await db.schema.alterTable('whatsapp_blasts').addColumn('last_log_id', 'bigint').execute();
  await sql`
    UPDATE whatsapp_blasts
    SET first_log_id = r.first_id, last_log_id = r.last_id
    FROM (SELECT blast_id, min(id) AS first_id, max(id) AS last_id FROM whatsapp_blast_logs GROUP BY blast_id) AS r
    WHERE whatsapp_blasts.id = r.blast_id`.execute(db);
  await db.schema.dropIndex('whatsapp_blast_logs_blast_id').ifExists().execute();
}
