import { randomBytes } from 'node:crypto';
import { startFakeFonnte, type FakeFonnte } from '../test/fakes/fonnte-fake.js';
import { createBenchDatabase } from './db.js';
import { seedCustomers } from './seed.js';
import { postAllBlast, startBenchService } from './service.js';
import type { BenchContext, Result } from './types.js';
import { int, sec, until } from './util.js';

/** Each number's pause and its gateway's latency: short stand-ins for 3–5 s, same arithmetic. */
const PAUSE_MIN_MS = 200;
const PAUSE_MAX_MS = 300;
const LATENCY_MS = 50;

interface Run {
  senders: number;
  sends: number;
  /** Messages per second over the whole blast (see rateOf). */
  rate: number;
  /** The smallest gap between two requests of one number, over every number. */
  minGapMs: number;
  ms: number;
}

/**
 * Issue 4: five senders on one blast send about five times as fast as one, each keeping its own
 * pause. One blast through one sender, then one through five (`size` recipients per sender),
 * each number with its own fake Fonnte; the rates are measured at the fakes.
 */
export async function benchSenders(ctx: BenchContext): Promise<Result[]> {
  const one = await runBlast(ctx, 1);
  ctx.log(`1 sender: ${int(one.sends)} sends at ${one.rate.toFixed(2)}/s, smallest gap ${one.minGapMs} ms, ${sec(one.ms)}`);
  const five = await runBlast(ctx, 5);
  ctx.log(`5 senders: ${int(five.sends)} sends at ${five.rate.toFixed(2)}/s, smallest gap on one number ${five.minGapMs} ms, ${sec(five.ms)}`);
  const ratio = five.rate / (5 * one.rate);
  return [
    {
      benchmark: 'senders',
      engine: ctx.engine,
      size: ctx.size,
      metric: 'five senders vs 5 × one sender',
      value: `${(ratio * 100).toFixed(1)} %`,
      goal: '≥ 90 %, every gap ≥ the pause',
      pass: ratio >= 0.9 && ratio <= 1.1 && five.minGapMs >= PAUSE_MIN_MS && one.minGapMs >= PAUSE_MIN_MS,
      detail: `1 sender ${one.rate.toFixed(2)}/s, 5 senders ${five.rate.toFixed(2)}/s (${int(five.sends)} sends); pause ${PAUSE_MIN_MS}–${PAUSE_MAX_MS} ms, gateway latency ${LATENCY_MS} ms; smallest gap on one number ${Math.min(one.minGapMs, five.minGapMs)} ms`,
      raw: { one, five, ratio },
    },
  ];
}

async function runBlast(ctx: BenchContext, senders: number): Promise<Run> {
  const fakes: FakeFonnte[] = await Promise.all(
    Array.from({ length: senders }, (_, i) => startFakeFonnte({ token: `bench-sender-${i}-token`, latencyMs: LATENCY_MS })),
  );
  const bench = await createBenchDatabase(ctx.engine);
  try {
    const setup = bench.connect();
    await seedCustomers(setup, ctx.size * senders);
    await setup.close();
    // The environment's sender is the `log` one: it stays out of a blast while real senders exist.
    const service = await startBenchService(bench, 'inproc', { SECRET_KEY: randomBytes(32).toString('hex'), QUIET_HOURS: 'off', WORKER_POLL_MS: '1000' });
    const started = Date.now();
    try {
      for (const [i, fake] of fakes.entries()) {
        const res = await service.api.post('/api/v1/senders', {
          name: `bench ${i}`,
          provider: 'fonnte',
          display_number: `0812${String(9_000_000 + i).padStart(8, '0')}`,
          credentials: { FONNTE_TOKEN: fake.token, FONNTE_BASE_URL: fake.url },
          pause_min_ms: PAUSE_MIN_MS,
          pause_max_ms: PAUSE_MAX_MS,
        });
        if (res.status !== 201) throw new Error(`sender rejected: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const id = await postAllBlast(service.api);
      const total = ctx.size * senders;
      const blast = await until(
        async () => {
          const b = (await service.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
          return ['completed', 'failed'].includes(b.status) ? b : undefined;
        },
        120_000 + total * 1_000,
        `a blast to ${total} recipients`,
        250,
      );
      const sends = fakes.reduce((n, f) => n + f.requests.length, 0);
      const targets = new Set(fakes.flatMap((f) => f.requests.map((r) => r.form.target)));
      if (blast.sent_count !== total || sends !== total || targets.size !== total) {
        throw new Error(`expected ${total} unique sends: blast ${blast.status} sent ${blast.sent_count}; fakes got ${sends} for ${targets.size} numbers`);
      }
      return { senders, sends, rate: rateOf(fakes), minGapMs: smallestGap(fakes), ms: Date.now() - started };
    } finally {
      await service.stop();
    }
  } finally {
    await bench.drop();
    await Promise.all(fakes.map((f) => f.close()));
  }
}

/**
 * Sends per second while the blast ran: each number's k requests span k − 1 of its cycles, so
 * (sends − numbers) over the time from the first request to the last.
 */
function rateOf(fakes: FakeFonnte[]): number {
  const times = fakes.flatMap((f) => f.requests.map((r) => r.at));
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return (times.length - fakes.length) / span;
}

function smallestGap(fakes: FakeFonnte[]): number {
  let smallest = Infinity;
  for (const fake of fakes) {
    const times = fake.requests.map((r) => r.at);
    for (let i = 1; i < times.length; i++) smallest = Math.min(smallest, times[i]! - times[i - 1]!);
  }
  return smallest;
}
