import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, Api } from '../test/helpers.js';
import type { ServiceProcess } from '../test/process-helpers.js';
import { SPACING_MARGIN_MS, WINDOW_MARGIN_MS } from '../src/worker/pacer.js';
import { buildService } from './build.js';
import { createBenchDatabase, pgBackendsCpuMs, pgStats } from './db.js';
import { runPeerProcess } from './peer-process.js';
import { seedCustomers } from './seed.js';
import { postAllBlast, spawnCompiled, urlOf } from './service.js';
import { startThroughputFake, type ThroughputFake } from './throughput-fake-process.js';
import type { BenchContext, Result } from './types.js';
import { children, processCpuMs, sec, stopChild, until } from './util.js';
import { startWireCapture, type WireCapture, type WireRequest } from './wire-capture.js';

const TOKEN = 'bench-meta-token';
const PHONE_NUMBER_ID = '1000001';
/** Meta's default for a number (src/senders/pacing.ts), set explicitly so the bench says what it checks. */
const MAX_PER_SECOND = 80;
const MAX_IN_FLIGHT = 8;
/** A realistic answer time of Meta's send call. */
const LATENCY_MS = 50;
/** The first and last second are ramp-up and tail, not the steady rate. */
const EDGE_MS = 1_000;
const STEADY_GOAL_MS = 30_000;
/** Time between two starts on the pacer's schedule. */
const SPACING_MS = 1000 / MAX_PER_SECOND;

/**
 * Issue 11: "a rate limit of 80/s on a number holds within 1 % across two worker processes (no
 * one-second window above 80), measured over 30 s". One API process and two `ROLE=worker`
 * processes (`node dist/main.js`) share one database and the environment's Meta number (80/s, 8
 * in flight); a fake Meta gateway in its own process answers after 50 ms and records when each
 * send arrived; where tcpdump may capture, the kernel's time of each request on the loopback
 * interface is recorded too (wire-capture.ts). Fails the run if any one-second window holds more
 * than 80 — at the wire when captured, else at the fake — or anyone is sent twice. First, on the
 * same fake, the reference (pacedReference): what the fake counts from a bare sender paced by our
 * own Pacer.
 */
export async function benchRate(ctx: BenchContext): Promise<Result[]> {
  const fake = await startThroughputFake(TOKEN, LATENCY_MS);
  const bench = await createBenchDatabase(ctx.engine);
  const procs: ServiceProcess[] = [];
  let wire: WireCapture | undefined;
  try {
    wire = await startWireCapture(Number(new URL(fake.url).port), ctx.log);
    const setup = bench.connect();
    await seedCustomers(setup, ctx.size);
    await setup.close();
    const reference = await pacedReference(fake, ctx);
    const referenceText =
      `reference, a bare sender paced by our Pacer (${MAX_PER_SECOND}/s, spacing ${SPACING_MARGIN_MS} ms and window ${WINDOW_MARGIN_MS} ms margins, ${MAX_IN_FLIGHT} in flight, no database): ` +
      `as its requests were written busiest window ${reference.atWrites.maxWindow}, i and i+${MAX_PER_SECOND} at least ${reference.atWrites.closestMs.toFixed(1)} ms apart; ` +
      `at the fake busiest window ${reference.atFake.maxWindow} (${reference.atFake.windowsAbove} above ${MAX_PER_SECOND}), at least ${reference.atFake.closestMs.toFixed(1)} ms apart, ` +
      `mean ${reference.atFake.mean.toFixed(2)}/s; written to arrived median ${reference.delay.median.toFixed(2)} ms, 99th percentile ${reference.delay.p99.toFixed(2)} ms, most ${reference.delay.max.toFixed(2)} ms (${sec(reference.delay.maxAtMs)} into the run)`;
    ctx.log(referenceText);
    const dir = buildService(ctx.log);
    const secretKey = randomBytes(32).toString('hex');
    // Each process its own path prefix (the fake ignores it but counts by it): who sent what.
    const env = (role: string, label: string): Record<string, string | undefined> => ({
      ...bench.env,
      ROLE: role,
      LOG_LEVEL: 'info',
      WA_GATEWAY: 'meta',
      META_ACCESS_TOKEN: TOKEN,
      META_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      META_API_BASE_URL: `${fake.url}/${label}/v21.0`,
      SEND_MAX_PER_SECOND: String(MAX_PER_SECOND),
      SEND_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      SEND_DELAY_MIN_MS: '0',
      SEND_DELAY_MAX_MS: '0',
      SECRET_KEY: secretKey,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PORT: '0',
      // One lane per process, a short poll and short leases (a lease stops claiming after
      // GATEWAY_TIMEOUT_MS and hands the number back), so the other process gets a chance at the
      // number. Measured: with the defaults (4 lanes, 1 s poll, 15 s) one process sent all 3,000;
      // with these the number still changes process only 0–1 times a run (the holder's lane takes
      // it back first), which the bench reports. --rate-timeout=15000 runs the default leases.
      WORKER_POLL_MS: '100',
      WORKER_CONCURRENCY: '1',
      GATEWAY_TIMEOUT_MS: String(ctx.rateTimeoutMs),
      // Handed back after every stretch (--rate-hold=0, the default here), the number can change
      // process at each; --rate-hold=300000 runs the service's default, under which a lane keeps
      // a number with work stretch after stretch.
      WORKER_HOLD_MS: String(ctx.rateHoldMs),
      QUIET_HOURS: 'off',
    });
    const spawn = (role: string, label: string) => {
      const proc = spawnCompiled(dir, env(role, label));
      children.add(proc.child);
      procs.push(proc);
      return proc;
    };
    const apiProc = spawn('api', 'api');
    const api = new Api(await urlOf(apiProc));
    await api.login();
    const workers = [spawn('worker', 'w1'), spawn('worker', 'w2')];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/, 120_000)));

    await fake.reset();
    const pids = { api: apiProc.child.pid!, w1: workers[0]!.child.pid!, w2: workers[1]!.child.pid!, fake: fake.pid };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid)]));
    const pgBefore = await pgBackendsCpuMs(bench, processCpuMs);
    const commitsBefore = await pgStats(bench);
    const started = Date.now();
    const id = await postAllBlast(api);
    const blast = await until(
      async () => {
        const b = (await api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
        return ['completed', 'failed'].includes(b.status) ? b : undefined;
      },
      120_000 + ctx.size * 50,
      `a blast to ${ctx.size} recipients`,
      250,
    );
    const wallMs = Date.now() - started;
    const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid) - cpuBefore[k]!]));
    const pgCpu = (await pgBackendsCpuMs(bench, processCpuMs)) - pgBefore;
    const commitsAfter = await pgStats(bench);
    const commits = commitsBefore && commitsAfter ? commitsAfter.commits - commitsBefore.commits : undefined;
    if (blast.sent_count !== ctx.size) throw new Error(`blast ${blast.status}: sent ${blast.sent_count} of ${ctx.size}, failed ${blast.failed_count}`);

    const captured = await wire?.stop();
    wire = undefined;
    const stats = await fake.stats();
    const sent = await fake.arrivals();
    const order = sent.arrivals.map((_, i) => i).sort((a, b) => sent.arrivals[a]! - sent.arrivals[b]!);
    const arrivals = order.map((i) => sent.arrivals[i]!);
    // The number changed hands between the processes where the sender of two sends in a row differs.
    const handOvers = order.slice(1).filter((i, k) => sent.sources[i] !== sent.sources[order[k]!]).length;
    const duplicates = stats.count - stats.distinct;
    const m = measure(arrivals);
    const share = (ms: number) => `${((ms / wallMs) * 100).toFixed(0)} %`;
    const cpuText =
      `CPU over the ${sec(wallMs)} from POST to completed: API ${share(cpu.api!)}, worker 1 ${share(cpu.w1!)}, worker 2 ${share(cpu.w2!)}, ` +
      `fake ${share(cpu.fake!)}${Number.isNaN(pgCpu) ? '' : `, PostgreSQL backends ${share(pgCpu)}`} of one core${commits === undefined ? '' : `; ${commits} PostgreSQL commits = ${(commits / ctx.size).toFixed(2)} per send (all processes, polls included)`}`;
    ctx.log(
      `steady ${sec(m.steadyMs)}: ${m.steadyCount} sends, mean ${m.mean.toFixed(2)}/s = ${((m.mean / MAX_PER_SECOND) * 100).toFixed(1)} % of ${MAX_PER_SECOND}; ` +
        `busiest one-second window ${m.maxWindow} (whole run), ${m.windowsAbove} windows above ${MAX_PER_SECOND}; ` +
        `sends i and i+${MAX_PER_SECOND} at least ${m.closestMs.toFixed(1)} ms apart; peak in flight at the fake ${stats.peakInFlight}; ` +
        `duplicates ${duplicates}; sends per process ${JSON.stringify(stats.perSource)}, the number changed process ${handOvers} times`,
    );
    const slowQueries = workers.map((w) => w.lines.filter((l) => l.includes('slow query')).length);
    const stallText =
      `gaps between sends in the steady part: median ${m.medianGapMs.toFixed(2)} ms (the schedule's spacing ${SPACING_MS} ms); ` +
      `late by at most the spacing: ${m.slipExcessMs.toFixed(0)} ms lost in all (${((m.slipExcessMs / m.steadyMs) * 100).toFixed(1)} % of the steady time); ` +
      `stalls: ${m.stalls} over ${(SPACING_MS * 2).toFixed(0)} ms, ` +
      `one every ${m.sendsPerStall.toFixed(1)} sends, ${m.stallExcessMs.toFixed(0)} ms beyond the spacing in all (median ${m.medianExcessMs.toFixed(1)} ms, longest gap ${m.longestGapMs.toFixed(0)} ms) ` +
      `= ${((m.stallExcessMs / m.steadyMs) * 100).toFixed(1)} % of the steady time; slow queries (≥ 500 ms) logged by the workers ${slowQueries.join(' + ')}`;
    ctx.log(stallText);
    ctx.log(cpuText);
    const atWire = captured && wireFigures(captured, ctx.size);
    if (atWire) ctx.log(atWire.text);
    if (m.steadyMs < STEADY_GOAL_MS) ctx.log(`note: the steady part lasted ${sec(m.steadyMs)}, under ${sec(STEADY_GOAL_MS)}: use a larger --rate-size`);

    const detail =
      `${m.steadyCount} sends over the steady ${sec(m.steadyMs)} (first and last second left out); sends per worker ${JSON.stringify(stats.perSource)}, ${handOvers} changes of process; ` +
      `peak in flight ${stats.peakInFlight} (limit ${MAX_IN_FLIGHT}); answer after ${LATENCY_MS} ms; ${stallText}; ${cpuText}; ${referenceText}`;
    const row = (metric: string, value: string, goal: string, pass: boolean | undefined, mustPass = false): Result => ({
      benchmark: 'rate',
      engine: ctx.engine,
      size: ctx.size,
      metric,
      value,
      goal,
      pass,
      mustPass,
      detail,
    });
    return [
      row('mean rate, steady part', `${m.mean.toFixed(2)}/s = ${((m.mean / MAX_PER_SECOND) * 100).toFixed(1)} % of ${MAX_PER_SECOND}`, `within 1 % of ${MAX_PER_SECOND}/s`, Math.abs(m.mean / MAX_PER_SECOND - 1) <= 0.01),
      // The goal is judged where the requests leave for the provider when the capture can tell
      // (wire-capture.ts); the fake's own count is kept beside it, and judged without it.
      ...(atWire
        ? [
            row(
              'busiest one-second window [t, t+1000) at the wire (the kernel\'s time of each request on lo)',
              `${atWire.ours.maxWindow} (${atWire.ours.windowsAbove} windows above ${MAX_PER_SECOND}), i and i+${MAX_PER_SECOND} at least ${atWire.ours.closestMs.toFixed(1)} ms apart`,
              `≤ ${MAX_PER_SECOND}`,
              atWire.ours.maxWindow <= MAX_PER_SECOND,
              true,
            ),
          ]
        : []),
      row(
        `busiest one-second window [t, t+1000) at the fake${atWire ? ' (as its event loop reads them, on the cores the senders share)' : ''}`,
        `${m.maxWindow} (${m.windowsAbove} windows above ${MAX_PER_SECOND})`,
        atWire ? '(what a provider on this machine counts)' : `≤ ${MAX_PER_SECOND}`,
        m.maxWindow <= MAX_PER_SECOND,
        !atWire,
      ),
      row('sent twice', String(duplicates), '0', duplicates === 0, true),
      row(
        'reference: a bare sender paced by our Pacer, busiest window at the fake',
        `${reference.atFake.maxWindow} (${reference.atFake.windowsAbove} windows above ${MAX_PER_SECOND}; as written ${reference.atWrites.maxWindow}), mean ${reference.atFake.mean.toFixed(2)}/s`,
        '(what this machine delivers)',
        undefined,
      ),
    ];
  } finally {
    await wire?.stop().catch(() => undefined);
    await Promise.all(procs.map((p) => stopChild(p.child, p.exited)));
    await fake.stop();
    await bench.drop();
  }
}

/**
 * The same figures from the wire capture: the workers' requests and the reference's, by the
 * kernel's clock, each checked complete (a capture that lost packets measures nothing).
 */
function wireFigures(captured: { requests: WireRequest[]; dropped: number }, size: number) {
  const times = (labels: string[]) =>
    captured.requests
      .filter((r) => labels.includes(r.label))
      .map((r) => r.at)
      .sort((a, b) => a - b);
  const oursAt = times(['w1', 'w2']);
  // The reference first warms its connections up with sends the fake then forgets (throughput-peer.ts warmUp): its last `size` are the measured ones.
  const referenceAt = times(['reference']).slice(-size);
  if (captured.dropped > 0 || oursAt.length !== size || referenceAt.length !== size) {
    throw new Error(`the wire capture is incomplete: ${oursAt.length} and ${referenceAt.length} of ${size} requests, ${captured.dropped} packets dropped`);
  }
  const ours = measure(oursAt);
  const reference = measure(referenceAt);
  const text =
    `at the wire (the kernel's time of each request's first packet on lo, tcpdump): ours busiest window ${ours.maxWindow} (${ours.windowsAbove} above ${MAX_PER_SECOND}), ` +
    `i and i+${MAX_PER_SECOND} at least ${ours.closestMs.toFixed(1)} ms apart, mean ${ours.mean.toFixed(2)}/s; ` +
    `the reference busiest window ${reference.maxWindow}, at least ${reference.closestMs.toFixed(1)} ms apart, mean ${reference.mean.toFixed(2)}/s`;
  return { ours, reference, text };
}

/**
 * The figures of issue 11 from the arrival times: the mean rate over the steady part (first and
 * last second left out), and, for every arrival t of the whole run, the arrivals in [t, t+1000).
 */
function measure(arrivals: number[]) {
  const first = arrivals[0]!;
  const last = arrivals.at(-1)!;
  const steady = arrivals.filter((t) => t >= first + EDGE_MS && t <= last - EDGE_MS);
  const steadyMs = last - first - 2 * EDGE_MS;
  // Where the schedule slipped: a start later than its slot keeps the slot, but only up to
  // CATCH_UP_MS of lateness is made up (src/worker/pacer.ts), so long gaps lose time for good.
  // Small slips (a timer firing late) and stalls (more than twice the spacing: a start waited on
  // something, e.g. a commit) are counted apart.
  const gaps = steady.slice(1).map((t, i) => t - steady[i]!);
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const excess = gaps.map((g) => g - SPACING_MS).filter((e) => e > SPACING_MS).sort((a, b) => a - b);
  const stallExcessMs = excess.reduce((a, b) => a + b, 0);
  const slipExcessMs = gaps.map((g) => g - SPACING_MS).filter((e) => e > 0 && e <= SPACING_MS).reduce((a, b) => a + b, 0);
  return {
    steadyCount: steady.length,
    steadyMs,
    mean: (steady.length / steadyMs) * 1000,
    ...windows(arrivals),
    stalls: excess.length,
    sendsPerStall: steady.length / Math.max(1, excess.length),
    stallExcessMs,
    slipExcessMs,
    medianGapMs: sortedGaps[Math.floor(sortedGaps.length / 2)] ?? 0,
    medianExcessMs: excess[Math.floor(excess.length / 2)] ?? 0,
    longestGapMs: (excess.at(-1) ?? 0) + SPACING_MS,
  };
}

/** For every time t of `times` (sorted), the times in [t, t+1000): the most, how often above the limit, and the least span of MAX_PER_SECOND + 1 of them. */
function windows(times: number[]) {
  let maxWindow = 0;
  let windowsAbove = 0;
  let end = 0;
  for (let i = 0; i < times.length; i++) {
    while (end < times.length && times[end]! < times[i]! + 1000) end++;
    const inWindow = end - i;
    maxWindow = Math.max(maxWindow, inWindow);
    if (inWindow > MAX_PER_SECOND) windowsAbove++;
  }
  let closestMs = Infinity;
  for (let i = 0; i + MAX_PER_SECOND < times.length; i++) closestMs = Math.min(closestMs, times[i + MAX_PER_SECOND]! - times[i]!);
  return { maxWindow, windowsAbove, closestMs };
}

/**
 * The reference beside ours: a bare sender in its own process (throughput-peer.ts `paced`) whose
 * starts our own Pacer decides (its margins, window rule and made-up starts, told when each
 * request was written) with our in-flight limit and our adapters' HTTP client, sending to the
 * same fake with no queue and no database, its connections opened before the measured part. Its
 * writes never hold more than the limit in a second, so a window above it at the fake measures
 * how unevenly this machine carries requests from a sender to the fake (written to arrived,
 * matched by recipient on the shared monotonic clock): what no pacing at the sender can take
 * back, short of a wider margin.
 */
async function pacedReference(fake: ThroughputFake, ctx: BenchContext) {
  await fake.reset();
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-bench-reference-'));
  let writes: [string, number][];
  try {
    const writesFile = path.join(dir, 'writes.json');
    await runPeerProcess({
      mode: 'paced',
      baseUrl: `${fake.url}/reference/v21.0`,
      token: TOKEN,
      numbers: [PHONE_NUMBER_ID],
      count: ctx.size,
      concurrency: MAX_IN_FLIGHT,
      pace: { perSecond: MAX_PER_SECOND, writesFile },
    });
    writes = JSON.parse(readFileSync(writesFile, 'utf8')) as [string, number][];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sent = await fake.arrivals();
  if (sent.arrivals.length !== ctx.size) throw new Error(`the reference sent ${ctx.size}, the fake saw ${sent.arrivals.length}`);
  const writtenAt = new Map(writes);
  const firstWrite = writes[0]![1];
  const late = sent.recipients.map((to, i) => ({ ms: sent.arrivals[i]! - writtenAt.get(to)!, at: writtenAt.get(to)! - firstWrite }));
  const delays = late.map((d) => d.ms).sort((a, b) => a - b);
  const latest = late.reduce((a, b) => (b.ms > a.ms ? b : a));
  return {
    atWrites: windows(writes.map(([, t]) => t)),
    atFake: measure([...sent.arrivals].sort((a, b) => a - b)),
    delay: { median: delays[Math.floor(delays.length / 2)]!, p99: delays[Math.floor(delays.length * 0.99)]!, max: latest.ms, maxAtMs: latest.at },
  };
}
