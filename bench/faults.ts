import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFaultScenario } from '../test/fault-scenario.js';
import type { BenchContext, Result } from './types.js';
import { int, sec } from './util.js';

/** The long run of issue 10: 20 kills and one PostgreSQL restart (on its own cluster) across `size` recipients. */
const KILLS = 20;
const RESTARTS = 1;

/**
 * Fault injection at length (test/fault-scenario.ts; test/worker/faults.test.ts is the short
 * run): several worker processes and numbers, SIGKILLs mid-send, a PostgreSQL restart and a
 * gateway that refuses, rate-limits, hangs, resets or fails inside HTTP 200 on 5 % of requests.
 * The promise is kept when nobody gets two messages, nobody is lost, the counters equal the rows
 * and every "delivery unknown" is explained by a kill, a hang or a reset.
 */
export async function benchFaults(ctx: BenchContext): Promise<Result[]> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', `faults-${ctx.engine}-${stamp}`);
  const report = await runFaultScenario({
    engine: ctx.engine,
    recipients: ctx.size,
    senders: 5,
    workers: 4,
    kills: KILLS,
    restarts: RESTARTS,
    outageMs: ctx.faultsOutageSeconds * 1000,
    faultRate: 0.05,
    seed: 20261203,
    timeoutMs: 60 * 60_000,
    log: ctx.log,
    logDir,
  });
  ctx.log(`logs saved in ${path.relative(process.cwd(), logDir)}`);
  for (const problem of report.problems.slice(0, 20)) ctx.log(`PROBLEM: ${problem}`);
  const injected = Object.entries(report.injected).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    {
      benchmark: 'faults',
      engine: ctx.engine,
      size: ctx.size,
      metric: 'duplicates / lost / unexplained unknowns',
      value: `${report.duplicates} / ${report.recipients - report.sent - report.failed - report.skipped} / ${report.problems.length - report.duplicates}`,
      goal: '0 / 0 / 0, finishes by itself',
      pass: report.problems.length === 0,
      detail:
        `${int(report.recipients)} recipients in ${sec(report.ms)}: sent ${int(report.sent)}, failed ${int(report.failed)} ` +
        `(unknown after a kill ${report.unknownAfterKill}, after a hang/reset ${report.unknownAfterHangOrReset}; recovery guesses ${report.recovered}, replaced later by the truth ${report.recovered - report.unknownAfterKill}); ` +
        `${report.kills} kills, ${report.restarts} PostgreSQL restarts${ctx.faultsOutageSeconds > 0 ? ` (down ${ctx.faultsOutageSeconds} s each)` : ''}, ${int(report.requests)} requests, faults: ${injected}; ` +
        `processes that died by themselves: ${report.unexpectedExits}`,
      raw: report,
    },
  ];
}
