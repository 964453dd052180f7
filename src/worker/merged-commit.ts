import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LaneCommit, LaneCommitted } from './one-statement-commit.js';
import * as queue from './queue.repository.js';

/**
 * SQLite: the usual commits of several lanes (those of one blast in a process:
 * shared-statement.ts) as one set of statements in the caller's transaction, whatever the number
 * of lanes: their outcomes in one UPDATE per kind with one INSERT of their events, their claims in
 * one UPDATE (the blast's due rows dealt out in lane order) with one read of the customers, and
 * the blast's counters moved once, last.
 *
 * Why: every lane of a process shares SQLite's one connection, and the send path was bound by
 * that process's CPU, much of it spent per statement (Kysely building and compiling it, SQLite
 * running it): each lane's commit was seven statements (its savepoint, the outcomes, the events,
 * the claim, the customers, the counters, the release), so eight numbers made some seven
 * statements per message; merged, the lanes of a group commit share six (docs/benchmarks.md).
 *
 * The same contract as PostgreSQL's one statement (one-statement-commit.ts), but an outcome
 * whose row the recovery failed meanwhile is corrected here, as recordOutcomes always does: every
 * outcome is answered as recorded. A row released by this commit may be claimed by it again
 * (the outcomes are written first), as on the ordinary path.
 */
export async function recordAndClaimMerged(trx: Kysely<DB>, work: { now: number; lanes: LaneCommit[] }): Promise<LaneCommitted[]> {
  const { now, lanes } = work;
  const owners = new Map(lanes.flatMap((lane) => lane.outcomes.map((o) => [o.id, lane.owner] as const)));
  const deltas = await queue.recordOutcomes(trx, owners, lanes.flatMap((lane) => lane.outcomes), now);
  const claimsByBlast = new Map<number, queue.LaneClaim[]>();
  for (const { owner, claim } of lanes) {
    if (!claim) continue;
    const claims = claimsByBlast.get(claim.blastId) ?? [];
    claims.push({ owner, senderId: claim.senderId, leaseExpiresAt: claim.leaseExpiresAt, limit: claim.limit });
    claimsByBlast.set(claim.blastId, claims);
  }
  const claimed: (queue.ClaimedRecipient & { claim_owner: string })[] = [];
  for (const [blastId, claims] of claimsByBlast) claimed.push(...(await queue.claimRecipientsForLanes(trx, { blastId, now, lanes: claims })));
  // Last, as on the ordinary path: it may finish the blast, with its event after the messages'.
  await queue.applyCounterDeltas(trx, deltas, now);
  return lanes.map((lane) => ({
    recorded: new Set(lane.outcomes.map((o) => o.id)),
    claimed: claimed.filter((c) => c.claim_owner === lane.owner).map(({ claim_owner: _, ...recipient }) => recipient),
  }));
}
