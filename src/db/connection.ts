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
    });
    // A client losing its server emits 'error'. The pool listens on idle clients only (it drops
    // them and re-emits on itself: already reported below, so ignored here); a checked-out client
    // has no listener but ours, without which the error would end the process. Its query fails,
    // and the pool discards the client when it is released (it is no longer queryable).
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', (error: Error) => options.onConnectionError?.(error)));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
    return { db, engine: 'postgres', sharedCommit: (work) => db.transaction().execute(work), close: () => db.destroy() };
  }
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
