import { sql, type Kysely, type RawBuilder } from 'kysely';
import { preparedStatement } from '../db/connection.js';
import { fixedStatement } from '../db/fixed-statement.js';
import type { DB } from '../db/schema.js';
import { outboxRows, wantedBy } from '../events/outbox.repository.js';
import type { NewEvent } from '../events/event-types.js';
import { dueRecipientIds, finishedBlastStatus, messageEvent, outcomeColumns, type ClaimedRecipient, type Outcome, type RecipientOfRow } from './queue.repository.js';

/**
 * PostgreSQL only: sending lanes' usual commits in ONE statement, in autocommit. Each statement
 * is a round trip (0.16–0.25 ms on loopback here), and the usual commit was six (BEGIN, the
 * outcomes, their events, the claim, the counters, COMMIT): with one request in flight that was
 * most of a message's time. The statement takes the commits of several lanes (those of one blast
 * in a process: shared-statement.ts), one `lane` each. Data-modifying `WITH`s do it all at once:
 * - `recorded`: every outcome of a row still claimed by its lane's owner (the same values as
 *   recordOutcomes' UPDATEs, one row per outcome through `unnest`);
 * - `counters`: the blasts' counters moved by what was recorded, and the blasts being claimed
 *   from always updated (by zero when nothing of them was recorded), so that their rows are
 *   locked. A blast this leaves with nothing pending is finished in the same UPDATE, by
 *   completeIfDone's rule (finishedBlastStatus): nobody ever sees its last outcomes while it is
 *   still sending;
 * - `events`: the message events of the rows recorded, then blast.completed / blast.failed of
 *   the blasts finished, for the subscriptions that want them (the message events built here,
 *   the finished ones in SQL from the counters: finishedEventPayload), in one INSERT, in order;
 * - `due`, `slot`, `claimed`: the next recipients, only while that update found the blast
 *   sending (read through its row, so locked only after it): a blast's due rows are read once for
 *   all its lanes and dealt out in lane order, each lane its `limit`. The UPDATE's lock does what claimRecipients' key-share lock does (a pause
 *   or cancel waits for the claim, and a claim after it sees the new state); a key-share lock
 *   would not do here, as the order of a statement's parts is undefined and a row the statement
 *   already updated cannot be locked by it again.
 * Autocommit: two round trips fewer than inside BEGIN … COMMIT, and the blast's counters row is
 * held only until the statement's own commit, not until the process gets round to sending
 * COMMIT. What it leaves, the caller records after it the ordinary way (recordOutcomes): outcomes
 * whose rows were no longer ours (the recovery failed them meanwhile). The claim sees the rows as
 * they were when the statement began: a row released by this very commit is claimed by the next
 * one. Run it on Database.prepared.
 */
/** One lane's part of a one-statement commit. */
export interface LaneCommit {
  /** The owner of the lane's claims: its outcomes are recorded only on rows it still holds. */
  owner: string;
  outcomes: Outcome[];
  /** The recipient of each outcome's row (its events name them). */
  recipients: ReadonlyMap<number, RecipientOfRow>;
  /** Recipients of a started blast to claim, if any. */
  claim?: { blastId: number; senderId: number; leaseExpiresAt: number; limit: number };
}

/**
 * What one lane's part did: the outcomes dealt with, and its claims. PostgreSQL's statement
 * answers only the outcomes it recorded (the others' rows were not the lane's any more, and the
 * caller records them the ordinary way); SQLite's merged statements deal with all of them.
 */
export interface LaneCommitted {
  recorded: Set<number>;
  claimed: ClaimedRecipient[];
}

export async function recordAndClaimAtOnce(db: Kysely<DB>, work: { now: number; lanes: LaneCommit[] }): Promise<LaneCommitted[]> {
  const { now, lanes } = work;
  const outcomes = lanes.flatMap((lane) => lane.outcomes.map((outcome) => ({ outcome, owner: lane.owner })));
  const column = <T>(value: (o: Outcome) => T) => outcomes.map((o) => value(o.outcome));
  const events: { logId: number; owner: string; event: NewEvent }[] = [];
  for (const lane of lanes) {
    for (const outcome of lane.outcomes) {
      const recipient = lane.recipients.get(outcome.id);
      const event = recipient && messageEvent(outcome, recipient);
      if (event) events.push({ logId: outcome.id, owner: lane.owner, event });
    }
  }
  const rows = outboxRows(events.map((e) => e.event), now);
  const claims = lanes.flatMap((lane) => (lane.claim ? [{ owner: lane.owner, ...lane.claim }] : []));
  const claimColumn = <T>(value: (c: (typeof claims)[number]) => T) => claims.map(value);
  const committed = await recordAndClaimStatement(db, [
    now,
    new Date(now).toISOString(),
    column((o) => o.id),
    outcomes.map((o) => o.owner),
    column((o) => o.kind),
    column((o) => (o.kind === 'sent' ? o.at : null)),
    column((o) => (o.kind === 'sent' ? o.providerMessageId : null)),
    column((o) => ('reason' in o ? o.reason : null)),
    column((o) => (o.kind === 'retry' ? o.nextAttemptAt : null)),
    claimColumn((c) => c.owner),
    claimColumn((c) => c.senderId),
    claimColumn((c) => c.blastId),
    claimColumn((c) => c.leaseExpiresAt),
    claimColumn((c) => c.limit),
    events.map((e) => e.logId),
    events.map((e) => e.owner),
    rows.map((r) => r.eventId),
    rows.map((r) => r.type),
    rows.map((r) => r.blastId),
    rows.map((r) => r.payload),
  ]);
  const row = committed[0]!;
  const recorded = new Set(row.recorded.map(([id, owner]) => `${id} ${owner}`));
  return lanes.map((lane) => ({
    recorded: new Set(lane.outcomes.filter((o) => recorded.has(`${o.id} ${lane.owner}`)).map((o) => o.id)),
    claimed: row.claimed.filter((c) => c.claim_owner === lane.owner).map(({ claim_owner: _, ...claimed }) => claimed),
  }));
}

type Committed = { recorded: [number, string][]; claimed: (ClaimedRecipient & { claim_owner: string })[] };

type Column<T> = readonly T[];

/** The statement's values, in the order of its slots: the outcomes', the claims', the message events' columns. */
type StatementValues = [
  now: number,
  createdAt: string,
  ...outcomes: [Column<number>, Column<string>, Column<string>, Column<number | null>, Column<string | null>, Column<string | null>, Column<number | null>],
  ...claims: [Column<string>, Column<number>, Column<number>, Column<number>, Column<number>],
  ...events: [Column<number>, Column<string>, Column<string>, Column<string>, Column<number | null>, Column<string>],
];

// One text, whatever the lanes (their values as arrays): built by Kysely once, prepared once per connection.
const recordAndClaimStatement = fixedStatement<Committed, StatementValues>(
  20,
  ([
    now,
    createdAt,
    outcomeIds,
    outcomeOwners,
    kinds,
    sentAts,
    providerMessageIds,
    reasons,
    nextAttemptAts,
    claimOwners,
    senderIds,
    claimBlastIds,
    leases,
    limits,
    eventLogIds,
    eventOwners,
    eventIds,
    eventTypes,
    eventBlastIds,
    payloads,
  ]) => {
    const finishing = sql`b.pending_count - (d.sent + d.failed + d.skipped) = 0 AND d.sent + d.failed + d.skipped > 0
      AND b.expanded_at IS NOT NULL AND b.status IN ('scheduled', 'queued', 'processing')`;
    const finished = finishedBlastStatus({
      sent: sql`b.sent_count + d.sent`,
      failed: sql`b.failed_count + d.failed`,
      target: sql`b.target_count`,
      reason: sql`b.status_reason`,
    });
    return sql<Committed>`${sql.raw(preparedStatement('record-and-claim'))}
      WITH outcome AS (
        SELECT * FROM unnest(
          CAST(${outcomeIds} AS bigint[]), CAST(${outcomeOwners} AS text[]), CAST(${kinds} AS text[]),
          CAST(${sentAts} AS bigint[]), CAST(${providerMessageIds} AS text[]),
          CAST(${reasons} AS text[]), CAST(${nextAttemptAts} AS bigint[])
        ) AS o(id, owner, kind, at, provider_message_id, reason, next_attempt_at)
      ), lane AS (
        SELECT * FROM unnest(
          CAST(${claimOwners} AS text[]), CAST(${senderIds} AS bigint[]), CAST(${claimBlastIds} AS bigint[]),
          CAST(${leases} AS bigint[]), CAST(${limits} AS int[])
        ) WITH ORDINALITY AS c(owner, sender_id, blast_id, lease_expires_at, claim_limit, n)
      ), recorded AS (
        UPDATE whatsapp_blast_logs l SET ${outcomeColumns(now)}
        FROM outcome o
        -- The ids again, as a condition on the primary key: joined only to \`outcome\`, the rows were
        -- found through the index of rows in flight, all of them, every worker's. The status as a
        -- parameter: with 'sending' written in, the generic plan still chose that partial index
        -- (its estimate of a few rows against ten probes of the key) and read every entry in it,
        -- dead ones included (980 for one row, 3,000 messages into a blast: auto_explain).
        WHERE l.id = ANY(CAST(${outcomeIds} AS bigint[])) AND l.id = o.id AND l.status = ${'sending'} AND l.claim_owner = o.owner
        RETURNING l.id, l.blast_id, l.status, o.owner
      ), moved AS (
        SELECT blast_id, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'failed') AS failed,
          count(*) FILTER (WHERE status = 'skipped') AS skipped
        FROM recorded WHERE status IN ('sent', 'failed', 'skipped') GROUP BY blast_id
      ), counters AS (
        UPDATE whatsapp_blasts b SET
          sent_count = b.sent_count + d.sent, failed_count = b.failed_count + d.failed, skipped_count = b.skipped_count + d.skipped,
          pending_count = b.pending_count - (d.sent + d.failed + d.skipped),
          status = CASE WHEN ${finishing} THEN ${finished.status} ELSE b.status END,
          status_reason = CASE WHEN ${finishing} THEN ${finished.reason} ELSE b.status_reason END,
          completed_at = CASE WHEN ${finishing} THEN CAST(${now} AS bigint) ELSE b.completed_at END
        FROM (SELECT * FROM moved UNION ALL SELECT DISTINCT blast_id, 0, 0, 0 FROM lane WHERE blast_id NOT IN (SELECT blast_id FROM moved)) d
        WHERE b.id = d.blast_id
        -- Finished by this UPDATE: final outcomes recorded, nothing left, and finished (a blast
        -- already finished has no rows in flight to record).
        RETURNING b.id, b.status, b.status_reason, b.target_count, b.sent_count, b.failed_count, b.skipped_count, b.cancelled_count,
          b.pending_count = 0 AND b.status IN ('completed', 'failed') AND d.sent + d.failed + d.skipped > 0 AS finished
      ), finished AS (
        -- Materialised (volatile): one event id per blast, whatever the subscriptions.
        SELECT c.*, CAST(gen_random_uuid() AS text) AS event_id, CASE WHEN c.status = 'completed' THEN 'blast.completed' ELSE 'blast.failed' END AS type
        FROM counters c WHERE c.finished
      ), events AS (
        INSERT INTO webhook_deliveries (subscription_id, event_id, type, blast_id, payload, created_at, pending_since)
        SELECT s.id, e.event_id, e.type, e.blast_id, e.payload, ${now}, ${now}
        FROM (
          SELECT 0 AS part, e.n, e.event_id, e.type, e.blast_id, e.payload
          FROM unnest(
            CAST(${eventLogIds} AS bigint[]), CAST(${eventOwners} AS text[]), CAST(${eventIds} AS text[]), CAST(${eventTypes} AS text[]),
            CAST(${eventBlastIds} AS bigint[]), CAST(${payloads} AS text[])
          ) WITH ORDINALITY AS e(log_id, owner, event_id, type, blast_id, payload, n)
          -- The owner too: two lanes may name one row (a late outcome beside the row's new send).
          JOIN recorded r ON r.id = e.log_id AND r.owner = e.owner
          UNION ALL
          SELECT 1, f.id, f.event_id, f.type, f.id, ${finishedEventPayload(createdAt)} FROM finished f
        ) e
        JOIN ${wantedBy(sql`e.type`)}
        ORDER BY e.part, e.n, s.id
      ), slot AS (
        -- The lanes' claims of one blast, numbered in turn: the due rows are dealt out in that order.
        SELECT c.owner, c.sender_id, c.blast_id, c.lease_expires_at, row_number() OVER (PARTITION BY c.blast_id ORDER BY c.n, g) AS k
        FROM lane c CROSS JOIN generate_series(1, c.claim_limit) g
      ), due AS (
        -- Read (and locked) through the blast's row as \`counters\` left it: only once that UPDATE
        -- holds the row and found the blast sending. Locking due rows first would deadlock with a
        -- cancel, which holds the blast's row and then updates its pending rows.
        SELECT d.id, b.id AS blast_id, row_number() OVER (PARTITION BY b.id ORDER BY d.id) AS k
        FROM (SELECT blast_id, CAST(sum(claim_limit) AS int) AS claim_limit FROM lane GROUP BY blast_id) c
        JOIN counters b ON b.id = c.blast_id AND b.status IN ('queued', 'processing')
        CROSS JOIN LATERAL (${dueRecipientIds('postgres', { blastId: sql`b.id`, now, limit: sql`c.claim_limit` })}) d
      ), claimed AS (
        UPDATE whatsapp_blast_logs l
        SET status = 'sending', attempts = l.attempts + 1, claim_owner = s.owner, sender_id = s.sender_id,
            lease_expires_at = s.lease_expires_at, updated_at = ${now}
        FROM due d JOIN slot s ON s.blast_id = d.blast_id AND s.k = d.k
        WHERE l.id = d.id AND l.status = 'pending'
        RETURNING l.id, l.blast_id, l.customer_id, l.phone_number, l.attempts, l.claim_owner
      )
      SELECT
        (SELECT COALESCE(json_agg(json_build_array(id, owner)), '[]') FROM recorded) AS recorded,
        (SELECT COALESCE(json_agg(json_build_object(
            'id', c.id, 'blast_id', c.blast_id, 'customer_id', c.customer_id, 'phone_number', c.phone_number, 'attempts', c.attempts, 'claim_owner', c.claim_owner,
            'customer', CASE WHEN cu.id IS NULL THEN NULL ELSE json_build_object(
              'name', cu.name, 'phone', cu.phone, 'status', cu.status, 'attributes', cu.attributes, 'opted_out_at', cu.opted_out_at) END)
          ORDER BY c.id), '[]')
         FROM claimed c LEFT JOIN customers cu ON cu.id = c.customer_id) AS claimed`;
  },
);

/**
 * The body of a blast.completed / blast.failed event of `finished` (a row of the statement's
 * `finished`), byte for byte what recordFinishedEvent and outboxRows write with JSON.stringify:
 * the same keys in the same order, the reason through to_json (the escapes JSON.stringify makes).
 */
const finishedEventPayload = (createdAt: RawBuilder<string>) => sql`
  '{"id":"' || f.event_id || '","type":"' || f.type || '","created_at":"' || CAST(${createdAt} AS text) || '","data":{"blast_id":' || f.id ||
  ',"status":"' || f.status || '","reason":' || COALESCE(CAST(to_json(f.status_reason) AS text), 'null') ||
  ',"counts":{"target":' || f.target_count || ',"sent":' || f.sent_count || ',"failed":' || f.failed_count ||
  ',"skipped":' || f.skipped_count || ',"cancelled":' || f.cancelled_count || '}}}'`;
