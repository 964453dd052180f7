import { writeFileSync } from 'node:fs';
import { createBenchDatabase, startPgVacuumLoop } from './db.js';
import { startGateway } from './fast-fonnte.js';
import { seedCustomers } from './seed.js';
import { postAllBlast, startBenchService, startScriptNodeFlags, unpacedFonnteEnv } from './service.js';
import type { BenchContext, Result } from './types.js';
import { int, residentMemory, sec, sleep } from './util.js';

const SAMPLE_MS = 250;
const IDLE_MS = 3_000;

type Phase = 'idle' | 'expanding' | 'sending';

/**
 * Goal 4: resident memory of the real service (src/main.ts as a child process, ROLE=all, pauses
 * 0, real Fonnte adapter against a loopback fake) through an `all` blast to N customers.
 * VmRSS is sampled every 250 ms: idle for 3 s, then from the POST through expansion and sending
 * until the blast completes or `memorySeconds` have passed. VmHWM (the kernel's own peak, which
 * no sampling interval can miss) is reset just before the POST and read just before the child
 * is stopped, so it is the peak of the blast's window; the start-up + login peak is reported apart.
 */
export async function benchMemory(ctx: BenchContext): Promise<Result[]> {
  const { engine, size } = ctx;
  const fake = await startGateway(ctx.memoryFake);
  const bench = await createBenchDatabase(engine);
  try {
    const setup = bench.connect();
    const seeded = await seedCustomers(setup, size);
    await setup.close();
    ctx.log(`seeded ${int(size)} customers in ${sec(seeded.ms)}`);

    const env = { ...unpacedFonnteEnv(fake), ...(ctx.memoryNodeOptions ? { NODE_OPTIONS: ctx.memoryNodeOptions } : {}) };
    const service = await startBenchService(bench, ctx.memoryMode, env, ctx.log);
    const pid = service.pid!;
    const samples: { t: number; rssMb: number; anonMb: number; fileMb: number; shmemMb: number; phase: Phase; sent: number }[] = [];
    let phase: Phase = 'idle';
    let stopSampling = false;
    const sampler = (async () => {
      while (!stopSampling) {
        const m = residentMemory(pid);
        if (m) samples.push({ t: Date.now(), rssMb: m.rssMb, anonMb: m.anonMb, fileMb: m.fileMb, shmemMb: m.shmemMb, phase, sent: fake.count() });
        await sleep(SAMPLE_MS);
      }
    })();

    // How long the API takes to answer /healthz while the blast is being expanded and sent (the
    // embedded engine runs the expansion's INSERT … SELECT on the service's own thread).
    const pings: { phase: Phase; ms: number }[] = [];
    const pinger = (async () => {
      while (!stopSampling) {
        const during = phase;
        if (during !== 'idle') {
          const started = performance.now();
          await fetch(`${service.api.baseUrl}/healthz`).then((r) => r.text(), () => '');
          pings.push({ phase: during, ms: performance.now() - started });
        }
        await sleep(SAMPLE_MS);
      }
    })();

    // Started once the recipients are resolved (see dispatch.ts for why not earlier).
    let vacuum: ReturnType<typeof startPgVacuumLoop> | undefined;
    let vacuumed = { runs: 0, ms: 0 };
    let peakMb = NaN;
    let blast: any;
    let posted = 0;
    let expandedAt: number | undefined;
    let ended = 0;
    let completed = false;
    let startupPeakMb = NaN;
    let windowPeak = false;
    try {
      await sleep(IDLE_MS);
      // VmHWM so far is start-up and login (argon2id hashes with 64 MiB each); reset it so the
      // value read at the end is the peak of the blast's window only (Linux ≥ 4.0, clear_refs 5).
      startupPeakMb = residentMemory(pid)?.peakMb ?? NaN;
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        windowPeak = true;
      } catch {
        ctx.log('could not reset VmHWM: the kernel peak below includes start-up and login');
      }
      phase = 'expanding';
      posted = Date.now();
      const blastId = await postAllBlast(service.api);
      const deadline = posted + ctx.memorySeconds * 1000;
      let lastLog = Date.now();
      for (;;) {
        await sleep(1_000);
        blast = (await service.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data;
        if (blast.recipients_resolved && expandedAt === undefined) {
          expandedAt = Date.now();
          phase = 'sending';
          vacuum = startPgVacuumLoop(bench, ctx.pgVacuumSeconds, ctx.log);
          ctx.log(`expanded after ${sec(expandedAt - posted)} (${int(blast.target_count)} recipients)`);
        }
        completed = ['completed', 'failed'].includes(blast.status);
        if (completed || Date.now() >= deadline) break;
        if (Date.now() - lastLog >= 30_000) {
          lastLog = Date.now();
          const max = Math.max(...samples.map((s) => s.rssMb));
          ctx.log(`${sec(Date.now() - posted)}: ${int(fake.count())} sent, RSS now ${samples.at(-1)?.rssMb.toFixed(0)} MB, max ${max.toFixed(0)} MB`);
        }
      }
      ended = Date.now();
      peakMb = residentMemory(pid)?.peakMb ?? NaN;
    } finally {
      if (vacuum) vacuumed = await vacuum.stop();
      stopSampling = true;
      await sampler;
      await pinger;
      await service.stop();
    }

    const sentInWindow = fake.count();
    const warnings = service.lines.filter((l) => /"level":(40|50|60)/.test(l));
    if (warnings.length > 0) ctx.log(`the service logged ${warnings.length} warnings/errors, e.g.:\n  ${warnings.slice(0, 3).map((l) => l.slice(0, 400)).join('\n  ')}`);
    const inPhase = (p: Phase) => samples.filter((s) => s.phase === p).map((s) => s.rssMb);
    const max = (values: number[]) => (values.length ? Math.max(...values) : NaN);
    const maxRss = max(samples.map((s) => s.rssMb));
    const first = fake.firstAt();
    const last = fake.lastAt();
    const rate = first !== undefined && last !== undefined && last > first ? sentInWindow / ((last - first) / 1000) : 0;
    const covered = completed ? `the whole blast (${blast.status})` : `${int(sentInWindow)} of ${int(size)} sent (${((100 * sentInWindow) / size).toFixed(1)}%) in the ${ctx.memorySeconds} s limit`;
    const phases = `idle ${max(inPhase('idle')).toFixed(0)} MB, expanding ${max(inPhase('expanding')).toFixed(0)} MB, sending ${max(inPhase('sending')).toFixed(0)} MB`;
    const top = samples.reduce((a, b) => (b.rssMb > a.rssMb ? b : a), samples[0]!);
    const parts = `at the max: anon ${top.anonMb.toFixed(0)} + file ${top.fileMb.toFixed(0)} + shmem ${top.shmemMb.toFixed(0)} MB`;
    const end = samples.at(-1)!;
    const slowest = (p: Phase) => max(pings.filter((x) => x.phase === p).map((x) => x.ms));
    const api = `GET /healthz slowest ${slowest('expanding').toFixed(0)} ms while expanding, ${slowest('sending').toFixed(0)} ms while sending`;
    const runtime = `${ctx.memoryMode === 'compiled' ? `node ${[...startScriptNodeFlags(), ''].join(' ')}dist/main.js` : 'tsx src/main.ts'}${ctx.memoryNodeOptions ? ` ${ctx.memoryNodeOptions}` : ''}${vacuumed.runs > 0 ? `, VACUUM every ${ctx.pgVacuumSeconds} s` : ''}`;
    const hwm = `${windowPeak ? 'kernel peak (VmHWM) in the window' : 'VmHWM since start'} ${peakMb.toFixed(0)} MB, start-up + login peak ${startupPeakMb.toFixed(0)} MB`;
    ctx.log(`max RSS ${maxRss.toFixed(0)} MB (${hwm}; ${phases}; ${parts}; last ${end.rssMb.toFixed(0)} MB); ${covered}; ${int(rate)}/s; ${api}`);
    return [
      {
        benchmark: 'memory',
        engine,
        size,
        metric: `max RSS, ${runtime}`,
        value: `${maxRss.toFixed(0)} MB`,
        goal: '≤ 200 MB',
        pass: Math.max(maxRss, Number.isNaN(peakMb) ? 0 : peakMb) <= 200,
        detail: `${hwm}; ${phases}; ${parts}; last sample ${end.rssMb.toFixed(0)} MB; ${samples.length} samples over ${sec(ended - posted)}; expansion ${expandedAt ? sec(expandedAt - posted) : 'not finished'}; covered ${covered}; ${int(rate)}/s (${ctx.memoryFake} fake); ${api}`,
        raw: { maxRss, peakMb, windowPeak, startupPeakMb, pings, sentInWindow, completed, posted, expandedAt, ended, rate, samples: samples.map((s) => [s.t - posted, s.phase, Math.round(s.rssMb), Math.round(s.anonMb), Math.round(s.fileMb), Math.round(s.shmemMb), s.sent]) },
      },
    ];
  } finally {
    await bench.drop();
    await fake.close();
  }
}
