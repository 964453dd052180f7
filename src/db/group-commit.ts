import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

type Work<T> = (trx: Kysely<DB>) => Promise<T>;

interface Waiting {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Runs the small transactions that callers ask for in one turn of the event loop as one SQLite
 * transaction, each inside its own savepoint, so that they share one commit and its fsync.
 *
 * Why: the sending lanes of a process share SQLite's one connection, and each lane commits its
 * outcomes before its next send (the crash rule). With an fsync per lane per message, eight
 * numbers sent barely faster than one; sharing the commits made them 1.5–2× as fast
 * (docs/benchmarks.md).
 *
 * A work that throws is rolled back to its savepoint and rejects alone; the others commit. A
 * work resolves only once the commit that holds it has ended, so nothing it wrote is reported
 * before it is durable. PostgreSQL needs none of this: its lanes have connections of their own
 * and the server groups concurrent commits itself.
 */
export class GroupCommit {
  readonly #db: Kysely<DB>;
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // The end of this turn: every caller woken by the same batch of answers joins in.
      setImmediate(() => {
        this.#scheduled = false;
        void this.#commit(this.#waiting.splice(0));
      });
    });
  }

  async #commit(batch: Waiting[]): Promise<void> {
    const settled: (() => void)[] = [];
    try {
      await this.#db.transaction().execute(async (trx) => {
        // Alone, a work needs no savepoint: its failure rolls the transaction back.
        if (batch.length === 1) {
          const [only] = batch as [Waiting];
          const value = await only.work(trx);
          settled.push(() => only.resolve(value));
          return;
        }
        for (const waiting of batch) {
          await sql`SAVEPOINT group_member`.execute(trx);
          try {
            const value = await waiting.work(trx);
            await sql`RELEASE group_member`.execute(trx);
            settled.push(() => waiting.resolve(value));
          } catch (error) {
            // Undoes this work only; if even that fails the transaction is lost and all reject.
            await sql`ROLLBACK TO group_member`.execute(trx);
            await sql`RELEASE group_member`.execute(trx);
            settled.push(() => waiting.reject(error));
          }
        }
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    for (const settle of settled) settle();
  }
}
