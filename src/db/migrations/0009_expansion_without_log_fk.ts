import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connection.js';

/**
 * PostgreSQL: drop the foreign key whatsapp_blast_logs.blast_id → whatsapp_blasts.id. It is
 * checked by a trigger row by row, so a million-recipient expansion paid a million lookups
 * with a row lock each: 5.7 s of the 13 s INSERT (EXPLAIN ANALYZE, docs/benchmarks.md).
 *
 * What it guarded is kept by the code: the only INSERT into whatsapp_blast_logs is the
 * expansion (blasts/recipients.repository.ts), which writes the id of the blast row it holds
 * locked in the same transaction, and no code path deletes a blast.
 *
 * SQLite keeps its key: there the check costs ~0.1 s per million rows, and dropping it would
 * mean rebuilding the whole table.
 */
export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`ALTER TABLE whatsapp_blast_logs DROP CONSTRAINT IF EXISTS whatsapp_blast_logs_blast_id_fkey`.execute(db);
}
