import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database, type Engine } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** The PostgreSQL server the bench creates its throw-away databases on. */
export const PG_SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  engine: Engine;
  /** DATABASE_URL for the service (undefined on SQLite). */
  url: string | undefined;
  /** DATA_DIR for the service (always a fresh temporary folder). */
  dataDir: string;
  /** The PostgreSQL database's name (undefined on SQLite). */
  name: string | undefined;
  /** DATABASE_URL / DATA_DIR, ready to merge into a service environment. */
  env: Record<string, string | undefined>;
  /** A fresh connection (the caller closes it); `onQuery` sees every statement and its duration. */
  connect(onQuery?: (sql: string, ms: number) => void): Database;
  drop(): Promise<void>;
}

const live = new Set<BenchDatabase>();

/** Drops every database this process created and has not dropped yet (Ctrl-C, failures). */
export async function dropAll(): Promise<void> {
  for (const db of [...live]) await db.drop().catch(() => {});
}

/**
 * A fresh, migrated database: a new SQLite file in a temporary DATA_DIR, or a new database
 * `wb_bench_<pid>_<hex>` on BENCH_PG_URL's server, dropped (WITH FORCE) by `drop()`.
 */
export async function createBenchDatabase(engine: Engine): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wb-bench-'));
  let url: string | undefined;
  let name: string | undefined;
  if (engine === 'postgres') {
    name = `wb_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const u = new URL(PG_SERVER_URL);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const connectTo = (onQuery?: (sql: string, ms: number) => void) =>
    connect({ databaseUrl: url, dataDir, poolSize: 4, slowQueryMs: onQuery ? 0 : 1e12, onSlowQuery: onQuery });
  let dropped = false;
  const db: BenchDatabase = {
    engine,
    url,
    name,
    dataDir,
    env: { DATABASE_URL: url, DATA_DIR: dataDir },
    connect: connectTo,
    async drop() {
      if (dropped) return;
      dropped = true;
      live.delete(db);
      if (name) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  live.add(db);
  const database = connectTo();
  try {
    await migrateToLatest(database);
  } finally {
    await database.close();
  }
  return db;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** `SELECT version()` of the bench's PostgreSQL server, or the error text. */
export async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: PG_SERVER_URL });
  try {
    await client.connect();
    const res = await client.query<{ v: string; fsync: string; sc: string }>(
      `SELECT version() AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc`,
    );
    const row = res.rows[0]!;
    return `${row.v.split(' on ')[0]} (fsync ${row.fsync}, synchronous_commit ${row.sc})`;
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PgStats {
  commits: number;
  updated: number;
  inserted: number;
}

/** Cumulative counters of a bench database (PostgreSQL only), from pg_stat_database. */
export async function pgStats(db: BenchDatabase): Promise<PgStats | undefined> {
  if (!db.name) return undefined;
  const client = new pg.Client({ connectionString: PG_SERVER_URL });
  await client.connect();
  try {
    // Backends flush their counters when they exit; give the last ones a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.query('SELECT pg_stat_clear_snapshot()');
    const res = await client.query<{ c: string; u: string; i: string }>(
      'SELECT xact_commit AS c, tup_updated AS u, tup_inserted AS i FROM pg_stat_database WHERE datname = $1',
      [db.name],
    );
    const row = res.rows[0];
    return row && { commits: Number(row.c), updated: Number(row.u), inserted: Number(row.i) };
  } finally {
    await client.end();
  }
}

/**
 * What autovacuum would do for the hot table, from outside the service: `VACUUM ANALYZE
 * whatsapp_blast_logs` every `seconds` until stopped (PostgreSQL only). This machine's server
 * runs with autovacuum = off; this shows what the service does where it is on.
 */
export function startPgVacuumLoop(db: BenchDatabase, seconds: number, log: (line: string) => void): { stop(): Promise<{ runs: number; ms: number }> } {
  if (!db.url || seconds <= 0) return { stop: async () => ({ runs: 0, ms: 0 }) };
  let stopping = false;
  let runs = 0;
  let ms = 0;
  const loop = (async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      while (!stopping) {
        const started = performance.now();
        await client.query('VACUUM ANALYZE whatsapp_blast_logs');
        ms += performance.now() - started;
        runs += 1;
        for (let waited = 0; waited < seconds * 1000 && !stopping; waited += 100) await new Promise((r) => setTimeout(r, 100));
      }
    } catch (error) {
      log(`vacuum loop stopped: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return { runs, ms };
    },
  };
}

/**
 * CPU time (ms) used so far by the PostgreSQL backends connected to a bench database, summed
 * (PostgreSQL only, server on this machine). Backends that exit between two readings drop out,
 * so compare readings taken while the same pool stays connected.
 */
export async function pgBackendsCpuMs(db: BenchDatabase, cpuOf: (pid: number) => number): Promise<number> {
  if (!db.name) return NaN;
  const client = new pg.Client({ connectionString: PG_SERVER_URL });
  await client.connect();
  try {
    const res = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
    return res.rows.reduce((sum, row) => sum + (cpuOf(row.pid) || 0), 0);
  } finally {
    await client.end();
  }
}
