import type { Kysely } from 'kysely';
import type { Engine } from '../connection.js';
import { columnTypes } from './column-types.js';

/**
 * Outbound webhooks: the integrator's subscriptions, and the outbox of events owed to each of
 * them (one row per subscription and event, written in the transaction of the change it reports).
 */
export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('url', 'text', (c) => c.notNull())
    // A JSON array of event types, as text on both engines (matched with LIKE '%"type"%').
    .addColumn('events', 'text', (c) => c.notNull())
    // `v1.…` (AES-256-GCM under SECRET_KEY) or `plain.…` when SECRET_KEY is unset (events/signing-secret.ts).
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // Only the lease holder delivers to a subscription: that is what keeps its events in order.
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    // Backoff of the whole subscription after a failed request (its oldest events must go first).
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', t.id, t.idConstraints)
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
    // The event's id: the same for every subscription that gets the event; receivers drop repeats by it.
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('blast_id', 'bigint')
    // The event exactly as sent: {"id","type","created_at","data"}.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Failed requests are retried for WEBHOOK_RETRY_FOR_MS from here; a hand redelivery restarts it.
    .addColumn('pending_since', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .execute();
  // The head of a subscription's queue (pending, in id order) and its history pages.
  await db.schema.createIndex('webhook_deliveries_queue').on('webhook_deliveries').columns(['subscription_id', 'status', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_history').on('webhook_deliveries').columns(['subscription_id', 'id']).execute();
}
