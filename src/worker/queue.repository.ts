import { sql, type Kysely, type RawBuilder, type Selectable, type UpdateObject, type ExpressionBuilder } from 'kysely';
import type { Engine } from '../db/connection.js';
import { fixedStatement } from '../db/fixed-statement.js';
import type { BlastStatus, DB, SendersTable } from '../db/schema.js';
import { recordEvents } from '../events/outbox.repository.js';
import type { NewEvent } from '../events/event-types.js';

/**
 * All SQL of the sending pipeline. Two ideas carry it:
 * - a `senders` row per sending number holds `next_send_at` and a lease: only the lease holder
 *   sends from that number, and it hands the number back with the next allowed send time, so
 *   the pause between two sends holds across any number of workers and machines;
 * - a `whatsapp_blast_logs` row is the unit of work: `pending → sending` is claimed atomically
 *   (one UPDATE; SKIP LOCKED on PostgreSQL), and an outcome is recorded only by the claim owner.
 */

/** A sender whose lease this worker holds: what it needs to send from it and pace it. */
export type LeasedSender = Pick<
  Selectable<SendersTable>,
  | 'id' | 'key' | 'provider' | 'source' | 'credentials' | 'pause_min_ms' | 'pause_max_ms' | 'max_in_flight' | 'max_per_second'
  | 'slowdown' | 'slowdown_at' | 'next_send_at' | 'daily_cap' | 'warmup_start_cap' | 'warmup_days' | 'warmup_started_at' | 'sent_day' | 'sent_today'
>;

/** Senders that may take work: not deleted, not paused, not resting after their daily cap. */
const usable = (now: number) => sql`deleted_at IS NULL AND paused_reason IS NULL AND (resting_until IS NULL OR resting_until <= ${now})`;

const senderIdIn = (ids: number[]) => (ids.length === 0 ? sql`1 = 0` : sql`id IN (${sql.join(ids)})`);

/** Every sender that exists (deleted ones aside), whatever its state: the pool of blasts that name none. */
export async function existingSenders(db: Kysely<DB>): Promise<{ id: number; provider: string }[]> {
  const rows = await db.selectFrom('senders').select(['id', 'provider']).where('deleted_at', 'is', null).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), provider: r.provider }));
}

const LEASED_SENDER_COLUMNS = sql`id, key, provider, source, credentials, pause_min_ms, pause_max_ms, max_in_flight, max_per_second,
      slowdown, slowdown_at, next_send_at, daily_cap, warmup_start_cap, warmup_days, warmup_started_at, sent_day, sent_today`;

/** Takes the lease of one of `ids` that may send now (the longest-waiting first), or returns undefined. */
export async function leaseDueSender(
  db: Kysely<DB>,
  engine: Engine,
  lease: { owner: string; now: number; expiresAt: number; ids: number[] },
): Promise<LeasedSender | undefined> {
  const skipLocked = engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<LeasedSender>`
    UPDATE senders SET lease_owner = ${lease.owner}, lease_expires_at = ${lease.expiresAt}
    WHERE id = (
      SELECT id FROM senders
      WHERE ${senderIdIn(lease.ids)} AND ${usable(lease.now)} AND next_send_at <= ${lease.now}
        AND (lease_owner IS NULL OR lease_expires_at < ${lease.now})
      ORDER BY next_send_at LIMIT 1 ${skipLocked})
    RETURNING ${LEASED_SENDER_COLUMNS}`.execute(db);
  const row = result.rows[0];
  return row && leasedSenderOf(row);
}

/** A sender row as RETURNING gives it (PostgreSQL answers BIGINT columns as strings). */
function leasedSenderOf(row: LeasedSender): LeasedSender {
  return {
    ...row,
    id: Number(row.id),
    warmup_started_at: row.warmup_started_at === null ? null : Number(row.warmup_started_at),
    sent_today: Number(row.sent_today),
    slowdown: Number(row.slowdown),
    slowdown_at: row.slowdown_at === null ? null : Number(row.slowdown_at),
    next_send_at: Number(row.next_send_at),
  };
}

/**
 * Keeps the lease of a sender its holder goes on sending from (SenderRun's renewal): pushes it
 * out and adds the requests made since the last count to the day's. Answers the sender as it is
 * now, or undefined when the holder must stop: the lease was lost, or an admin paused or deleted
 * the number.
 */
export async function renewSenderLease(
  db: Kysely<DB>,
  lease: { id: number; owner: string; expiresAt: number; requests: { day: string; count: number } },
): Promise<LeasedSender | undefined> {
  const { requests } = lease;
  const result = await sql<LeasedSender>`
    UPDATE senders SET lease_expires_at = ${lease.expiresAt},
      sent_today = CASE WHEN sent_day = ${requests.day} THEN sent_today + ${requests.count} ELSE ${requests.count} END,
      sent_day = ${requests.day}
    WHERE id = ${lease.id} AND lease_owner = ${lease.owner} AND deleted_at IS NULL AND paused_reason IS NULL
    RETURNING ${LEASED_SENDER_COLUMNS}`.execute(db);
  const row = result.rows[0];
  return row && leasedSenderOf(row);
}

/** When the earliest of these senders may send again (for sleeping precisely), if any can. */
export async function nextSenderDueAt(db: Kysely<DB>, ids: number[], now: number): Promise<number | undefined> {
  const result = await sql<{ due: number | null }>`
    SELECT MIN(CASE WHEN lease_owner IS NULL THEN next_send_at ELSE lease_expires_at END) AS due
    FROM senders WHERE ${senderIdIn(ids)} AND ${usable(now)}`.execute(db);
  const due = result.rows[0]?.due;
  return due === null || due === undefined ? undefined : Number(due);
}

export interface SenderRelease {
  id: number;
  owner: string;
  now: number;
  nextSendAt?: number;
  /** Requests made to the gateway during the lease, counted on the local day `day` (daily cap). */
  requests?: { day: string; count: number };
  /** The daily cap is used up: no sends until then. */
  restingUntil?: number;
  /** An account-level failure stops the sender until an admin resumes it or its credentials change. */
  pausedReason?: string;
  /** How far the provider's throughput errors have slowed the number down (senders/pacing.ts). */
  slowdown?: { level: number; at: number | null };
}

/** Hands a sender back; a provider's pause is recorded with its `sender.paused` event (give a transaction then). */
export async function releaseSender(db: Kysely<DB>, release: SenderRelease): Promise<void> {
  const { requests } = release;
  const paused = await db
    .updateTable('senders')
    .set((eb) => ({
      lease_owner: null,
      lease_expires_at: null,
      next_send_at: release.nextSendAt === undefined ? eb.ref('next_send_at') : release.nextSendAt,
      ...(requests
        ? {
            sent_today: sql<number>`CASE WHEN sent_day = ${requests.day} THEN sent_today + ${requests.count} ELSE ${requests.count} END`,
            sent_day: requests.day,
          }
        : {}),
      ...(release.restingUntil !== undefined ? { resting_until: release.restingUntil } : {}),
      ...(release.slowdown ? { slowdown: release.slowdown.level, slowdown_at: release.slowdown.at } : {}),
      ...(release.pausedReason ? { paused_reason: release.pausedReason, paused_at: release.now, paused_by: 'provider' as const } : {}),
    }))
    .where('id', '=', release.id)
    .where('lease_owner', '=', release.owner)
    .returning(['name', 'provider', 'display_number'])
    .executeTakeFirst();
  if (paused && release.pausedReason) {
    const data = { sender_id: release.id, name: paused.name, provider: paused.provider, display_number: paused.display_number, reason: release.pausedReason, paused_by: 'provider' };
    await recordEvents(db, [{ type: 'sender.paused', data }], release.now);
  }
}

/**
 * Pushes out the lease of a sender its holder keeps sending from; false when the holder must
 * stop: the lease was lost, or an admin paused or deleted the number meanwhile.
 */
export async function keepSenderLease(db: Kysely<DB>, lease: { id: number; owner: string; now: number; expiresAt: number }): Promise<boolean> {
  const result = await sql`
    UPDATE senders SET lease_expires_at = ${lease.expiresAt}
    WHERE id = ${lease.id} AND lease_owner = ${lease.owner} AND deleted_at IS NULL AND paused_reason IS NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Which of `ids` may take work now (not deleted, paused or resting). */
export async function usableSenderIds(db: Kysely<DB>, ids: number[], now: number): Promise<Set<number>> {
  const result = await sql<{ id: number }>`SELECT id FROM senders WHERE ${senderIdIn(ids)} AND ${usable(now)}`.execute(db);
  return new Set(result.rows.map((r) => Number(r.id)));
}

/** Frees whatever sender lease `owner` holds (its lease call may have committed without us hearing the answer). */
export async function releaseSenderLeasesOf(db: Kysely<DB>, owner: string): Promise<void> {
  await db.updateTable('senders').set({ lease_owner: null, lease_expires_at: null }).where('lease_owner', '=', owner).execute();
}

/**
 * Puts back to pending every row `owner` claimed and never sent (its claim may have committed
 * without us hearing the answer), except the rows in `except` (sends still in flight). A row the
 * recovery already failed as "delivery unknown" (the hand-back waited for the database past the
 * claim's lease) was not sent either: it says so instead, and stays final like any late "nothing
 * was sent" outcome (see correctRecoveredRow).
 */
export async function releaseClaimsOf(db: Kysely<DB>, owner: string, except: number[] = []): Promise<void> {
  let release = db
    .updateTable('whatsapp_blast_logs')
    .set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1), claim_owner: null, lease_expires_at: null }))
    .where('claim_owner', '=', owner)
    .where('status', '=', 'sending');
  let explain = db
    .updateTable('whatsapp_blast_logs')
    .set({ error_message: notSentAfterRecovery(undefined), claim_owner: null })
    .where('claim_owner', '=', owner)
    .where('status', '=', 'failed')
    .where('error_message', '=', DELIVERY_UNKNOWN);
  if (except.length > 0) {
    release = release.where('id', 'not in', except);
    explain = explain.where('id', 'not in', except);
  }
  await release.execute();
  await explain.execute();
}

/** Pushes out the lease of `owner`'s claimed rows and of its sender, while it waits to record their outcomes. */
export async function extendLeases(db: Kysely<DB>, lease: { owner: string; senderId: number; expiresAt: number }): Promise<void> {
  await db
    .updateTable('whatsapp_blast_logs')
    .set({ lease_expires_at: lease.expiresAt })
    .where('claim_owner', '=', lease.owner)
    .where('status', '=', 'sending')
    .execute();
  await db.updateTable('senders').set({ lease_expires_at: lease.expiresAt }).where('id', '=', lease.senderId).where('lease_owner', '=', lease.owner).execute();
}

/** A blast that may have work: its recipients are resolved and it is not paused or finished. */
export type SendableBlast = { id: number; status: BlastStatus; send_at: number | null; quiet_hours: string | null; sender_ids: number[] | null };

/** Blasts whose recipients are resolved and not all final, oldest first, with the senders they allow (null: any). */
export async function sendableBlasts(db: Kysely<DB>): Promise<SendableBlast[]> {
  const rows = await db
    .selectFrom('whatsapp_blasts')
    .select(['id', 'status', 'send_at', 'quiet_hours'])
    .where('status', 'in', ['scheduled', 'queued', 'processing'])
    .where('expanded_at', 'is not', null)
    .orderBy('id')
    .limit(100)
    .execute();
  if (rows.length === 0) return [];
  const named = await db
    .selectFrom('blast_senders')
    .select(['blast_id', 'sender_id'])
    .where('blast_id', 'in', rows.map((r) => r.id))
    .execute();
  const sendersOf = new Map<number, number[]>();
  for (const n of named) sendersOf.set(Number(n.blast_id), [...(sendersOf.get(Number(n.blast_id)) ?? []), Number(n.sender_id)]);
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
    send_at: r.send_at === null ? null : Number(r.send_at),
    quiet_hours: r.quiet_hours,
    sender_ids: sendersOf.get(Number(r.id)) ?? null,
  }));
}

/** Scheduled blasts whose time has come join the queue (in the caller's transaction, with their events). */
export async function queueDueScheduledBlasts(db: Kysely<DB>, now: number): Promise<number> {
  const rows = await db
    .updateTable('whatsapp_blasts')
    .set({ status: 'queued' })
    .where('status', '=', 'scheduled')
    .where('send_at', '<=', now)
    .returning(['id', 'title'])
    .execute();
  await recordEvents(db, rows.map((r) => ({ type: 'blast.queued', blastId: Number(r.id), data: { blast_id: Number(r.id), status: 'queued', title: r.title } })), now);
  return rows.length;
}

/** What a send needs of a claimed recipient's customer (null: the customer was deleted). */
export type ClaimedCustomer = { name: string; phone: string | null; status: string; attributes: unknown; opted_out_at: number | null };

export type ClaimedRecipient = { id: number; blast_id: number; customer_id: number; phone_number: string; attempts: number; customer: ClaimedCustomer | null };

/**
 * The first `limit` due recipients of a blast, as ids to claim (on PostgreSQL locked, passing over
 * those another claim holds). Written as a range of the `(blast_id, status, id)` index, ordered
 * by it, rather than `blast_id = ? AND status = 'pending' ORDER BY id`: PostgreSQL planned that as
 * a walk of the primary key from the first row of the table, filtering out every row already sent
 * (its statistics cannot tell that the pending rows are the last ones), so each claim read more as
 * the blast went on: 182 pages 500 rows into a blast, growing by one page per ~3 rows sent. A
 * range and order of that index's columns can only be read from that index, in order: 5 pages
 * wherever the blast is. The range holds exactly the blast's pending rows (ids are positive).
 * SQLite reads that index for either form. On SQLite the limit is written into the text: with
 * `LIMIT ?` the claim's UPDATE took ~100 µs instead of ~20 (the same plan, by EXPLAIN QUERY PLAN;
 * a scratch loop of claims on a 20,000-recipient blast), and a lane has few different limits.
 */
export const dueRecipientIds = (engine: Engine, due: { blastId: number | RawBuilder<unknown>; now: number | RawBuilder<unknown>; limit: number | RawBuilder<unknown> }) => sql`
  SELECT id FROM whatsapp_blast_logs
  WHERE (blast_id, status, id) > (${due.blastId}, 'pending', 0) AND (blast_id, status, id) < (${due.blastId}, 'pending', ${Number.MAX_SAFE_INTEGER})
    AND next_attempt_at <= ${due.now}
  ORDER BY blast_id, status, id LIMIT ${engine === 'sqlite' && typeof due.limit === 'number' ? sql.lit(Math.trunc(due.limit)) : due.limit} ${engine === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``}`;

/**
 * Moves up to `limit` due recipients of one blast from pending to sending, for this owner, while
 * the blast is sending, and answers them with their customers. On PostgreSQL that is one
 * statement (the claim in a `WITH`, joined to the customers): each statement is a round trip,
 * and the claim is in every commit of the send path. On SQLite it is claimRecipientsForLanes
 * with one lane.
 */
export async function claimRecipients(
  db: Kysely<DB>,
  engine: Engine,
  claim: { blastId: number; senderId: number; owner: string; now: number; leaseExpiresAt: number; limit: number },
): Promise<ClaimedRecipient[]> {
  if (engine === 'sqlite') {
    const claimed = await claimRecipientsForLanes(db, { blastId: claim.blastId, now: claim.now, lanes: [claim] });
    return claimed.map(({ claim_owner: _, ...recipient }) => recipient);
  }
  // The blast must still be sending, checked in the same statement. The key-share lock makes a
  // pause/cancel (which locks the blast row FOR UPDATE first) wait for claims in progress, and
  // claims after it see the new state. It is the weakest lock that does: the claiming
  // transaction later moves the blast's counters (applyCounterDeltas), and a key-share lock
  // upgrades to that update without waiting for other lanes' key-share locks (a FOR SHARE would:
  // two lanes upgrading at once deadlock).
  type Row = Omit<ClaimedRecipient, 'customer'> & { [K in keyof ClaimedCustomer as `c_${K}`]: ClaimedCustomer[K] } & { c_id: number | null };
  const { rows } = await sql<Row>`
    WITH claimed AS (
      UPDATE whatsapp_blast_logs
      SET status = 'sending', attempts = attempts + 1, claim_owner = ${claim.owner}, sender_id = ${claim.senderId},
          lease_expires_at = ${claim.leaseExpiresAt}, updated_at = ${claim.now}
      WHERE id IN (${dueRecipientIds(engine, claim)})
      AND status = 'pending'
      AND EXISTS (SELECT 1 FROM whatsapp_blasts WHERE id = ${claim.blastId} AND status IN ('queued', 'processing') FOR KEY SHARE)
      RETURNING id, blast_id, customer_id, phone_number, attempts
    )
    SELECT claimed.*, c.id AS c_id, c.name AS c_name, c.phone AS c_phone, c.status AS c_status, c.attributes AS c_attributes, c.opted_out_at AS c_opted_out_at
    FROM claimed LEFT JOIN customers c ON c.id = claimed.customer_id`.execute(db);
  return rows
    .map((r) => ({
      id: Number(r.id),
      blast_id: Number(r.blast_id),
      customer_id: Number(r.customer_id),
      phone_number: r.phone_number,
      attempts: Number(r.attempts),
      customer: r.c_id === null ? null : { name: r.c_name, phone: r.c_phone, status: r.c_status, attributes: r.c_attributes, opted_out_at: r.c_opted_out_at === null ? null : Number(r.c_opted_out_at) },
    }))
    .sort((a, b) => a.id - b.id);
}

/** One lane's share of claimRecipientsForLanes. */
export interface LaneClaim {
  owner: string;
  senderId: number;
  leaseExpiresAt: number;
  limit: number;
}

/**
 * SQLite: claimRecipients for one or several lanes sending one blast, in one UPDATE, while the
 * blast is sending (SQLite runs one writer at a time: no lock needed): the blast's first due rows
 * are dealt out in lane order, each lane its `limit` (as PostgreSQL's one-statement commit does).
 * Answers the claims in id order, each with the owner of the lane it went to.
 */
export async function claimRecipientsForLanes(
  db: Kysely<DB>,
  claim: { blastId: number; now: number; lanes: LaneClaim[] },
): Promise<(ClaimedRecipient & { claim_owner: string })[]> {
  let first = 0;
  // Each lane the due rows numbered (first, first + limit].
  const lanes = claim.lanes.map((lane) => [first, (first += lane.limit), lane.owner, lane.senderId, lane.leaseExpiresAt]);
  if (first === 0) return [];
  const claimed = await claimForLanes(db, [claim.now, claim.blastId, JSON.stringify(lanes)], first);
  return withCustomers(db, claimed);
}

/** claimRecipientsForLanes's text: one per total limit, which SQLite plans better written in (dueRecipientIds). */
const claimForLanes = fixedStatement<Omit<ClaimedRecipient, 'customer'> & { claim_owner: string }, [number, number, string], number>(
  3,
  ([now, blastId, lanes], limit) => sql`
    UPDATE whatsapp_blast_logs
    SET status = 'sending', attempts = attempts + 1, claim_owner = lane.owner, sender_id = lane.sender_id, lease_expires_at = lane.lease_expires_at, updated_at = ${now}
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM (${dueRecipientIds('sqlite', { blastId, now, limit })})) AS due
    JOIN (
      SELECT value ->> 0 AS first_k, value ->> 1 AS last_k, value ->> 2 AS owner, value ->> 3 AS sender_id, value ->> 4 AS lease_expires_at FROM json_each(${lanes})
    ) AS lane ON due.k > lane.first_k AND due.k <= lane.last_k
    WHERE whatsapp_blast_logs.id = due.id AND whatsapp_blast_logs.status = 'pending'
    AND EXISTS (SELECT 1 FROM whatsapp_blasts WHERE id = ${blastId} AND status IN ('queued', 'processing'))
    RETURNING id, blast_id, customer_id, phone_number, attempts, claim_owner`,
);

/** Claimed rows with their customers (SQLite: read after the claim, which cannot join). */
async function withCustomers<R extends Omit<ClaimedRecipient, 'customer'>>(db: Kysely<DB>, claimed: R[]): Promise<(R & ClaimedRecipient)[]> {
  const customers = new Map((await loadCustomers(db, claimed.map((r) => Number(r.customer_id)))).map((c) => [Number(c.id), c]));
  return claimed
    .map((r) => {
      const c = customers.get(Number(r.customer_id));
      const customer = c ? { name: c.name, phone: c.phone, status: c.status, attributes: c.attributes, opted_out_at: c.opted_out_at === null ? null : Number(c.opted_out_at) } : null;
      return { ...r, id: Number(r.id), blast_id: Number(r.blast_id), customer_id: Number(r.customer_id), attempts: Number(r.attempts), customer };
    })
    .sort((a, b) => a.id - b.id);
}

/**
 * Locks a blast's row for the rest of the caller's transaction (PostgreSQL; SQLite's writers are
 * serialised already). Taken before the first claims of a queued blast: of two lanes starting it at
 * once, the second waits for the first and finds it started, rather than both upgrading their
 * claims' locks to markBlastStarted's update.
 */
export async function lockBlast(db: Kysely<DB>, engine: Engine, blastId: number): Promise<void> {
  if (engine === 'postgres') await sql`SELECT id FROM whatsapp_blasts WHERE id = ${blastId} FOR UPDATE`.execute(db);
}

/** A queued blast's first claim: it is processing (in the caller's transaction, with its event). */
export async function markBlastStarted(db: Kysely<DB>, blastId: number, now: number): Promise<void> {
  const started = await db
    .updateTable('whatsapp_blasts')
    .set((eb) => ({ status: 'processing', started_at: eb.fn.coalesce('started_at', sql<number>`${now}`) }))
    .where('id', '=', blastId)
    .where('status', '=', 'queued')
    .returning(['id'])
    .execute();
  if (started.length > 0) await recordEvents(db, [{ type: 'blast.started', blastId, data: { blast_id: blastId, status: 'processing' } }], now);
}

export async function loadBlastForSending(db: Kysely<DB>, blastId: number) {
  return db
    .selectFrom('whatsapp_blasts')
    .leftJoin('blast_images', 'blast_images.id', 'whatsapp_blasts.image_id')
    .select(['whatsapp_blasts.message_template', 'whatsapp_blasts.template', 'blast_images.token as image_token', 'blast_images.mime as image_mime'])
    .where('whatsapp_blasts.id', '=', blastId)
    .executeTakeFirst();
}

async function loadCustomers(db: Kysely<DB>, ids: number[]) {
  if (ids.length === 0) return [];
  return customersOfIds(db, [JSON.stringify(ids)]);
}

/** SQLite (the ids as a JSON array): in every commit of the send path, so its text is built once. */
const customersOfIds = fixedStatement<Pick<Selectable<DB['customers']>, 'id' | 'name' | 'phone' | 'status' | 'attributes' | 'opted_out_at'>, [string]>(
  1,
  ([ids]) => sql`SELECT id, name, phone, status, attributes, opted_out_at FROM customers WHERE id IN (SELECT value FROM json_each(${ids}))`,
);

/** What became of one claimed recipient. */
export type Outcome =
  | { id: number; blastId: number; kind: 'sent'; providerMessageId: string | null; at: number }
  | { id: number; blastId: number; kind: 'failed' | 'skipped'; reason: string }
  | { id: number; blastId: number; kind: 'retry'; reason: string; nextAttemptAt: number }
  /** Never attempted (its number stopped, or the worker is shutting down): back to pending. */
  | { id: number; blastId: number; kind: 'released' };

interface CounterDelta {
  sent: number;
  failed: number;
  skipped: number;
}

/** How far each blast's counters move (by blast id): applied by applyCounterDeltas. */
export type CounterDeltas = Map<number, CounterDelta>;

/** Who claimed the rows of some outcomes: one owner for all, or each outcome's by its id (several lanes' commits at once). */
export type ClaimOwners = string | ReadonlyMap<number, string>;

export const ownerOf = (owners: ClaimOwners, id: number): string => (typeof owners === 'string' ? owners : owners.get(id)!);

/**
 * Records outcomes, with their events, in the caller's transaction, and answers how far the
 * blasts' counters move; the caller applies that in the same transaction (applyCounterDeltas),
 * so counters and rows never disagree. Only rows still claimed by their owner change; `writeRows`
 * changes them (SQLite's send path passes its one statement of a fixed text: merged-commit.ts).
 */
export async function recordOutcomes(
  db: Kysely<DB>,
  owners: ClaimOwners,
  outcomes: Outcome[],
  now: number,
  writeRows: WriteClaimedRows = updateClaimedRows,
): Promise<CounterDeltas> {
  const deltas: CounterDeltas = new Map();
  const events: NewEvent[] = [];
  const recorded = await writeRows(db, owners, outcomes, now);
  for (const outcome of outcomes) {
    const row = recorded.get(outcome.id);
    if (!row) continue;
    if (outcome.kind === 'sent' || outcome.kind === 'failed' || outcome.kind === 'skipped') bumpCounter(deltas, outcome.blastId, outcome.kind);
    const event = messageEvent(outcome, row);
    if (event) events.push(event);
  }
  await correctRecoveredRows(db, owners, outcomes.filter((o) => !recorded.has(o.id)), now, { deltas, events });
  // Before the counters: a blast's completion event comes after its last message's.
  await recordEvents(db, events, now);
  return deltas;
}

/** Several CounterDeltas as one. */
export function sumCounterDeltas(parts: CounterDeltas[]): CounterDeltas {
  const sum: CounterDeltas = new Map();
  for (const part of parts) for (const [blastId, d] of part) for (const key of ['sent', 'failed', 'skipped'] as const) bumpCounter(sum, blastId, key, d[key]);
  return sum;
}

function bumpCounter(deltas: CounterDeltas, blastId: number, key: keyof CounterDelta, by = 1): void {
  const d = deltas.get(blastId) ?? { sent: 0, failed: 0, skipped: 0 };
  d[key] += by;
  deltas.set(blastId, d);
}

/** The event an outcome recorded on `row` announces, if any (sent and failed ones). */
export function messageEvent(outcome: Outcome, row: RecipientOfRow): NewEvent | undefined {
  if (outcome.kind !== 'sent' && outcome.kind !== 'failed') return undefined;
  const extra = outcome.kind === 'sent' ? sentEventData(outcome) : { reason: outcome.reason };
  return {
    type: outcome.kind === 'sent' ? 'message.sent' : 'message.failed',
    blastId: outcome.blastId,
    data: { blast_id: outcome.blastId, customer_id: Number(row.customer_id), phone_number: row.phone_number, ...extra },
  };
}

/**
 * The outcomes whose rows were no longer claimed by `owner` (see correctRecoveredRow): the truth
 * replaces the recovery's guess, and `into` gets the counter moves and the events that follow.
 */
async function correctRecoveredRows(db: Kysely<DB>, owners: ClaimOwners, late: Outcome[], now: number, into: { deltas: CounterDeltas; events: NewEvent[] }): Promise<void> {
  for (const outcome of late) {
    const corrected = await correctRecoveredRow(db, ownerOf(owners, outcome.id), outcome, now);
    if (corrected && corrected.status !== 'failed') {
      bumpCounter(into.deltas, outcome.blastId, corrected.status);
      bumpCounter(into.deltas, outcome.blastId, 'failed', -1);
      // The recovery announced nothing final but "delivery unknown"; a send that did happen is news.
      if (outcome.kind === 'sent') into.events.push(messageEvent(outcome, corrected.row)!);
    }
  }
}

/**
 * The columns an outcome sets on its row, for the send path's statements that record many at
 * once (one-statement-commit.ts, merged-commit.ts): the row as `l`, the outcome as `o` with its
 * kind, reason, at, provider_message_id and next_attempt_at. The same values as updateClaimedRows.
 */
export const outcomeColumns = (now: RawBuilder<number>) => sql`
  status = CASE WHEN o.kind IN ('retry', 'released') THEN 'pending' ELSE o.kind END,
  error_message = CASE o.kind WHEN 'sent' THEN NULL WHEN 'released' THEN l.error_message ELSE o.reason END,
  sent_at = CASE WHEN o.kind = 'sent' THEN o.at ELSE l.sent_at END,
  provider_message_id = CASE WHEN o.kind = 'sent' THEN o.provider_message_id ELSE l.provider_message_id END,
  next_attempt_at = CASE WHEN o.kind = 'retry' THEN o.next_attempt_at ELSE l.next_attempt_at END,
  attempts = CASE WHEN o.kind = 'released' THEN l.attempts - 1 ELSE l.attempts END,
  claim_owner = NULL, lease_expires_at = NULL, updated_at = ${now}`;

/** Writes the outcomes of rows still claimed by their owner; answers the recipient of each row it changed, by id. */
export type WriteClaimedRows = (db: Kysely<DB>, owners: ClaimOwners, outcomes: Outcome[], now: number) => Promise<Map<number, RecipientOfRow>>;

/**
 * Writes the outcomes of rows still claimed by their owner: one UPDATE per kind of outcome,
 * whatever the number of rows or owners (the values that differ per row go through CASE).
 * Answers the recipient of each row it changed, by id.
 */
async function updateClaimedRows(db: Kysely<DB>, owners: ClaimOwners, outcomes: Outcome[], now: number): Promise<Map<number, RecipientOfRow>> {
  const recorded = new Map<number, RecipientOfRow>();
  const base = { claim_owner: null, lease_expires_at: null, updated_at: now };
  const of = <K extends Outcome['kind']>(...kinds: K[]) => outcomes.filter((o): o is Extract<Outcome, { kind: K }> => (kinds as string[]).includes(o.kind));
  /** CASE id WHEN … THEN CAST(value AS type) … END: one value per row, typed for PostgreSQL's sake. */
  const perRow = <O extends Outcome>(rows: O[], value: (o: O) => string | number | null, type: 'bigint' | 'text') =>
    sql<never>`CASE id ${sql.join(rows.map((o) => sql`WHEN ${o.id} THEN CAST(${value(o)} AS ${sql.raw(type)})`), sql` `)} END`;
  const write = async (rows: Outcome[], set: LogUpdate) => {
    if (rows.length === 0) return;
    const owner = typeof owners === 'string' ? owners : perRow(rows, (o) => ownerOf(owners, o.id), 'text');
    const changed = await claimedRows(db, owner, rows.map((o) => o.id)).set(set).returning(['id', ...RECIPIENT_OF_ROW]).execute();
    for (const r of changed) recorded.set(Number(r.id), r);
  };
  const sent = of('sent');
  await write(sent, { ...base, status: 'sent', error_message: null, sent_at: perRow(sent, (o) => o.at, 'bigint'), provider_message_id: perRow(sent, (o) => o.providerMessageId, 'text') });
  for (const kind of ['failed', 'skipped'] as const) {
    const final = of(kind);
    await write(final, { ...base, status: kind, error_message: perRow(final, (o) => o.reason, 'text') });
  }
  const retry = of('retry');
  await write(retry, { ...base, status: 'pending', error_message: perRow(retry, (o) => o.reason, 'text'), next_attempt_at: perRow(retry, (o) => o.nextAttemptAt, 'bigint') });
  await write(of('released'), (eb) => ({ ...base, status: 'pending', attempts: eb('attempts', '-', 1) }));
  return recorded;
}

type LogUpdate = UpdateObject<DB, 'whatsapp_blast_logs'> | ((eb: ExpressionBuilder<DB, 'whatsapp_blast_logs'>) => UpdateObject<DB, 'whatsapp_blast_logs'>);

const claimedRows = (db: Kysely<DB>, owner: string | RawBuilder<never>, ids: number[]) =>
  db.updateTable('whatsapp_blast_logs').where('id', 'in', ids).where('status', '=', 'sending').where('claim_owner', '=', owner);

const RECIPIENT_OF_ROW = ['customer_id', 'phone_number'] as const;
export type RecipientOfRow = { customer_id: number; phone_number: string | null };

const sentEventData = (outcome: Extract<Outcome, { kind: 'sent' }>) => ({
  provider_message_id: outcome.providerMessageId,
  sent_at: new Date(outcome.at).toISOString(),
});

/**
 * A worker that outlived its lease (slow, or waiting for the database to come back) finds its
 * row already failed as "delivery unknown" by the recovery. It knows better, so the truth
 * replaces the guess: sent, failed or skipped with the real reason, or, when nothing was sent
 * (a retryable failure, a send never started), failed as "not sent" — the row stays final,
 * since the blast may have completed meanwhile; retrying its failed recipients sends it.
 * Answers the row's new status and recipient (undefined: no such row).
 */
async function correctRecoveredRow(
  db: Kysely<DB>,
  owner: string,
  outcome: Outcome,
  now: number,
): Promise<{ status: 'sent' | 'failed' | 'skipped'; row: RecipientOfRow } | undefined> {
  const recovered = db
    .updateTable('whatsapp_blast_logs')
    .where('id', '=', outcome.id)
    .where('status', '=', 'failed')
    .where('error_message', '=', DELIVERY_UNKNOWN)
    .where('claim_owner', '=', owner);
  const base = { claim_owner: null, updated_at: now };
  let status: 'sent' | 'failed' | 'skipped';
  let query;
  switch (outcome.kind) {
    case 'sent':
      status = 'sent';
      query = recovered.set({ ...base, status, sent_at: outcome.at, provider_message_id: outcome.providerMessageId, error_message: null });
      break;
    case 'failed':
    case 'skipped':
      status = outcome.kind;
      query = recovered.set({ ...base, status, error_message: outcome.reason });
      break;
    case 'retry':
    case 'released':
      status = 'failed';
      query = recovered.set({ ...base, error_message: notSentAfterRecovery(outcome.kind === 'retry' ? outcome.reason.replace(/; retrying$/, '') : undefined) });
      break;
  }
  const row = await query.returning(RECIPIENT_OF_ROW).executeTakeFirst();
  return row ? { status, row } : undefined;
}

/** Why a recipient that was never delivered ended failed after its worker lost the database past its lease. */
export function notSentAfterRecovery(reason: string | undefined): string {
  return `not sent${reason ? ` (${reason})` : ''}: the worker could not record this before its claim ran out; retry the blast's failed recipients to send it`;
}

/**
 * Moves the blasts' counters and completes the blasts that are done. Every sending lane updates
 * the same row of a blast, and holds it until its commit: on PostgreSQL this is the last
 * statement of a lane's transaction, so that the row is held for the commit only (held from the
 * middle of the transaction, eight numbers on one blast queued behind it: 490 messages/s).
 */
export async function applyCounterDeltas(db: Kysely<DB>, deltas: CounterDeltas, now: number) {
  for (const [blastId, d] of deltas) {
    const [after] = await moveCounters(db, [d.sent, d.failed, d.skipped, d.sent + d.failed + d.skipped, blastId]);
    // Most commits finish neither the blast nor a revision: no statement for what cannot apply.
    if (after && Number(after.pending_count) === 0) await completeIfDone(db, blastId, now);
    if (after && after.status === 'failed' && d.sent > 0) await reviseFailedBlast(db, blastId, now);
  }
}

/** In every commit of the send path: its text is built once. */
const moveCounters = fixedStatement<{ pending_count: number | string; status: BlastStatus }, [number, number, number, number, number]>(
  5,
  ([sent, failed, skipped, finished, blastId]) => sql`
    UPDATE whatsapp_blasts SET sent_count = sent_count + ${sent}, failed_count = failed_count + ${failed},
      skipped_count = skipped_count + ${skipped}, pending_count = pending_count - ${finished}
    WHERE id = ${blastId} RETURNING pending_count, status`,
);

const NOTHING_SENT = 'no message could be sent: see the recipients\' errors';

const FINISHED_BLAST = ['status', 'status_reason', 'target_count', 'sent_count', 'failed_count', 'skipped_count', 'cancelled_count'] as const;

/** A blast failed as "nothing sent" whose late outcome says a message was sent after all: completed (with its event). */
async function reviseFailedBlast(db: Kysely<DB>, blastId: number, now: number): Promise<void> {
  const revised = await db
    .updateTable('whatsapp_blasts')
    .set({ status: 'completed', status_reason: null })
    .where('id', '=', blastId)
    .where('status', '=', 'failed')
    .where('status_reason', '=', NOTHING_SENT)
    .where('sent_count', '>', 0)
    .returning(FINISHED_BLAST)
    .executeTakeFirst();
  if (revised) await recordFinishedEvent(db, blastId, revised, now);
}

/**
 * What a blast whose every recipient is final becomes, from its counters as they are then:
 * completed when anything was sent, else failed, saying why. SQL, so that the one-statement
 * commit (PostgreSQL) finishes a blast in its own UPDATE by the same rule as completeIfDone.
 */
export function finishedBlastStatus(counters: { sent: RawBuilder<unknown>; failed: RawBuilder<unknown>; target: RawBuilder<unknown>; reason: RawBuilder<unknown> }) {
  const { sent, failed, target, reason } = counters;
  return {
    status: sql<BlastStatus>`CASE WHEN ${sent} > 0 THEN 'completed' ELSE 'failed' END`,
    reason: sql<string | null>`CASE WHEN ${sent} > 0 THEN ${reason} WHEN ${target} = 0 THEN ${'no customer matched the target'}
      WHEN ${failed} = 0 THEN ${'no recipient had a usable phone number'} ELSE ${NOTHING_SENT} END`,
  };
}

/** A blast whose every recipient is final is completed, or failed when nothing was sent (with its event). */
export async function completeIfDone(db: Kysely<DB>, blastId: number, now: number): Promise<void> {
  const finished = finishedBlastStatus({ sent: sql.ref('sent_count'), failed: sql.ref('failed_count'), target: sql.ref('target_count'), reason: sql.ref('status_reason') });
  const row = await db
    .updateTable('whatsapp_blasts')
    .set({ status: finished.status, status_reason: finished.reason, completed_at: now })
    .where('id', '=', blastId)
    .where('pending_count', '=', 0)
    .where('expanded_at', 'is not', null)
    .where('status', 'in', ['scheduled', 'queued', 'processing'])
    .returning(FINISHED_BLAST)
    .executeTakeFirst();
  if (row) await recordFinishedEvent(db, blastId, row, now);
}

type FinishedBlast = { status: BlastStatus; status_reason: string | null } & Record<'target_count' | 'sent_count' | 'failed_count' | 'skipped_count' | 'cancelled_count', number | string | bigint>;

/** blast.completed or blast.failed, with its counters (one-statement-commit.ts writes the same body in SQL). */
async function recordFinishedEvent(db: Kysely<DB>, blastId: number, finished: FinishedBlast, now: number): Promise<void> {
  const type = finished.status === 'completed' ? 'blast.completed' : 'blast.failed';
  const counts = {
    target: Number(finished.target_count),
    sent: Number(finished.sent_count),
    failed: Number(finished.failed_count),
    skipped: Number(finished.skipped_count),
    cancelled: Number(finished.cancelled_count),
  };
  await recordEvents(db, [{ type, blastId, data: { blast_id: blastId, status: finished.status, reason: finished.status_reason, counts } }], now);
}

export const DELIVERY_UNKNOWN =
  'delivery unknown: the worker stopped while sending; not retried automatically so nobody gets the message twice';

/** A read first, so idle workers don't take SQLite's write lock every poll. */
export async function hasExpiredClaims(db: Kysely<DB>, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('whatsapp_blast_logs')
    .select('id')
    .where('status', '=', 'sending')
    .where('lease_expires_at', '<', now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Work held by a dead worker: its lease ran out while recipients were `sending`. We cannot know
 * whether the gateway got the request, so they fail as "delivery unknown" (at most once,
 * never twice); the claim owner is kept so a late-but-alive worker can still record the truth.
 */
export async function failExpiredClaims(db: Kysely<DB>, now: number): Promise<number> {
  const rows = await db
    .updateTable('whatsapp_blast_logs')
    .set({ status: 'failed', error_message: DELIVERY_UNKNOWN, lease_expires_at: null, updated_at: now })
    .where('status', '=', 'sending')
    .where('lease_expires_at', '<', now)
    .returning(['blast_id', 'customer_id', 'phone_number'])
    .execute();
  await recordEvents(
    db,
    rows.map((r) => ({
      type: 'message.failed',
      blastId: Number(r.blast_id),
      data: { blast_id: Number(r.blast_id), customer_id: Number(r.customer_id), phone_number: r.phone_number, reason: DELIVERY_UNKNOWN },
    })),
    now,
  );
  const deltas: CounterDeltas = new Map();
  for (const row of rows) bumpCounter(deltas, Number(row.blast_id), 'failed');
  await applyCounterDeltas(db, deltas, now);
  return rows.length;
}

/** The sender for the gateway configured in the environment: created, or resumed from a provider's pause when its credentials changed. */
export async function upsertSender(
  db: Kysely<DB>,
  sender: { key: string; provider: string; fingerprint: string; now: number },
): Promise<{ resumed: boolean }> {
  const existing = await db.selectFrom('senders').selectAll().where('key', '=', sender.key).executeTakeFirst();
  if (!existing) {
    await db
      .insertInto('senders')
      .values({ key: sender.key, provider: sender.provider, source: 'environment', credentials_fingerprint: sender.fingerprint, next_send_at: 0, created_at: sender.now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return { resumed: false };
  }
  if (existing.credentials_fingerprint === sender.fingerprint && existing.provider === sender.provider) return { resumed: false };
  // New credentials are the fix for a provider's pause; an admin's pause stays until the admin resumes.
  const resumes = existing.paused_reason !== null && existing.paused_by !== 'admin';
  await db
    .updateTable('senders')
    .set({
      provider: sender.provider,
      credentials_fingerprint: sender.fingerprint,
      ...(resumes ? { paused_reason: null, paused_at: null, paused_by: null } : {}),
    })
    .where('key', '=', sender.key)
    .execute();
  return { resumed: resumes };
}
