import { sql, type Kysely } from 'kysely';
import { preparedStatement } from '../db/connection.js';
import type { DB } from '../db/schema.js';
import { outboxRows, recordEvents, wantedBy } from '../events/outbox.repository.js';
import type { NewEvent } from '../events/event-types.js';
import {
  applyCounterDeltas,
  completeIfDone,
  correctRecoveredRows,
  dueRecipientIds,
  messageEvent,
  type ClaimedRecipient,
  type CounterDeltas,
  type Outcome,
  type RecipientOfRow,
} from './queue.repository.js';

/**
 * PostgreSQL only: a sending lane's usual commit in ONE statement. Each statement is a round
 * trip (0.16–0.25 ms on loopback here), and the usual commit was six (BEGIN, the outcomes, their
 * events, the claim, the counters, COMMIT): with one request in flight that was most of a
 * message's time; it is now three (BEGIN, this, COMMIT). Data-modifying `WITH`s do it all at once:
 * - `recorded`: every outcome of a row still claimed by `owner` (the same values as
 *   recordOutcomes' UPDATEs, one row per outcome through `unnest`);
 * - `events`: their message events, for the subscriptions that want them (built here, so their
 *   bodies are the bytes recordEvents writes), only for rows actually recorded;
 * - `counters`: the blasts' counters moved by what was recorded, and the blast being claimed from
 *   always updated (by zero when nothing of it was recorded), so that its row is locked;
 * - `claimed`: the next recipients, only while that update found the blast sending. The
 *   UPDATE's lock does what claimRecipients' key-share lock does (a pause or cancel waits for
 *   the claim, and a claim after it sees the new state); a key-share lock would not do here, as
 *   the order of a statement's parts is undefined and a row the statement already updated cannot
 *   be locked by it again.
 * What it leaves, the caller does in the same transaction with finishAfterOneStatement: outcomes
 * whose rows were no longer ours (the recovery failed them meanwhile), and finishing the blasts it
 * left with nothing pending. The claim sees the rows as they were when the statement began: a row
 * released by this very commit is claimed by the next one. Run it on Database.prepared.
 */
export async function recordAndClaimAtOnce(
  db: Kysely<DB>,
  work: {
    owner: string;
    outcomes: Outcome[];
    /** The recipient of each outcome's row (its events name them). */
    recipients: ReadonlyMap<number, RecipientOfRow>;
    now: number;
    /** Recipients of a started blast to claim, if any. */
    claim?: { blastId: number; senderId: number; leaseExpiresAt: number; limit: number };
  },
): Promise<{ recorded: Set<number>; emptied: number[]; claimed: ClaimedRecipient[] }> {
  const { owner, outcomes, recipients, now, claim } = work;
  const column = <T>(value: (o: Outcome) => T) => outcomes.map(value);
  const events: { logId: number; event: NewEvent }[] = [];
  for (const outcome of outcomes) {
    const recipient = recipients.get(outcome.id);
    const event = recipient && messageEvent(outcome, recipient);
    if (event) events.push({ logId: outcome.id, event });
  }
  const rows = outboxRows(events.map((e) => e.event), now);
  const claimBlast = claim ? sql`UNION ALL SELECT CAST(${claim.blastId} AS bigint), 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM moved WHERE blast_id = ${claim.blastId})` : sql``;
  const claimed = claim
    ? sql`, claimed AS (
        UPDATE whatsapp_blast_logs
        SET status = 'sending', attempts = attempts + 1, claim_owner = ${owner}, sender_id = ${claim.senderId},
            lease_expires_at = ${claim.leaseExpiresAt}, updated_at = ${now}
        WHERE id IN (${dueRecipientIds('postgres', { blastId: claim.blastId, now, limit: claim.limit })})
        AND status = 'pending'
        AND EXISTS (SELECT 1 FROM counters WHERE id = ${claim.blastId} AND status IN ('queued', 'processing'))
        RETURNING id, blast_id, customer_id, phone_number, attempts)`
    : sql`, claimed AS (SELECT NULL::bigint AS id, NULL::bigint AS blast_id, NULL::bigint AS customer_id, NULL::text AS phone_number, NULL::int AS attempts WHERE false)`;
  // Two texts, with and without a claim, each prepared once per connection.
  const result = await sql<{ recorded: number[]; emptied: number[]; claimed: ClaimedRecipient[] }>`${sql.raw(preparedStatement(claim ? 'record-and-claim' : 'record'))}
    WITH outcome AS (
      SELECT * FROM unnest(
        CAST(${column((o) => o.id)} AS bigint[]), CAST(${column((o) => o.kind)} AS text[]),
        CAST(${column((o) => (o.kind === 'sent' ? o.at : null))} AS bigint[]), CAST(${column((o) => (o.kind === 'sent' ? o.providerMessageId : null))} AS text[]),
        CAST(${column((o) => ('reason' in o ? o.reason : null))} AS text[]), CAST(${column((o) => (o.kind === 'retry' ? o.nextAttemptAt : null))} AS bigint[])
      ) AS o(id, kind, at, provider_message_id, reason, next_attempt_at)
    ), recorded AS (
      UPDATE whatsapp_blast_logs l SET
        status = CASE WHEN o.kind IN ('retry', 'released') THEN 'pending' ELSE o.kind END,
        error_message = CASE o.kind WHEN 'sent' THEN NULL WHEN 'released' THEN l.error_message ELSE o.reason END,
        sent_at = CASE WHEN o.kind = 'sent' THEN o.at ELSE l.sent_at END,
        provider_message_id = CASE WHEN o.kind = 'sent' THEN o.provider_message_id ELSE l.provider_message_id END,
        next_attempt_at = CASE WHEN o.kind = 'retry' THEN o.next_attempt_at ELSE l.next_attempt_at END,
        attempts = CASE WHEN o.kind = 'released' THEN l.attempts - 1 ELSE l.attempts END,
        claim_owner = NULL, lease_expires_at = NULL, updated_at = ${now}
      FROM outcome o
      -- The ids again, as a condition on the primary key: joined only to \`outcome\`, the rows were
      -- found through the index of rows in flight, all of them, every worker's.
      WHERE l.id = ANY(CAST(${column((o) => o.id)} AS bigint[])) AND l.id = o.id AND l.status = 'sending' AND l.claim_owner = ${owner}
      RETURNING l.id, l.blast_id, l.status
    ), moved AS (
      SELECT blast_id, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'failed') AS failed,
        count(*) FILTER (WHERE status = 'skipped') AS skipped
      FROM recorded WHERE status IN ('sent', 'failed', 'skipped') GROUP BY blast_id
    ), counters AS (
      UPDATE whatsapp_blasts b SET
        sent_count = b.sent_count + d.sent, failed_count = b.failed_count + d.failed, skipped_count = b.skipped_count + d.skipped,
        pending_count = b.pending_count - (d.sent + d.failed + d.skipped)
      FROM (SELECT * FROM moved ${claimBlast}) d
      WHERE b.id = d.blast_id
      RETURNING b.id, b.status, b.pending_count
    ), events AS (
      INSERT INTO webhook_deliveries (subscription_id, event_id, type, blast_id, payload, created_at, pending_since)
      SELECT s.id, e.event_id, e.type, e.blast_id, e.payload, ${now}, ${now}
      FROM unnest(
        CAST(${events.map((e) => e.logId)} AS bigint[]), CAST(${rows.map((r) => r.eventId)} AS text[]), CAST(${rows.map((r) => r.type)} AS text[]),
        CAST(${rows.map((r) => r.blastId)} AS bigint[]), CAST(${rows.map((r) => r.payload)} AS text[])
      ) WITH ORDINALITY AS e(log_id, event_id, type, blast_id, payload, n)
      JOIN recorded r ON r.id = e.log_id
      JOIN ${wantedBy(sql`e.type`)}
      ORDER BY e.n, s.id
    ) ${claimed}
    SELECT
      (SELECT COALESCE(json_agg(id), '[]') FROM recorded) AS recorded,
      (SELECT COALESCE(json_agg(id), '[]') FROM counters WHERE pending_count = 0) AS emptied,
      (SELECT COALESCE(json_agg(json_build_object(
          'id', c.id, 'blast_id', c.blast_id, 'customer_id', c.customer_id, 'phone_number', c.phone_number, 'attempts', c.attempts,
          'customer', CASE WHEN cu.id IS NULL THEN NULL ELSE json_build_object(
            'name', cu.name, 'phone', cu.phone, 'status', cu.status, 'attributes', cu.attributes, 'opted_out_at', cu.opted_out_at) END)
        ORDER BY c.id), '[]')
       FROM claimed c LEFT JOIN customers cu ON cu.id = c.customer_id) AS claimed`.execute(db);
  const row = result.rows[0]!;
  return { recorded: new Set(row.recorded.map(Number)), emptied: row.emptied.map(Number), claimed: row.claimed };
}

/**
 * The rest of a one-statement commit, in its transaction (rarely anything): the outcomes whose
 * rows were no longer ours, and the blasts the statement left with nothing pending.
 */
export async function finishAfterOneStatement(trx: Kysely<DB>, owner: string, late: Outcome[], emptied: number[], now: number): Promise<void> {
  const deltas: CounterDeltas = new Map();
  const events: NewEvent[] = [];
  await correctRecoveredRows(trx, owner, late, now, { deltas, events });
  await recordEvents(trx, events, now);
  for (const blastId of emptied) await completeIfDone(trx, blastId, now);
  await applyCounterDeltas(trx, deltas, now);
}
