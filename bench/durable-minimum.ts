import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

/**
 * The queue of `npm run bench -- throughput`'s minimal durable loop: the least a send path can write
 * under our crash rule (at most `max_in_flight` recipients of a number "delivery unknown" after a
 * kill), on the engine of the run, with none of our code: one table of messages; each commit
 * records the outcomes that came back and claims the rows for the slots they freed, so a slot
 * never starts a request before the previous outcome in it is durable. No events, counters,
 * templates or leases: what the same engine allows at best, to set our figures against.
 */
export interface MinimumQueue {
  /** Records `sent` and claims up to `limit` pending rows of `number` in one durable commit. */
  commit(number: number, sent: { id: number; providerId: string }[], limit: number): Promise<number[]>;
  close(): Promise<void>;
}

export type MinimumDatabase = { engine: 'sqlite'; dataDir: string } | { engine: 'postgres'; url: string };

/** Creates the queue with `count` rows spread evenly over `numbers` numbers (row i on number i % numbers). */
export async function openMinimumQueue(database: MinimumDatabase, count: number, numbers: number): Promise<MinimumQueue> {
  return database.engine === 'sqlite' ? sqliteMinimum(database.dataDir, count, numbers) : postgresMinimum(database.url, count, numbers);
}

/**
 * One connection with our pragmas (WAL, synchronous FULL); the commits asked for in one turn of
 * the event loop share a transaction and its fsync, as our group commit does.
 */
function sqliteMinimum(dataDir: string, count: number, numbers: number): MinimumQueue {
  const db = new SqliteDatabase(path.join(dataDir, 'durable-minimum.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE minimum_queue (id INTEGER PRIMARY KEY, number INTEGER NOT NULL, status TEXT NOT NULL, provider_id TEXT);
    CREATE INDEX minimum_queue_due ON minimum_queue (number, status, id);`);
  const insert = db.prepare(`INSERT INTO minimum_queue (id, number, status) VALUES (?, ?, 'pending')`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(i, i % numbers);
  })();
  const record = db.prepare(`UPDATE minimum_queue SET status = 'sent', provider_id = ? WHERE id = ?`);
  const claim = db
    .prepare(`UPDATE minimum_queue SET status = 'sending' WHERE id IN (SELECT id FROM minimum_queue WHERE number = ? AND status = 'pending' ORDER BY id LIMIT ?) RETURNING id`)
    .pluck();
  type Work = { run: () => number[]; resolve: (ids: number[]) => void };
  let waiting: Work[] = [];
  const flush = () => {
    const works = waiting;
    waiting = [];
    const claimed = db.transaction(() => works.map((w) => w.run()))();
    works.forEach((w, i) => w.resolve(claimed[i]!));
  };
  return {
    commit(number, sent, limit) {
      return new Promise((resolve) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({
          run: () => {
            for (const s of sent) record.run(s.providerId, s.id);
            return limit > 0 ? (claim.all(number, limit) as number[]).sort((a, b) => a - b) : [];
          },
          resolve,
        });
      });
    },
    async close() {
      db.close();
    },
  };
}

/**
 * One connection per number, each commit ONE statement in autocommit (one round trip, one WAL
 * flush), prepared once with a generic plan: fewer than our commit's three round trips. Written
 * as our claims are (queue.repository's dueRecipientIds), for the same plans: the ids as
 * `= ANY(…)` and the claim as a range of the index, without which the generic plan read the
 * whole table for every commit.
 */
async function postgresMinimum(url: string, count: number, numbers: number): Promise<MinimumQueue> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`DROP TABLE IF EXISTS minimum_queue`);
  await setup.query(`CREATE TABLE minimum_queue (id bigint PRIMARY KEY, number int NOT NULL, status text NOT NULL, provider_id text)`);
  await setup.query(`INSERT INTO minimum_queue (id, number, status) SELECT i, i % $2, 'pending' FROM generate_series(0, $1 - 1) AS i`, [count, numbers]);
  await setup.query(`CREATE INDEX minimum_queue_due ON minimum_queue (number, status, id)`);
  await setup.query(`VACUUM ANALYZE minimum_queue`);
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: numbers }, async () => {
      const client = new pg.Client({ connectionString: url, options: '-c plan_cache_mode=force_generic_plan' });
      await client.connect();
      return client;
    }),
  );
  const text = `WITH recorded AS (
      UPDATE minimum_queue q SET status = 'sent', provider_id = o.provider_id
      FROM unnest($1::bigint[], $2::text[]) AS o(id, provider_id) WHERE q.id = ANY($1::bigint[]) AND q.id = o.id
    ), claimed AS (
      UPDATE minimum_queue SET status = 'sending'
      WHERE id = ANY(ARRAY(
        SELECT id FROM minimum_queue WHERE (number, status, id) > ($3, 'pending', -1) AND (number, status, id) < ($3, 'pending', ${Number.MAX_SAFE_INTEGER})
        ORDER BY number, status, id LIMIT $4))
      RETURNING id
    )
    SELECT id FROM claimed ORDER BY id`;
  return {
    async commit(number, sent, limit) {
      const result = await clients[number]!.query<{ id: string }>({
        name: 'minimum-commit',
        text,
        values: [sent.map((s) => s.id), sent.map((s) => s.providerId), number, limit],
      });
      return result.rows.map((r) => Number(r.id));
    },
    async close() {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}
