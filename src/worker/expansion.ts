import type { Kysely } from 'kysely';
import type { Database } from '../db/connection.js';
import type { DB } from '../db/schema.js';
import { insertRecipients, lockNextUnexpandedBlast, markExpanded } from '../blasts/recipients.repository.js';
import { completeIfDone } from './queue.repository.js';

/** A read first, so idle workers don't take SQLite's write lock every poll. */
export async function hasUnexpandedBlast(db: Kysely<DB>): Promise<boolean> {
  const row = await db
    .selectFrom('whatsapp_blasts')
    .select('id')
    .where('status', 'in', ['scheduled', 'queued'])
    .where('expanded_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Resolves the recipients of the oldest unresolved blast in one transaction: the rows, the
 * counters and `expanded_at` appear together or not at all (a crash midway leaves the blast
 * unresolved, and another worker starts it again from scratch).
 */
export async function expandNextBlast(database: Database, now: number) {
  return database.db.transaction().execute(async (trx) => {
    const blast = await lockNextUnexpandedBlast(trx, database.engine);
    if (!blast) return undefined;
    const inserted = await insertRecipients(trx, database.engine, blast, now);
    const counts = await markExpanded(trx, blast.id, inserted, now);
    if (counts.pending === 0) await completeIfDone(trx, blast.id, now);
    return { blastId: blast.id, ...counts };
  });
}
