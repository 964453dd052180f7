import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Scrape-time reads for /metrics. Both read whatsapp_blasts only (a few rows per blast, never
 * the per-recipient table), so a scrape stays cheap however many messages are queued.
 */

/** Recipients still to send: the blasts' own pending counters, over blasts not yet final. */
export async function pendingRecipients(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('whatsapp_blasts')
    .select(sql<number | string | null>`COALESCE(SUM(pending_count), 0)`.as('pending'))
    .where('status', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return Number(row?.pending ?? 0);
}

/** How many blasts are in each state. */
export async function blastsByState(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('whatsapp_blasts')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [String(r.status), Number(r.count)]));
}
