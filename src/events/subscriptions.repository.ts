import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB, DeliveryStatus, WebhookSubscriptionsTable } from '../db/schema.js';

/** The columns the API shows: never the secret. */
const VIEW = ['id', 'url', 'events', 'active', 'description', 'consecutive_failures', 'next_attempt_at', 'created_at', 'updated_at'] as const;
export type SubscriptionRow = Pick<Selectable<WebhookSubscriptionsTable>, (typeof VIEW)[number]>;

export async function listSubscriptions(db: Kysely<DB>): Promise<SubscriptionRow[]> {
  return db.selectFrom('webhook_subscriptions').select(VIEW).orderBy('id').execute();
}

export async function findSubscription(db: Kysely<DB>, id: number): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').select(VIEW).where('id', '=', id).executeTakeFirst();
}

export async function insertSubscription(db: Kysely<DB>, row: Insertable<WebhookSubscriptionsTable>): Promise<number> {
  const inserted = await db.insertInto('webhook_subscriptions').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function updateSubscription(db: Kysely<DB>, id: number, changes: Updateable<WebhookSubscriptionsTable>): Promise<boolean> {
  const result = await db.updateTable('webhook_subscriptions').set(changes).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes the subscription and, by cascade, its deliveries. */
export async function deleteSubscription(db: Kysely<DB>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

const DELIVERY_COLUMNS = ['id', 'event_id', 'type', 'blast_id', 'status', 'attempts', 'last_error', 'created_at', 'last_attempt_at', 'delivered_at', 'payload'] as const;

/** A page of a subscription's deliveries, newest first (index `webhook_deliveries_history`). */
export async function pageOfDeliveries(db: Kysely<DB>, subscriptionId: number, query: { status?: DeliveryStatus; page: number; perPage: number }) {
  let rows = db.selectFrom('webhook_deliveries').where('subscription_id', '=', subscriptionId);
  if (query.status) rows = rows.where('status', '=', query.status);
  const [data, count] = await Promise.all([
    rows.select(DELIVERY_COLUMNS).orderBy('id', 'desc').limit(query.perPage).offset((query.page - 1) * query.perPage).execute(),
    rows.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { data, total: Number(count.n) };
}

export type DeliveryRow = Awaited<ReturnType<typeof pageOfDeliveries>>['data'][number];

/**
 * Queues a delivery again, whatever its state: a fresh retry period starts now. It keeps its
 * place by id, so it goes out before the subscription's newer events.
 */
export async function redeliver(db: Kysely<DB>, subscriptionId: number, deliveryId: number, now: number): Promise<DeliveryRow | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', pending_since: now, delivered_at: null })
    .where('id', '=', deliveryId)
    .where('subscription_id', '=', subscriptionId)
    .returning(DELIVERY_COLUMNS)
    .executeTakeFirst();
}

/** Stops a subscription's backoff, so a hand redelivery goes out at once. */
export async function clearBackoff(db: Kysely<DB>, subscriptionId: number): Promise<void> {
  await db.updateTable('webhook_subscriptions').set({ next_attempt_at: 0 }).where('id', '=', subscriptionId).execute();
}
