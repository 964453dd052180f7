import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import { insertRecipients } from '../src/blasts/recipients.repository.js';
import type { DB } from '../src/db/schema.js';
import { expandNextBlast } from '../src/worker/expansion.js';
import { createBenchDatabase, type BenchDatabase } from './db.js';
import { insertAdmin, insertQueuedAllBlast, seedCustomers } from './seed.js';
import type { BenchContext, Result } from './types.js';

/**
 * Goal 2: one queued `all` blast over N customers; time `expandNextBlast` (the worker's whole
 * expansion transaction: lock, INSERT … SELECT, counters) and break it down per statement.
 */
export async function benchExpand(ctx: BenchContext): Promise<Result[]> {
  const { engine, size } = ctx;
  const bench = await createBenchDatabase(engine);
  try {
    const setup = bench.connect();
    const seeded = await seedCustomers(setup, size);
    const blastId = await insertQueuedAllBlast(setup, await insertAdmin(setup));
    // Write the seed out first, so the timed expansion does not also pay for flushing it (a real
    // customer table was written long before its blast).
    if (engine === 'postgres') await sql`CHECKPOINT`.execute(setup.db).catch(() => ctx.log('CHECKPOINT refused (not a superuser?)'));
    else await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(setup.db);
    await setup.close();
    ctx.log(`seeded ${size} customers in ${(seeded.ms / 1000).toFixed(1)} s`);

    const statements: { sql: string; ms: number }[] = [];
    const database = bench.connect((text, ms) => statements.push({ sql: text, ms }));
    let elapsed: number;
    let expanded: Awaited<ReturnType<typeof expandNextBlast>>;
    try {
      const started = performance.now();
      expanded = await expandNextBlast(database, Date.now());
      elapsed = performance.now() - started;
    } finally {
      await database.close();
    }
    if (!expanded || expanded.blastId !== blastId || expanded.pending !== size) {
      throw new Error(`expansion resolved ${JSON.stringify(expanded)}, expected ${size} pending recipients of blast ${blastId}`);
    }
    const breakdown = statements
      .filter((s) => s.ms >= 1)
      .map((s) => `${describe(s.sql)} ${fmtMs(s.ms)}`)
      .join(', ');
    ctx.log(`expandNextBlast: ${fmtMs(elapsed)} (${breakdown})`);

    if (ctx.explain && engine === 'postgres') await explainInsert(bench, ctx);

    const goal = engine === 'postgres' ? 5_000 : undefined;
    return [
      {
        benchmark: 'expand',
        engine,
        size,
        metric: 'expandNextBlast',
        value: `${(elapsed / 1000).toFixed(2)} s`,
        goal: goal === undefined ? '(report)' : '≤ 5 s',
        pass: goal === undefined ? undefined : elapsed <= goal,
        detail: `${Math.round(size / (elapsed / 1000)).toLocaleString('en-US')} rows/s; ${breakdown}`,
        raw: { ms: elapsed, seedMs: seeded.ms, statements },
      },
    ];
  } finally {
    await bench.drop();
  }
}

function describe(text: string): string {
  const t = text.trim().toLowerCase();
  if (t.startsWith('insert into "whatsapp_blast_logs"')) return 'INSERT…SELECT';
  if (t.startsWith('select "status", count')) return 'count by status';
  if (t.startsWith('update "whatsapp_blasts"')) return 'update blast';
  if (t.startsWith('select "id", "target_type"')) return 'lock blast';
  if (t === 'commit') return 'COMMIT';
  return t.split(/\s+/).slice(0, 3).join(' ');
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the expansion's INSERT … SELECT for a second blast, rolled back.
 * The SQL is exactly what recipients.repository.ts builds: compiled through a Kysely whose
 * driver only records the statement.
 */
async function explainInsert(bench: BenchDatabase, ctx: BenchContext): Promise<void> {
  const database = bench.connect();
  try {
    const blastId = await insertQueuedAllBlast(database, await insertAdmin(database));
    const insert = await compileInsert(blastId);
    await database.db
      .transaction()
      .execute(async (trx) => {
        const plan = await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${inline(insert.sql, insert.parameters)}`).execute(trx);
        ctx.log(`EXPLAIN (ANALYZE, BUFFERS) of the expansion INSERT (rolled back):\n${plan.rows.map((r) => '    ' + r['QUERY PLAN']).join('\n')}`);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  } finally {
    await database.close();
  }
}

async function compileInsert(blastId: number): Promise<CompiledQuery> {
  let captured: CompiledQuery | undefined;
  const connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery) => {
      captured = query;
      return { rows: [] as R[] };
    },
    streamQuery: () => {
      throw new Error('not used');
    },
  };
  const dry = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: (): Driver => ({
        init: async () => {},
        acquireConnection: async () => connection,
        beginTransaction: async () => {},
        commitTransaction: async () => {},
        rollbackTransaction: async () => {},
        releaseConnection: async () => {},
        destroy: async () => {},
      }),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  await insertRecipients(dry, 'postgres', { id: blastId, target_type: 'all', target_params: null }, Date.now());
  await dry.destroy();
  if (!captured) throw new Error('the INSERT was not captured');
  return captured;
}

class Rollback extends Error {}

/** Inlines $n parameters (numbers and strings) so EXPLAIN sees the same literals. */
function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = parameters[Number(n) - 1];
    return typeof value === 'number' || typeof value === 'bigint' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}
