import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Claims a key for this request in the caller's transaction. A concurrent request with the same
 * key waits on the primary key until the first commits, then finds its row: so two identical
 * submits at once create one blast.
 */
export async function claimKey(db: Kysely<DB>, key: { adminId: number; key: string; requestHash: string; now: number }) {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ admin_id: key.adminId, key: key.key, request_hash: key.requestHash, blast_id: null, created_at: key.now })
    .onConflict((oc) => oc.columns(['admin_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { claimed: true as const };
  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'blast_id', 'created_at'])
    .where('admin_id', '=', key.adminId)
    .where('key', '=', key.key)
    .executeTakeFirstOrThrow();
  return { claimed: false as const, existing: { ...existing, blast_id: existing.blast_id === null ? null : Number(existing.blast_id), created_at: Number(existing.created_at) } };
}

export async function replaceKey(db: Kysely<DB>, key: { adminId: number; key: string; requestHash: string; now: number }) {
  await db
    .updateTable('idempotency_keys')
    .set({ request_hash: key.requestHash, blast_id: null, created_at: key.now })
    .where('admin_id', '=', key.adminId)
    .where('key', '=', key.key)
    .execute();
}

export async function recordBlast(db: Kysely<DB>, adminId: number, key: string, blastId: number) {
  await db.updateTable('idempotency_keys').set({ blast_id: blastId }).where('admin_id', '=', adminId).where('key', '=', key).execute();
}
