import { sql, type Kysely } from 'kysely';
import { fixedStatement } from '../db/fixed-statement.js';
import type { DB } from '../db/schema.js';
import type { LaneCommit, LaneCommitted } from './one-statement-commit.js';
import * as queue from './queue.repository.js';

/**
 * SQLite: the usual commits of several lanes (those of one blast in a process:
 * shared-statement.ts) as one set of statements in the caller's transaction, whatever the number
 * of lanes: their outcomes in one UPDATE with one INSERT of their events,
 * their claims in one UPDATE (the blast's due rows dealt out in lane order) with one read of the
 * customers, and the blast's counters moved once, last. Each of those statements has one text,
 * whatever the lanes and outcomes (lists go in as JSON arrays), built by Kysely once
 * (fixed-statement.ts).
 *
 * Why: every lane of a process shares SQLite's one connection, and the send path was bound by
 * that process's CPU, much of it spent per statement (Kysely building and compiling it, SQLite
 * running it): each lane's part of a group commit was seven statements (its savepoint, the
 * outcomes, the events, the claim, the customers, the counters, the release); merged, the lanes
 * share five, and Kysely no longer builds them each time (docs/benchmarks.md).
 *
 * The same contract as PostgreSQL's one statement (one-statement-commit.ts), but an outcome
 * whose row the recovery failed meanwhile is corrected here, as recordOutcomes always does: every
 * outcome is answered as dealt with. A row released by this commit may be claimed by it again
 * (the outcomes are written first), as on the ordinary path. The caller bounds the lanes' rows
 * (MAX_ROWS_PER_SHARED_COMMIT): SQLite binds at most 32,766 parameters per statement.
 */
export async function recordAndClaimMerged(trx: Kysely<DB>, work: { now: number; lanes: LaneCommit[] }): Promise<LaneCommitted[]> {
  const { now, lanes } = work;
  const deltas: queue.CounterDeltas[] = [];
  const claimed: (queue.ClaimedRecipient & { claim_owner: string })[] = [];
  for (const set of statementSets(lanes)) {
    const owners = new Map(set.flatMap((lane) => lane.outcomes.map((o) => [o.id, lane.owner] as const)));
    deltas.push(await queue.recordOutcomes(trx, owners, set.flatMap((lane) => lane.outcomes), now, writeClaimedRowsAtOnce));
    const claimsByBlast = new Map<number, queue.LaneClaim[]>();
    for (const { owner, claim } of set) {
      if (!claim) continue;
      const claims = claimsByBlast.get(claim.blastId) ?? [];
      claims.push({ owner, senderId: claim.senderId, leaseExpiresAt: claim.leaseExpiresAt, limit: claim.limit });
      claimsByBlast.set(claim.blastId, claims);
    }
    for (const [blastId, claims] of claimsByBlast) claimed.push(...(await queue.claimRecipientsForLanes(trx, { blastId, now, lanes: claims })));
  }
  // Last, as on the ordinary path: it may finish the blast, with its event after the messages'.
  await queue.applyCounterDeltas(trx, queue.sumCounterDeltas(deltas), now);
  return lanes.map((lane) => ({
    recorded: new Set(lane.outcomes.map((o) => o.id)),
    claimed: claimed.filter((c) => c.claim_owner === lane.owner).map(({ claim_owner: _, ...recipient }) => recipient),
  }));
}

/**
 * The lanes in sets, in order, so that no row is in the outcomes of two lanes of a set. That
 * happens: a lane outlives its claim, the recovery fails the row, the blast's failed recipients
 * are retried, and another lane claims and sends it before the first lane's late outcome is
 * recorded. Outcomes are matched with their owner by the row's id, so such two go in different
 * sets (the late one then changes nothing, as on the ordinary path).
 */
function statementSets(lanes: LaneCommit[]): LaneCommit[][] {
  const sets: LaneCommit[][] = [];
  let set: LaneCommit[] = [];
  let ids = new Set<number>();
  for (const lane of lanes) {
    if (lane.outcomes.some((o) => ids.has(o.id))) {
      sets.push(set);
      [set, ids] = [[], new Set()];
    }
    set.push(lane);
    for (const o of lane.outcomes) ids.add(o.id);
  }
  if (set.length > 0) sets.push(set);
  return sets;
}

/**
 * The outcomes of several lanes in one UPDATE of a fixed text: one row of the JSON array per
 * outcome, its values as PostgreSQL's one statement sets them (one-statement-commit.ts).
 */
const writeClaimedRowsAtOnce: queue.WriteClaimedRows = async (db, owners, outcomes, now) => {
  const rows = outcomes.map((o) => [
    o.id,
    queue.ownerOf(owners, o.id),
    o.kind,
    o.kind === 'sent' ? o.at : null,
    o.kind === 'sent' ? o.providerMessageId : null,
    'reason' in o ? o.reason : null,
    o.kind === 'retry' ? o.nextAttemptAt : null,
  ]);
  const written = rows.length === 0 ? [] : await writeOutcomes(db, [now, JSON.stringify(rows)]);
  return new Map(written.map(({ id, ...recipient }) => [Number(id), recipient]));
};

const writeOutcomes = fixedStatement<{ id: number } & queue.RecipientOfRow, [number, string]>(
  2,
  ([now, outcomes]) => sql`
    UPDATE whatsapp_blast_logs AS l SET ${queue.outcomeColumns(now)}
    FROM (
      SELECT value ->> 0 AS id, value ->> 1 AS owner, value ->> 2 AS kind, value ->> 3 AS at, value ->> 4 AS provider_message_id,
        value ->> 5 AS reason, value ->> 6 AS next_attempt_at
      FROM json_each(${outcomes})
    ) AS o
    WHERE l.id = o.id AND l.status = 'sending' AND l.claim_owner = o.owner
    RETURNING id, customer_id, phone_number`,
);
