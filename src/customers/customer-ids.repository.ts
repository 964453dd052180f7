import { sql, type Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { DB } from '../db/schema.js';

/**
 * Customer ids come from two places: the integrator (their own customer id, `id` in a create or
 * an import) and the database (a customer created without one). The database's ids must never
 * land on an integrator's id.
 *
 * SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT` already gives max(every id ever stored) + 1, given
 * ids included (sqlite_sequence follows an explicit id), and writers are serialised by the file's
 * write lock. Nothing to do.
 *
 * PostgreSQL: the identity's sequence knows nothing of ids inserted explicitly, so a write with
 * given ids first moves the sequence past the largest of them (keepAutoIdsAbove). Sequences are
 * not transactional, so two rules make that safe under concurrency:
 * - the move takes an exclusive advisory lock and only ever moves the sequence forward (two
 *   moves at once could otherwise set it back);
 * - every transaction that draws ids from the sequence holds the same lock shared, from before
 *   its INSERT until its commit (holdAutoIds). The move therefore waits until every id drawn
 *   before it is committed (a given id equal to one of them is then simply that customer: an
 *   update), and every id drawn after it is above the given ones.
 * The move runs in its own short transaction, before the write it serves: the lock is held for
 * one statement, not for a whole batch, so syncs and creates without ids keep running side by side.
 */

/** pg_advisory_xact_lock key of customer id allocation ('cids' in ASCII). */
const AUTO_ID_LOCK = 0x63696473;

/** Call in a transaction, before inserting customers without an id (see the module comment). */
export async function holdAutoIds(trx: Kysely<DB>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`SELECT pg_advisory_xact_lock_shared(${AUTO_ID_LOCK})`.execute(trx);
}

/**
 * Makes every id the database gives from now on larger than `maxGivenId`. Call outside any
 * transaction (it opens its own), before the write that stores the given ids.
 */
export async function keepAutoIdsAbove(db: Kysely<DB>, engine: Engine, maxGivenId: number): Promise<void> {
  if (engine !== 'postgres') return;
  // The sequence only moves forward, so once it is past `maxGivenId` it stays there: the common
  // case (a re-sync of known customers) costs one read and takes no lock.
  if ((await lastAutoId(db)) >= maxGivenId) return;
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${AUTO_ID_LOCK})`.execute(trx);
    await sql`
      SELECT setval(s.seq, ${maxGivenId}::bigint)
      FROM (SELECT pg_get_serial_sequence('customers', 'id')::regclass AS seq) AS s
      WHERE COALESCE(pg_sequence_last_value(s.seq), 0) < ${maxGivenId}::bigint`.execute(trx);
  });
}

/** The last id the sequence gave (0 when it never gave one). */
async function lastAutoId(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ last: number | string }>`
    SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('customers', 'id')::regclass), 0) AS last`.execute(db);
  return Number(rows[0]?.last ?? 0);
}
