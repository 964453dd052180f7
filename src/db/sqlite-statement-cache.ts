import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Enough for every distinct statement of the send path and the API; older ones are compiled again. */
const CACHED_STATEMENTS = 500;

/**
 * The SQLite file as Kysely sees it, with compiled statements kept by their SQL text. Kysely's
 * SQLite driver calls `prepare` for every query, and better-sqlite3 compiles the statement each
 * time: about a sixth of the send path's CPU per message (docs/benchmarks.md). A statement that
 * is being iterated (`busy`) is never handed out twice; a fresh one is compiled instead.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, size = CACHED_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last: the first key is the one to evict.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
