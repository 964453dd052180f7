import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Every sending number with its pacing and pause state (credentials are never read here). */
export async function listSenders(db: Kysely<DB>) {
  return db
    .selectFrom('senders')
    .select(['id', 'key', 'provider', 'next_send_at', 'lease_owner', 'lease_expires_at', 'paused_reason', 'paused_at', 'created_at'])
    .orderBy('key')
    .execute();
}

export type SenderRow = Awaited<ReturnType<typeof listSenders>>[number];
