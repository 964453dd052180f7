import { sql, type Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { BlastStatus, DB } from '../db/schema.js';

/** Locks the blast row for a state change (SQLite: the transaction's write lock already does). */
export async function lockBlast(db: Kysely<DB>, engine: Engine, id: number) {
  let query = db.selectFrom('whatsapp_blasts').select(['id', 'status', 'started_at', 'expanded_at', 'send_at']).where('id', '=', id);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function setBlastStatus(
  db: Kysely<DB>,
  id: number,
  changes: { status: BlastStatus; reason?: string | null; completedAt?: number | null },
): Promise<void> {
  await db
    .updateTable('whatsapp_blasts')
    .set({
      status: changes.status,
      ...(changes.reason !== undefined ? { status_reason: changes.reason } : {}),
      ...(changes.completedAt !== undefined ? { completed_at: changes.completedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Pending recipients become `cancelled`, counted; those in flight finish on their own. */
export async function cancelPendingRecipients(db: Kysely<DB>, blastId: number, now: number): Promise<number> {
  const result = await db
    .updateTable('whatsapp_blast_logs')
    .set({ status: 'cancelled', error_message: 'the blast was cancelled', updated_at: now })
    .where('blast_id', '=', blastId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const cancelled = Number(result.numUpdatedRows);
  await db
    .updateTable('whatsapp_blasts')
    .set((eb) => ({ cancelled_count: eb('cancelled_count', '+', cancelled), pending_count: eb('pending_count', '-', cancelled) }))
    .where('id', '=', blastId)
    .execute();
  return cancelled;
}

/** Failed recipients (optionally only those whose error contains `errorText`) go back to the queue. */
export async function requeueFailedRecipients(db: Kysely<DB>, blastId: number, errorText: string | undefined, now: number): Promise<number> {
  let query = db
    .updateTable('whatsapp_blast_logs')
    .set({ status: 'pending', attempts: 0, next_attempt_at: 0, claim_owner: null, updated_at: now })
    .where('blast_id', '=', blastId)
    .where('status', '=', 'failed');
  if (errorText !== undefined) {
    const pattern = `%${errorText.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`error_message LIKE ${pattern} ESCAPE '\\'`);
  }
  const requeued = Number((await query.executeTakeFirst()).numUpdatedRows);
  await db
    .updateTable('whatsapp_blasts')
    .set((eb) => ({ failed_count: eb('failed_count', '-', requeued), pending_count: eb('pending_count', '+', requeued) }))
    .where('id', '=', blastId)
    .execute();
  return requeued;
}

export async function countInFlight(db: Kysely<DB>, blastId: number): Promise<number> {
  const row = await db
    .selectFrom('whatsapp_blast_logs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('blast_id', '=', blastId)
    .where('status', '=', 'sending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
