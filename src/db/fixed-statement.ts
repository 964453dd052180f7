import { CompiledQuery, PostgresAdapter, sql, type DialectAdapter, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from './connection.js';
import type { DB } from './schema.js';

/** Stands for the value at `index` in the text built once; replaced by the real value at each run. */
class Slot {
  constructor(readonly index: number) {}
}

/** The values of one run, in the order `build` names them. */
type Slots<A extends readonly unknown[]> = { readonly [I in keyof A]: RawBuilder<A[I]> };

interface Compiled {
  sql: string;
  /** Per parameter of the compiled text: the index of the run's value it takes, or a value fixed in the build. */
  parameters: readonly (Slot | { fixed: unknown })[];
}

/**
 * A statement of the send path whose text never changes: Kysely builds and compiles it once per
 * dialect (and per `shape`, for the few texts that vary, such as a literal LIMIT), and each run
 * sends that text with its own values. Every value of a run goes through a slot of `build`.
 *
 * Why: Kysely builds and compiles every query in JavaScript, each time, even when only the values
 * change. On the send path, five statements a commit, that was ~110 µs of CPU a message on SQLite,
 * a tenth of a message's time with one in flight (docs/benchmarks.md). Variable-length lists go
 * in as one value (a JSON array on SQLite, an array on PostgreSQL), so that the text stays fixed.
 */
export function fixedStatement<R, A extends readonly unknown[], S extends string | number = never>(
  length: A['length'],
  build: (values: Slots<A>, shape: S) => RawBuilder<R>,
): (db: Kysely<DB>, values: A, ...shape: [S] extends [never] ? [] : [S]) => Promise<R[]> {
  const slots = Array.from({ length }, (_, i) => sql.val(new Slot(i))) as unknown as Slots<A>;
  // Per dialect (the compiled text differs: `?` or `$1`), then per shape.
  const compiled = new WeakMap<DialectAdapter, Map<S | undefined, Compiled>>();
  const compile = (db: Kysely<DB>, shape: S | undefined): Compiled => {
    const adapter = db.getExecutor().adapter;
    const byShape = compiled.get(adapter) ?? new Map<S | undefined, Compiled>();
    compiled.set(adapter, byShape);
    let statement = byShape.get(shape);
    if (!statement) {
      const query = build(slots, shape as S).compile(db);
      statement = { sql: query.sql, parameters: query.parameters.map((p) => (p instanceof Slot ? p : { fixed: p })) };
      byShape.set(shape, statement);
    }
    return statement;
  };
  return async (db, values, ...shape) => {
    const statement = compile(db, shape[0]);
    const parameters = statement.parameters.map((p) => (p instanceof Slot ? values[p.index] : p.fixed));
    return (await db.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters))).rows;
  };
}

/**
 * The engine under `db` (a database or one of its transactions), for a statement whose text
 * differs by engine and whose callers don't carry it: its `shape`.
 */
export const engineOf = (db: Kysely<DB>): Engine => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');
