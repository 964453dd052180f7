import type { Kysely } from 'kysely';

/** Pause, resume, cancel and retry: cancelled recipients are counted like the other outcomes. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('whatsapp_blasts').addColumn('cancelled_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
