import http from 'node:http';
import { createBenchDatabase } from './db.js';
import { startGateway, type BenchGateway } from './fast-fonnte.js';
import { seedCustomers } from './seed.js';
import { postAllBlast, startBenchService, unpacedFonnteEnv } from './service.js';
import type { BenchContext, Result } from './types.js';
import { int, ownCpuMs, processCpuMs, sec, until } from './util.js';
import { pgStats, startPgVacuumLoop } from './db.js';

/**
 * Goal 3: messages per second with pauses at 0, through the real Fonnte adapter against a
 * loopback fake. rate = recipients / (last request's arrival − first request's arrival) at the
 * fake, cross-checked with the logs' sent_at. Beside it: sequential bare `fetch` POSTs of the
 * same form to the same fake from this process (no database), the ceiling of one sending number.
 * Runs once per fake in `ctx.dispatchFakes` (the project's test fake, and/or the timer-free one).
 */
export async function benchDispatch(ctx: BenchContext): Promise<Result[]> {
  const results: Result[] = [];
  for (const kind of ctx.dispatchFakes) results.push(await dispatchOnce(ctx, kind));
  return results;
}

async function dispatchOnce(ctx: BenchContext, kind: 'test' | 'fast'): Promise<Result> {
  const { engine, size } = ctx;
  const fake = await startGateway(kind);
  const bench = await createBenchDatabase(engine);
  try {
    const bare = await bareHttpRate(fake, ctx.bareRequests);
    const nodeHttp = await bareNodeHttpRate(fake, ctx.bareRequests);
    ctx.log(
      `${kind} fake, bare HTTP: fetch ${int(bare.rate)}/s (${int(bare.cpuUsPerRequest)} µs CPU each), node:http keep-alive ${int(nodeHttp.rate)}/s (${int(nodeHttp.cpuUsPerRequest)} µs), ${int(bare.count)} sequential POSTs each`,
    );
    fake.reset();

    const setup = bench.connect();
    await seedCustomers(setup, size);
    await setup.close();

    // Counters of the bench database before the service starts and after it stopped (backends
    // flush their statistics when they exit): the service's start-up and the API polls are included.
    const pgBefore = await pgStats(bench);
    const service = await startBenchService(bench, ctx.dispatchMode, unpacedFonnteEnv(fake), ctx.log);
    let blast: any;
    let blastId = 0;
    // CPU of the service and the fake (one process in-process; two processes otherwise).
    const cpu = () => ownCpuMs() + (service.pid ? processCpuMs(service.pid) : 0);
    let cpuUsed = 0;
    const posted = Date.now();
    // Started once the recipients are resolved: an ANALYZE that runs while the expansion's
    // INSERT is uncommitted records the table as empty, and the claim's plan then rescans the
    // whole queue for every row — a state autovacuum can produce too.
    let vacuum: ReturnType<typeof startPgVacuumLoop> | undefined;
    let vacuumed = { runs: 0, ms: 0 };
    try {
      const cpuBefore = cpu();
      blastId = await postAllBlast(service.api);
      blast = await until(
        async () => {
          const b = (await service.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data;
          if (b.recipients_resolved && !vacuum) vacuum = startPgVacuumLoop(bench, ctx.pgVacuumSeconds, ctx.log);
          return ['completed', 'failed'].includes(b.status) ? b : undefined;
        },
        60_000 + size * 10,
        `a blast to ${size} recipients to complete`,
        250,
      );
      cpuUsed = cpu() - cpuBefore;
    } finally {
      if (vacuum) vacuumed = await vacuum.stop();
      await service.stop();
    }
    const pgAfter = await pgStats(bench);
    const done = Date.now();
    const warnings = service.lines.filter((l) => /"level":(40|50|60)/.test(l));

    const sends = fake.count();
    const distinct = fake.distinctTargets();
    if (blast.status !== 'completed' || blast.sent_count !== size || sends !== size || distinct !== size) {
      throw new Error(
        `expected ${size} unique sends: blast ${blast.status}, sent ${blast.sent_count}, failed ${blast.failed_count}; the fake got ${sends} requests for ${distinct} numbers; ${warnings.slice(0, 3).join(' | ')}`,
      );
    }
    const rate = size / ((fake.lastAt()! - fake.firstAt()!) / 1000);

    const check = bench.connect();
    const logs = await check.db
      .selectFrom('whatsapp_blast_logs')
      .select((eb) => [eb.fn.min('sent_at').as('first'), eb.fn.max('sent_at').as('last')])
      .where('blast_id', '=', blastId)
      .executeTakeFirstOrThrow();
    const times = await check.db.selectFrom('whatsapp_blasts').select(['created_at', 'expanded_at']).where('id', '=', blastId).executeTakeFirstOrThrow();
    await check.close();
    const logRate = size / ((Number(logs.last) - Number(logs.first)) / 1000);
    const ratio = rate / bare.rate;
    const cpuPerMessage = (cpuUsed * 1000) / size;
    const pg =
      pgBefore && pgAfter
        ? `; PostgreSQL: ${(pgAfter.commits - pgBefore.commits) / size > 0 ? ((pgAfter.commits - pgBefore.commits) / size).toFixed(2) : '?'} transactions, ${((pgAfter.updated - pgBefore.updated) / size).toFixed(2)} row updates per message`
        : '';
    const vacuumNote = vacuumed.runs > 0 ? `; bench ran VACUUM ANALYZE ${vacuumed.runs}× (${sec(vacuumed.ms)})` : '';
    ctx.log(`CPU ${int(cpuPerMessage)} µs per message (service + fake, post→completed) vs ${int(bare.cpuUsPerRequest)} µs per bare request (client + fake)${pg}`);
    ctx.log(
      `${kind} fake: ${int(size)} sent, 0 duplicates: ${int(rate)}/s at the fake (${int(logRate)}/s by sent_at), ${(ratio * 100).toFixed(0)}% of bare HTTP; post→completed ${sec(done - posted)}`,
    );
    return {
      benchmark: 'dispatch',
      engine,
      size,
      metric: `send rate, ${kind} fake, ${ctx.dispatchMode}${engine === 'postgres' && ctx.pgVacuumSeconds > 0 ? `, VACUUM every ${ctx.pgVacuumSeconds} s` : ''}`,
      value: `${int(rate)} /s`,
      goal: '≥ 2,000 /s',
      pass: rate >= 2_000,
      detail: `bare HTTP (fetch) ${int(bare.rate)}/s → ratio ${ratio.toFixed(2)}; by sent_at ${int(logRate)}/s; CPU ${int(cpuPerMessage)} µs/message vs ${int(bare.cpuUsPerRequest)} µs/bare request${pg}; bare node:http ${int(nodeHttp.rate)}/s; expansion ${sec(Number(times.expanded_at) - Number(times.created_at))}; post→completed ${sec(done - posted)}; 0 duplicates${vacuumNote}`,
      raw: { fake: kind, rate, logRate, bare, nodeHttp, ratio, cpuPerMessage, pgBefore, pgAfter, posted, done, warnings: warnings.length },
    };
  } finally {
    await bench.drop();
    await fake.close();
  }
}

/**
 * The same requests through node:http with a keep-alive agent instead of fetch (undici's WHATWG
 * layer): what the round trip itself costs, for the analysis (not what the adapter does).
 */
export async function bareNodeHttpRate(fake: BenchGateway, count: number): Promise<{ rate: number; count: number; cpuUsPerRequest: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${fake.url}/send`);
  const send = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = new URLSearchParams({ target: `62812${String(i).padStart(8, '0')}`, message: `Halo Pelanggan ${i}`, countryCode: '0' }).toString();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { Authorization: fake.token, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: boolean };
            if (parsed.status === true) resolve();
            else reject(new Error('the fake refused a bare request'));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 500; i++) await send(i);
  const started = performance.now();
  const cpuBefore = ownCpuMs();
  for (let i = 0; i < count; i++) await send(i);
  const elapsed = performance.now() - started;
  agent.destroy();
  return { rate: count / (elapsed / 1000), count, cpuUsPerRequest: ((ownCpuMs() - cpuBefore) * 1000) / count };
}

/**
 * The request the adapter sends (urlencoded target/message/countryCode, bare token), one at a
 * time, reading and parsing each answer, after a short warm-up.
 */
export async function bareHttpRate(fake: BenchGateway, count: number): Promise<{ rate: number; count: number; cpuUsPerRequest: number }> {
  const send = async (i: number) => {
    const target = `62812${String(i).padStart(8, '0')}`;
    const body = new URLSearchParams({ target, message: `Halo Pelanggan ${i}`, countryCode: '0' });
    const res = await fetch(`${fake.url}/send`, { method: 'POST', headers: { Authorization: fake.token }, body });
    const parsed = JSON.parse(await res.text()) as { status?: boolean };
    if (parsed.status !== true) throw new Error('the fake refused a bare request');
  };
  for (let i = 0; i < 500; i++) await send(i);
  const started = performance.now();
  const cpuBefore = ownCpuMs();
  for (let i = 0; i < count; i++) await send(i);
  const elapsed = performance.now() - started;
  return { rate: count / (elapsed / 1000), count, cpuUsPerRequest: ((ownCpuMs() - cpuBefore) * 1000) / count };
}
