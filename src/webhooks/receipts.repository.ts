import type { Kysely } from 'kysely';
import type { DB, LogStatus } from '../db/schema.js';
import { recordEvents } from '../events/outbox.repository.js';

/** Where a receipt may move a recipient: forward only, never back (`read` never becomes `delivered`). */
const FORWARD: Record<'delivered' | 'read' | 'failed', LogStatus[]> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
  // A provider that accepted a message can still fail to deliver it; after delivery it can't.
  failed: ['sent'],
};

export type ReceiptResult = 'applied' | 'unchanged' | 'not_recorded_yet';

/**
 * Applies one delivery receipt to its recipient and the blast's counters, in the caller's
 * transaction. A repeated or out-of-order receipt changes nothing; one about a message whose
 * send is not recorded yet says so (the caller keeps it for later).
 */
export async function applyReceipt(
  db: Kysely<DB>,
  receipt: { providerMessageId: string; status: 'sent' | 'delivered' | 'read' | 'failed'; error?: string; at: number },
  now: number,
): Promise<ReceiptResult> {
  const row = await db
    .selectFrom('whatsapp_blast_logs')
    .select(['id', 'blast_id', 'status', 'customer_id', 'phone_number'])
    .where('provider_message_id', '=', receipt.providerMessageId)
    .executeTakeFirst();
  if (!row) return 'not_recorded_yet';
  if (receipt.status === 'sent' || !FORWARD[receipt.status].includes(row.status)) return 'unchanged';

  const changes =
    receipt.status === 'delivered'
      ? { status: 'delivered' as const, delivered_at: receipt.at }
      : receipt.status === 'read'
        ? { status: 'read' as const, read_at: receipt.at, delivered_at: row.status === 'sent' ? receipt.at : undefined }
        : { status: 'failed' as const, error_message: receipt.error ?? 'the provider could not deliver the message' };
  const updated = await db
    .updateTable('whatsapp_blast_logs')
    .set({ ...changes, updated_at: now })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return 'unchanged';

  const nowDelivered = receipt.status !== 'failed' && row.status === 'sent' ? 1 : 0;
  const nowRead = receipt.status === 'read' ? 1 : 0;
  const nowFailed = receipt.status === 'failed' ? 1 : 0;
  await db
    .updateTable('whatsapp_blasts')
    .set((eb) => ({
      delivered_count: eb('delivered_count', '+', nowDelivered),
      read_count: eb('read_count', '+', nowRead),
      sent_count: eb('sent_count', '-', nowFailed),
      failed_count: eb('failed_count', '+', nowFailed),
    }))
    .where('id', '=', row.blast_id)
    .execute();
  const blastId = Number(row.blast_id);
  const at = new Date(receipt.at).toISOString();
  await recordEvents(
    db,
    [
      {
        type: `message.${receipt.status}`,
        blastId,
        data: {
          blast_id: blastId,
          customer_id: Number(row.customer_id),
          phone_number: row.phone_number,
          provider_message_id: receipt.providerMessageId,
          ...(receipt.status === 'failed' ? { reason: changes.error_message } : { [`${receipt.status}_at`]: at }),
        },
      },
    ],
    now,
  );
  return 'applied';
}

export async function keepForLater(
  db: Kysely<DB>,
  receipt: { providerMessageId: string; status: string; error?: string; at: number },
  now: number,
): Promise<void> {
  await db
    .insertInto('whatsapp_receipt_backlog')
    .values({ provider_message_id: receipt.providerMessageId, status: receipt.status, error: receipt.error ?? null, event_at: receipt.at, received_at: now })
    .execute();
}

/** Receipts kept for later, oldest first; a few at a time. */
export async function backlog(db: Kysely<DB>, limit: number) {
  return db.selectFrom('whatsapp_receipt_backlog').selectAll().orderBy('event_at').orderBy('id').limit(limit).execute();
}

export async function dropFromBacklog(db: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('whatsapp_receipt_backlog').where('id', 'in', ids).execute();
}

/** Marks every customer with this number opted out (keeping the first opt-out's time and source). */
export async function optOut(db: Kysely<DB>, number: string, source: string, now: number): Promise<number> {
  const rows = await db
    .updateTable('customers')
    .set({ opted_out_at: now, opted_out_source: source, updated_at: now })
    .where('phone_normalized', '=', number)
    .where('opted_out_at', 'is', null)
    .returning(['id'])
    .execute();
  const at = new Date(now).toISOString();
  await recordEvents(
    db,
    rows.map((r) => ({ type: 'customer.opted_out', data: { customer_id: Number(r.id), phone_number: number, source, opted_out_at: at } })),
    now,
  );
  return rows.length;
}
