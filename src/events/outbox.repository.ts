import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from '../db/connection.js';
import { engineOf, fixedStatement } from '../db/fixed-statement.js';
import type { DB } from '../db/schema.js';
import type { NewEvent } from './event-types.js';

/**
 * The outbox: one `webhook_deliveries` row per event and subscription that wants it. Rows are
 * written by `recordEvents` inside the transaction of the change they report, so an event
 * exists exactly when its change committed; the workers deliver them afterwards (delivery.ts).
 */

/**
 * Writes `events` for every active subscription that wants them, in the caller's transaction.
 * Without such a subscription nothing is written: events from before a subscription exists
 * are not kept. The subscriptions are read by the INSERT itself, inside the transaction, so it is
 * exact (no stale cache: an event that commits after a subscription is created is always kept)
 * and costs no round trip of its own: the sending lanes record events in every commit.
 */
export async function recordEvents(db: Kysely<DB>, events: NewEvent[], now: number): Promise<void> {
  if (events.length === 0) return;
  const rows = outboxRows(events, now).map((row) => [row.eventId, row.type, row.blastId, row.payload]);
  await insertEvents(db, [now, JSON.stringify(rows)], engineOf(db));
}

/**
 * The events go in as one JSON array of `[event_id, type, blast_id, payload]`, read by the
 * engine's JSON functions, so the text is the same for any number of events (no chunks for the
 * parameter limit) and is built once (fixedStatement): SQLite's send path records events in every
 * commit. A subscription's `events` is a JSON array of type names, which contain no LIKE
 * wildcards: '"message.sent"' matches that one type only.
 */
const insertEvents = fixedStatement<never, [number, string], Engine>(2, ([now, rows], engine) => sql`
  INSERT INTO webhook_deliveries (subscription_id, event_id, type, blast_id, payload, created_at, pending_since)
  SELECT s.id, e.event_id, e.type, e.blast_id, e.payload, CAST(${now} AS bigint), CAST(${now} AS bigint)
  FROM (
    SELECT n, value ->> 0 AS event_id, value ->> 1 AS type, CAST(value ->> 2 AS bigint) AS blast_id, value ->> 3 AS payload
    FROM ${engine === 'sqlite' ? sql`(SELECT key AS n, value FROM json_each(${rows}))` : sql`json_array_elements(CAST(${rows} AS json)) WITH ORDINALITY AS t(value, n)`}
  ) AS e
  JOIN ${wantedBy(sql`e.type`)}
  ORDER BY e.n, s.id`);

/** An event as the outbox stores it: its id and the JSON body subscribers receive. */
export interface OutboxRow {
  eventId: string;
  type: string;
  blastId: number | null;
  payload: string;
}

export function outboxRows(events: NewEvent[], now: number): OutboxRow[] {
  const createdAt = new Date(now).toISOString();
  return events.map((event) => {
    const eventId = randomUUID();
    const payload = JSON.stringify({ id: eventId, type: event.type, created_at: createdAt, data: event.data });
    return { eventId, type: event.type, blastId: event.blastId ?? null, payload };
  });
}

/** The active subscriptions (as `s`) that want events of the type `type` names. */
export const wantedBy = (type: RawBuilder<unknown>) => sql`webhook_subscriptions s ON s.active = 1 AND s.events LIKE '%"' || ${type} || '"%'`;

/** A read first, so idle workers don't take SQLite's write lock every poll. */
export async function hasDueDeliveries(db: Kysely<DB>, now: number): Promise<boolean> {
  const row = await sql<{ id: number }>`
    SELECT s.id FROM webhook_subscriptions s
    WHERE ${dueSubscription(now)} LIMIT 1`.execute(db);
  return row.rows.length > 0;
}

const dueSubscription = (now: number) => sql`
  s.active = 1 AND s.next_attempt_at <= ${now} AND (s.lease_owner IS NULL OR s.lease_expires_at < ${now})
  AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'pending')`;

export interface LeasedSubscription {
  id: number;
  url: string;
  secret: string;
  consecutive_failures: number;
}

/**
 * Takes the lease of one subscription with pending events that is not backing off (the one
 * served longest ago first). Only the holder delivers to it, so its events go out in order.
 */
export async function leaseDueSubscription(
  db: Kysely<DB>,
  engine: Engine,
  lease: { owner: string; now: number; expiresAt: number },
): Promise<LeasedSubscription | undefined> {
  const skipLocked = engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<LeasedSubscription>`
    UPDATE webhook_subscriptions SET lease_owner = ${lease.owner}, lease_expires_at = ${lease.expiresAt}
    WHERE id = (
      SELECT s.id FROM webhook_subscriptions s WHERE ${dueSubscription(lease.now)}
      ORDER BY s.next_attempt_at, s.id LIMIT 1 ${skipLocked})
    RETURNING id, url, secret, consecutive_failures`.execute(db);
  const row = result.rows[0];
  return row ? { ...row, id: Number(row.id), consecutive_failures: Number(row.consecutive_failures) } : undefined;
}

/** The oldest pending events of a subscription, in the order they happened. */
export async function pendingDeliveries(db: Kysely<DB>, subscriptionId: number, limit: number) {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'payload'])
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), payload: r.payload }));
}

/** A failure gives up on events pending since `giveUpBefore` or earlier (WEBHOOK_RETRY_FOR_MS ago). */
export type AttemptResult = { ok: true } | { ok: false; error: string; nextAttemptAt: number; giveUpBefore: number };

/**
 * Records one request's result for the events it carried and hands the subscription back.
 * A failure keeps the events pending (the subscription backs off as a whole, so later events
 * never overtake them), except those pending for longer than the retry period: they are failed, for good.
 */
export async function recordAttempt(
  db: Kysely<DB>,
  attempt: { subscriptionId: number; owner: string; deliveryIds: number[]; now: number; result: AttemptResult },
): Promise<void> {
  const { subscriptionId, owner, deliveryIds, now, result } = attempt;
  const attempted = () =>
    db.updateTable('webhook_deliveries').where('id', 'in', deliveryIds).where('status', '=', 'pending');
  if (result.ok) {
    await attempted()
      .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), last_attempt_at: now, delivered_at: now, last_error: null }))
      .execute();
  } else {
    await attempted()
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_attempt_at: now,
        last_error: result.error,
        status: eb.case().when('pending_since', '<=', result.giveUpBefore).then(sql<'failed'>`'failed'`).else(sql<'pending'>`'pending'`).end(),
      }))
      .execute();
  }
  await db
    .updateTable('webhook_subscriptions')
    .set((eb) => ({
      lease_owner: null,
      lease_expires_at: null,
      // A served subscription goes to the back of the line, so one busy receiver cannot starve the others.
      next_attempt_at: result.ok ? now : result.nextAttemptAt,
      consecutive_failures: result.ok ? 0 : eb('consecutive_failures', '+', 1),
    }))
    .where('id', '=', subscriptionId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Hands a subscription back untouched (nothing was pending after all). */
export async function releaseSubscription(db: Kysely<DB>, subscriptionId: number, owner: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('id', '=', subscriptionId)
    .where('lease_owner', '=', owner)
    .execute();
}
