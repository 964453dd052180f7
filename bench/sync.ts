import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_CUSTOMERS_PER_REQUEST } from '../src/customers/customers.schema.js';
import { ADMIN, mobileNumber } from '../test/helpers.js';
import { createBenchDatabase, dropAll, pgBackendsCpuMs } from './db.js';
import { startBenchService } from './service.js';
import type { BenchContext, Result } from './types.js';
import { int, ownCpuMs, processCpuMs, sec } from './util.js';

/** Issue 12: a million customers synced by id over HTTP in a minute on the server engine. */
const GOAL_MS = 60_000;
/** Requests in flight at once: what an integrator's sync job would reasonably run. */
const CONCURRENCY = 4;
const BATCH = MAX_CUSTOMERS_PER_REQUEST;

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Issue 12 goal: N customers (1,000,000 by default) synced by the integrator's own ids with
 * POST /api/v1/customers, in requests of the maximum batch (MAX_CUSTOMERS_PER_REQUEST), CONCURRENCY
 * at a time, into the real service in a child process (as `--memory-mode` says: node dist/main.js
 * by default). Three passes over the same ids, each one measured: the first sync (every customer
 * created), the same data again (every customer unchanged: nothing may be written), and a sync
 * where every 10th customer changed (updated). Ids are sparse (1000 + 3i), as an integrator's are
 * after deletions. Each answer's counts are checked against what the pass must give.
 */
export async function benchSync(ctx: BenchContext): Promise<Result[]> {
  const { engine, size } = ctx;
  const bench = await createBenchDatabase(engine);
  try {
    const env = {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PORT: '0',
      // One token sends a few hundred requests per pass; the default 600 a minute is for people.
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      QUIET_HOURS: 'off',
      // NODE_OPTIONS for the service, e.g. "--import=./profiler.mjs" (a preload that starts the
      // inspector's CPU profiler: Node refuses --cpu-prof in NODE_OPTIONS).
      ...(process.env.BENCH_SYNC_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SYNC_NODE_OPTIONS } : {}),
    };
    const service = await startBenchService(bench, ctx.memoryMode, env, ctx.log);
    try {
      const passes: [string, (i: number) => boolean, Counts][] = [
        ['first sync: every customer created', () => false, { created: size, updated: 0, unchanged: 0 }],
        ['same data again: every customer unchanged', () => false, { created: 0, updated: 0, unchanged: size }],
        ['every 10th customer changed', (i) => i % 10 === 0, { created: 0, updated: Math.ceil(size / 10), unchanged: size - Math.ceil(size / 10) }],
      ];
      const results: Result[] = [];
      for (const [label, changed, expected] of passes) {
        const cpuBefore = service.pid ? processCpuMs(service.pid) : NaN;
        const pgBefore = await pgBackendsCpuMs(bench, processCpuMs);
        const clientBefore = ownCpuMs();
        const started = performance.now();
        const got = await syncAll(service.api.baseUrl, service.api.token!, size, changed);
        const elapsed = performance.now() - started;
        const cpu = service.pid ? processCpuMs(service.pid) - cpuBefore : NaN;
        const clientCpu = ownCpuMs() - clientBefore;
        const pgCpu = (await pgBackendsCpuMs(bench, processCpuMs)) - pgBefore;
        if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${label}: counted ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
        const rate = Math.round(size / (elapsed / 1000));
        const cpus = `CPU: service ${sec(cpu)}, PostgreSQL backends ${sec(pgCpu)}, this client ${sec(clientCpu)}`;
        ctx.log(`${label}: ${sec(elapsed)} (${int(rate)} customers/s); ${cpus}`);
        results.push({
          benchmark: 'sync',
          engine,
          size,
          metric: `sync by id over HTTP — ${label}`,
          value: sec(elapsed),
          goal: engine === 'postgres' ? '≤ 60 s' : '(report)',
          pass: engine === 'postgres' ? elapsed <= GOAL_MS : undefined,
          detail: `${int(rate)} customers/s; ${Math.ceil(size / BATCH)} requests of ${int(BATCH)}, ${CONCURRENCY} at a time; created ${int(got.created)}, updated ${int(got.updated)}, unchanged ${int(got.unchanged)}; ${cpus}; ${ctx.memoryMode === 'compiled' ? 'node dist/main.js' : 'tsx src/main.ts'}`,
          raw: { ms: elapsed, counts: got, cpuMs: cpu, pgCpuMs: pgCpu, clientCpuMs: clientCpu },
        });
      }
      return results;
    } finally {
      await service.stop();
    }
  } finally {
    await bench.drop();
  }
}

/** One pass: every batch posted, CONCURRENCY at a time; returns the summed counts. */
async function syncAll(baseUrl: string, token: string, size: number, changed: (i: number) => boolean): Promise<Counts> {
  const total: Counts = { created: 0, updated: 0, unchanged: 0 };
  let next = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= size) return;
      next += BATCH;
      const customers = [];
      for (let i = from; i < Math.min(from + BATCH, size); i++) customers.push(customer(i, changed(i)));
      const response = await fetch(`${baseUrl}/api/v1/customers`, {
        method: 'POST',
        // The counts are all a sync needs: the service then reads back nothing it did not write.
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'return=minimal' },
        body: JSON.stringify({ customers }),
      });
      const body = (await response.json()) as Counts & { message?: string };
      if (response.status !== 200 && response.status !== 201) throw new Error(`sync answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
      total.created += body.created;
      total.updated += body.updated;
      total.unchanged += body.unchanged;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return total;
}

const CITIES = ['Jakarta', 'Bandung', 'Surabaya', 'Medan', 'Makassar'];

function customer(i: number, changed: boolean) {
  return {
    id: 1000 + 3 * i,
    name: changed ? `Customer ${i} (renamed)` : `Customer ${i}`,
    phone: mobileNumber(i),
    status: i % 7 === 0 ? 'vip' : 'active',
    attributes: { city: CITIES[i % CITIES.length]!, tier: i % 3 === 0 ? 'gold' : 'silver', points: i % 1000 },
  };
}

// `tsx bench/sync.ts [size] [engine] [compiled|child]`: this benchmark alone.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [size = '1000000', engine = 'postgres', mode = 'compiled'] = process.argv.slice(2);
  const ctx = {
    engine,
    size: Number(size.replace(/_/g, '')),
    memoryMode: mode,
    log: (line: string) => process.stdout.write(`[sync ${engine} ${size}] ${line}\n`),
  } as unknown as BenchContext;
  try {
    for (const r of await benchSync(ctx)) process.stdout.write(`${r.metric}: ${r.value} (goal ${r.goal}, ok ${r.pass}) ${r.detail}\n`);
  } finally {
    await dropAll();
  }
}
