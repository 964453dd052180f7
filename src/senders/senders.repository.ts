import type { ExpressionBuilder, Insertable, Kysely, Updateable } from 'kysely';
import type { DB, SendersTable } from '../db/schema.js';

export type NewSenderRow = Insertable<SendersTable>;
export type SenderChanges = Updateable<SendersTable>;

/** Every sending number with its pacing and pause state (credentials are never read here). */
export async function listSenders(db: Kysely<DB>) {
  return db
    .selectFrom('senders')
    .select(['id', 'key', 'name', 'display_number', 'provider', 'next_send_at', 'lease_owner', 'lease_expires_at', 'paused_reason', 'paused_at', 'created_at'])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
}

export type SenderRow = Awaited<ReturnType<typeof listSenders>>[number];

/**
 * What the API shows of a sender: every column but the credentials, of which only their
 * presence leaves this file.
 */
const VIEW_COLUMNS = [
  'id',
  'key',
  'provider',
  'source',
  'name',
  'display_number',
  'pause_min_ms',
  'pause_max_ms',
  'max_in_flight',
  'max_per_second',
  'slowdown',
  'slowdown_at',
  'daily_cap',
  'warmup_start_cap',
  'warmup_days',
  'warmup_started_at',
  'sent_day',
  'sent_today',
  'resting_until',
  'paused_reason',
  'paused_by',
  'paused_at',
  'next_send_at',
  'created_at',
  'updated_at',
] as const;

const viewColumns = (eb: ExpressionBuilder<DB, 'senders'>) => [...VIEW_COLUMNS, eb('credentials', 'is not', null).as('has_credentials')];

export type SenderViewRow = Awaited<ReturnType<typeof findSender>> & {};

export async function listSenderViews(db: Kysely<DB>) {
  return db.selectFrom('senders').select(viewColumns).where('deleted_at', 'is', null).orderBy('id').execute();
}

/** The sender, unless it does not exist or is deleted. */
export async function findSender(db: Kysely<DB>, id: number) {
  return db.selectFrom('senders').select(viewColumns).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function insertSender(db: Kysely<DB>, row: NewSenderRow): Promise<number> {
  const { id } = await db.insertInto('senders').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(id);
}

/** Changes a sender that is not deleted; undefined when there is none. */
export async function updateSender(db: Kysely<DB>, id: number, changes: SenderChanges) {
  return db.updateTable('senders').set(changes).where('id', '=', id).where('deleted_at', 'is', null).returning(viewColumns).executeTakeFirst();
}

/**
 * Marks a sender deleted (its row stays: past recipients still name it) and drops its
 * credentials, which nothing will read again. False when there was no such sender.
 */
export async function softDeleteSender(db: Kysely<DB>, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('senders')
    .set({ deleted_at: now, updated_at: now, credentials: null })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Which of `ids` name senders that exist and are not deleted (paused ones included). */
export async function activeSenderIdsExist(db: Kysely<DB>, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db
    .selectFrom('senders')
    .select('id')
    .where('id', 'in', unique)
    .where('deleted_at', 'is', null)
    .execute();
  const found = new Set(rows.map((r) => Number(r.id)));
  return unique.filter((id) => found.has(id));
}

/** Every sender that is not deleted, with what building its gateway needs (blast checks, webhooks). */
export async function sendersWithCredentials(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('senders')
    .select(['id', 'key', 'name', 'display_number', 'source', 'provider', 'credentials'])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
