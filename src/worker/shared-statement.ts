import type { Clock } from '../clock.js';
import type { LaneCommit, LaneCommitted } from './one-statement-commit.js';

/** Runs several lanes' commits as one: PostgreSQL's one statement, SQLite's merged statements. */
export type LanesCommit = (now: number, lanes: LaneCommit[]) => Promise<LaneCommitted[]>;

interface Waiting {
  lane: LaneCommit;
  resolve(committed: LaneCommitted): void;
  reject(error: unknown): void;
}

/**
 * Outcomes and claims per shared commit, at most (lanes beyond wait for the next one). A lane has
 * at most 100 in flight, but many lanes of one blast could make one statement of thousands:
 * SQLite binds at most 32,766 parameters per statement (an outcome takes about seven), and
 * PostgreSQL's generic plan for the one statement matches outcomes to rows in a nested loop when
 * its statistics are thin (50 lanes of 100 took 8 s; docs/benchmarks.md).
 */
export const MAX_ROWS_PER_SHARED_COMMIT = 256;

/** How many of the first `waiting` lanes go in one shared commit: at least one. */
function lanesThatFit(waiting: { lane: LaneCommit }[]): number {
  let rows = 0;
  let count = 0;
  for (const { lane } of waiting) {
    rows += lane.outcomes.length + (lane.claim?.limit ?? 0);
    if (count > 0 && rows > MAX_ROWS_PER_SHARED_COMMIT) break;
    count += 1;
  }
  return count;
}

/**
 * The usual commits of a process's lanes sending the same blast run as one: those asked for in
 * one turn of the event loop together, and while one runs, those asked for meanwhile wait and go
 * together in the next. On PostgreSQL that is one statement (one-statement-commit.ts), on SQLite
 * one set of statements inside the group commit (merged-commit.ts).
 *
 * Why: on PostgreSQL each statement updates the blast's counters row, and holds that row until
 * its commit is flushed to disk, so the lanes of one blast took turns, one flush each: eight
 * numbers sent 199 messages/s where one number sent 527 (docs/benchmarks.md). One statement for
 * all of them takes the row and flushes once. On SQLite the lanes already shared a commit, but
 * each lane's part was seven statements, and the process's CPU per statement was the limit. Only
 * lanes of the same blast share: a statement of several blasts would lock their rows in an order
 * of its own, and two processes could deadlock.
 *
 * A lane's part resolves once its commit has ended; if it fails, every part rejects (its lane
 * then commits the ordinary way, which hands back claims that may have happened).
 */
export class SharedStatement {
  readonly #commitLanes: LanesCommit;
  readonly #clock: Clock;
  /** Per blast: the parts waiting for its next statement (present while a statement of it is due or running). */
  readonly #waiting = new Map<number, Waiting[]>();

  constructor(commitLanes: LanesCommit, clock: Clock) {
    this.#commitLanes = commitLanes;
    this.#clock = clock;
  }

  commit(blastId: number, lane: LaneCommit): Promise<LaneCommitted> {
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(blastId);
      if (waiting) {
        waiting.push({ lane, resolve, reject });
        return;
      }
      this.#waiting.set(blastId, [{ lane, resolve, reject }]);
      void this.#runStatements(blastId);
    });
  }

  /** Statements for `blastId` one after the other, as long as parts are waiting. */
  async #runStatements(blastId: number): Promise<void> {
    const waiting = this.#waiting.get(blastId)!;
    while (waiting.length > 0) {
      // The end of this turn: every lane woken by the same batch of answers (or by the statement
      // just ended) joins in, after the requests they started are written to their sockets.
      await new Promise(setImmediate);
      const batch = waiting.splice(0, lanesThatFit(waiting));
      try {
        const committed = await this.#commitLanes(this.#clock.now(), batch.map((w) => w.lane));
        batch.forEach((w, i) => w.resolve(committed[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.#waiting.delete(blastId);
  }
}
