import { ADMIN, Api } from '../test/helpers.js';
import { spawnService } from '../test/process-helpers.js';
import { createBenchDatabase } from './db.js';
import { seedCustomers } from './seed.js';
import { urlOf } from './service.js';
import type { BenchContext, Result } from './types.js';
import { children, ms, stopChild, summarize } from './util.js';

const WARM_UP = 10;

/**
 * Goal 1: POST /api/v1/whatsapp/blast {target_type:'all'} with N customers, sequentially over
 * real HTTP to the real entry point (src/main.ts) in a child process with ROLE=api (no worker,
 * so no expansion competes). Latency = request start to the last byte of the 202.
 */
export async function benchAccept(ctx: BenchContext): Promise<Result[]> {
  const { engine, size } = ctx;
  const bench = await createBenchDatabase(engine);
  try {
    const setup = bench.connect();
    const seeded = await seedCustomers(setup, size);
    await setup.close();
    ctx.log(`seeded ${size} customers in ${(seeded.ms / 1000).toFixed(1)} s`);

    const proc = spawnService({
      ...bench.env,
      ROLE: 'api',
      PORT: '0',
      LOG_LEVEL: 'info', // the production default: fastify logs every request
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    children.add(proc.child);
    try {
      const api = new Api(await urlOf(proc));
      await api.login();
      const post = async () => {
        const started = performance.now();
        const res = await api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
        const elapsed = performance.now() - started;
        if (res.status !== 202) throw new Error(`blast rejected: ${res.status} ${JSON.stringify(res.body)}`);
        return elapsed;
      };
      const warmUp: number[] = [];
      for (let i = 0; i < WARM_UP; i++) warmUp.push(await post());
      const latencies: number[] = [];
      for (let i = 0; i < ctx.acceptRequests; i++) latencies.push(await post());

      // ROLE=api: every blast must still be queued and unresolved (nothing expanded behind our back).
      const check = bench.connect();
      const queued = await check.db
        .selectFrom('whatsapp_blasts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'queued')
        .where('expanded_at', 'is', null)
        .executeTakeFirstOrThrow();
      await check.close();
      if (Number(queued.n) !== WARM_UP + ctx.acceptRequests) throw new Error(`expected ${WARM_UP + ctx.acceptRequests} queued blasts, found ${queued.n}`);

      const s = summarize(latencies);
      ctx.log(`${s.n} blasts: p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(s.max)}; first warm-up request ${ms(warmUp[0]!)}`);
      return [
        {
          benchmark: 'accept',
          engine,
          size,
          metric: 'POST blast p95',
          value: ms(s.p95),
          goal: '≤ 50 ms',
          pass: s.p95 <= 50,
          detail: `${s.n} sequential requests after ${WARM_UP} warm-up: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, mean ${ms(s.mean)}; first request ${ms(warmUp[0]!)}`,
          raw: { ...s, warmUp, seedMs: seeded.ms },
        },
      ];
    } finally {
      await stopChild(proc.child, proc.exited);
    }
  } finally {
    await bench.drop();
  }
}
