import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type LogEvent,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';
import { GroupCommit } from './group-commit.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type Engine = 'postgres' | 'sqlite';

export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /**
   * A transaction whose commit may be shared with others asked for at the same moment (the
   * sending lanes' frequent small commits): one fsync for many on SQLite (GroupCommit); on
   * PostgreSQL a transaction of its own, as the server groups concurrent commits itself.
   */
  sharedCommit<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: for the statements marked with preparedStatement(), run very often, whose
   * planning costs more than their execution (the send path's one-statement commit). Each runs
   * as a named prepared statement with a generic plan, made once per connection. On connections
   * of their own: `plan_cache_mode` applies to a whole connection, and the other queries need
   * plans made for their values.
   */
  prepared?: Kysely<DB>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Called for every query that takes longer than `slowQueryMs`; never given the parameters. */
  onSlowQuery?: (sql: string, durationMs: number) => void;
  slowQueryMs?: number;
  poolSize?: number;
  /**
   * Told of every connection the server or the network broke (a restart, a reset). The broken
   * connection is dropped from the pool and the next query opens a new one; without a listener
   * node-postgres would raise the error on the process and end it.
   */
  onConnectionError?: (error: Error) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** PostgreSQL when a URL is given; otherwise the embedded SQLite file `DATA_DIR/whatsapp-blast.db`. */
export function connect(options: ConnectOptions): Database {
  const log = (event: LogEvent) => {
    if (event.level !== 'query') return;
    const ms = event.queryDurationMillis;
    if (options.onSlowQuery && ms >= (options.slowQueryMs ?? 500)) options.onSlowQuery(event.query.sql, ms);
  };
  if (options.databaseUrl) {
    const pool = postgresPool(options);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
    const preparedPool = postgresPool(options, { options: '-c plan_cache_mode=force_generic_plan' });
    preparedPool.on('connect', runMarkedStatementsPrepared);
    const prepared = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparedPool }), log });
    return {
      db,
      engine: 'postgres',
      sharedCommit: (work) => db.transaction().execute(work),
      prepared,
      close: async () => {
        await prepared.destroy();
        await db.destroy();
      },
    };
  }
  return sqliteDatabase(options, log);
}

/** A pool of connections to the server, with `extra` settings for its connections. */
function postgresPool(options: ConnectOptions, extra: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    // An unreachable server fails a query after this long instead of leaving it waiting.
    connectionTimeoutMillis: 10_000,
    // A server that vanished without a reset (a dead host) is noticed by the kernel.
    keepAlive: true,
    // Epoch-millisecond columns and COUNT(*) are int8: well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...extra,
  });
  // A client losing its server emits 'error'. The pool listens on idle clients only (it drops
  // them and re-emits on itself: already reported below, so ignored here); a checked-out client
  // has no listener but ours, without which the error would end the process. Its query fails,
  // and the pool discards the client when it is released (it is no longer queryable).
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', (error: Error) => options.onConnectionError?.(error)));
  return pool;
}

/** The embedded engine: one connection to the file, in WAL mode. */
function sqliteDatabase(options: ConnectOptions, log: (event: LogEvent) => void): Database {
  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'whatsapp-blast.db');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed send outcome survives a power cut too, which is what prevents resends.
  sqlite.pragma('synchronous = FULL');
  // Other processes (separate worker/API roles) hold the write lock briefly; wait, don't fail.
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // SQLite's own default page cache (2 MB) rather than better-sqlite3's build default (16 MB):
  // the larger cache filled during a blast's expansion and stayed resident (~28 MB more at the
  // peak of a 1,000,000-recipient blast, no faster; docs/benchmarks.md), and the file's pages
  // stay in the operating system's cache anyway.
  sqlite.pragma('cache_size = -2000');
  const db = new Kysely<DB>({ dialect: new LockingSqliteDialect({ database: withStatementCache(sqlite) }), log });
  const group = new GroupCommit(db);
  return { db, engine: 'sqlite', sharedCommit: (work) => group.run(work), close: () => db.destroy() };
}

/** How a statement asks to be prepared once per connection: `/* prepared: <name> *\/` at its start. */
export const preparedStatement = (name: string) => `/* prepared: ${name} */`;
const PREPARED_MARK = /^\/\* prepared: ([\w-]+) \*\//;

/**
 * Runs the statements marked with preparedStatement() as named prepared statements (on the
 * connections of Database.prepared): PostgreSQL parses and plans each once per connection. Kysely
 * sends every query unnamed, parsed and planned again each time: for the one-statement commit
 * (worker/one-statement-commit.ts) 1.34 ms a statement on a warm connection, against 0.88 ms with
 * its generic plan (the planner's own choice between the two kept planning it: its custom plans
 * see the arrays' lengths and look cheaper). A name stands for one text: pg refuses a name given
 * again with another text.
 */
function runMarkedStatementsPrepared(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' ? PREPARED_MARK.exec(text)?.[1] : undefined;
    return name === undefined ? query(text, values, callback) : query({ name, text, values }, callback);
  }) as typeof client.query;
}

/**
 * Every SQLite transaction starts with BEGIN IMMEDIATE, which takes the file's write lock up
 * front (waiting up to busy_timeout). With Kysely's plain BEGIN, a transaction that reads and
 * then writes fails with SQLITE_BUSY when another process (a separate worker role) wrote in
 * between. It also makes migrations safe when several processes start on one file at once:
 * the second one waits, then sees the first one's work.
 */
class LockingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite does roll DDL back; saying so makes Kysely run each migration batch in a transaction. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
