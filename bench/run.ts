import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/db/connection.js';
import { benchAccept } from './accept.js';
import { benchConsole } from './console.js';
import { dropAll, PG_SERVER_URL, postgresVersion } from './db.js';
import { benchDispatch } from './dispatch.js';
import { benchExpand } from './expand.js';
import { benchFaults } from './faults.js';
import { benchMemory } from './memory.js';
import { benchImport } from './import.js';
import { benchFuzz } from './fuzz.js';
import { benchRate } from './rate.js';
import { benchSenders } from './senders.js';
import { benchSync } from './sync.js';
import { benchThroughput } from './throughput.js';
import type { BenchContext, BenchOptions, Result } from './types.js';
import { children, idleShare, sec } from './util.js';

/**
 * `npm run bench -- [accept|expand|dispatch|memory …] [options]`: runs the chosen benchmarks
 * (all by default) on each engine, prints one table, and saves it under bench/results/.
 * Every option also reads an environment variable (BENCH_<NAME>); the command line wins.
 */
const USAGE = `usage: npm run bench -- [accept] [expand] [dispatch] [memory] [import] [senders] [sync] [faults] [console] [fuzz] [throughput] [rate] [options]

  --engine=sqlite,postgres   engines to run on (BENCH_ENGINE; default both; "pg" = postgres)
  --size=N                   customers for every chosen benchmark (BENCH_SIZE)
  --accept-size=N            default 1000000      --expand-size=N   default 1000000
  --dispatch-size=N          default 20000        --memory-size=N   default 1000000
  --import-size=N            default 1000000 (CSV rows)
  --sync-size=N              default 1000000 (customers synced by id over HTTP, three passes)
  --senders-size=N           recipients per sender in senders (default 100: one blast through 1 sender, one through 5)
  --faults-size=N            recipients in faults (default 10000): 20 worker kills, one PostgreSQL restart (own
                             throw-away cluster, needs initdb), a flaky gateway; logs in bench/results/faults-*
  --faults-outage=S          faults: keep PostgreSQL down S seconds in its restart (default 0: pg_ctl restart)
  --console-size=N           recipients of the big blast in console (default 100000; the history has 1,000 blasts)
  --fuzz-size=N              hostile requests in fuzz (default 20000), a random seed each run
  --throughput-size=N        messages per scenario in throughput (default 20000): ours (node dist/main.js, Meta
                             adapter) vs BullMQ + Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379) vs bare
                             keep-alive requests, one fake Meta gateway in its own process
  --throughput-scenarios=…   which throughput scenarios run, e.g. 2,3 (default 1,2,3: one number; 8 numbers; one
                             Meta number with 8 in flight)
  --rate-size=N              recipients in rate (default 3000, ≥ 30 s at 80/s): one Meta number at 80/s and 8 in
                             flight sent by two ROLE=worker processes; fails on any one-second window above 80
  --rate-timeout=MS          the workers' GATEWAY_TIMEOUT_MS in rate (default 2000: a lease, and so a hand-over
                             of the number, every 2 s; the service's default is 15000)
  --rate-hold=MS             the workers' WORKER_HOLD_MS in rate (default 0: the number is handed back after every
                             lease's stretch; 300000 is the service's default, under which a lane keeps it)
  --requests=N               measured blast requests in accept (default 200)
  --bare-requests=N          bare HTTP POSTs for dispatch's baselines (default 10000)
  --dispatch-fake=test,fast  fakes for dispatch: the project's test fake and/or the timer-free one (default both)
  --dispatch-mode=inproc|child|compiled   the service in this process via startService (default),
                             src/main.ts through tsx in a child, or a fresh build as node dist/main.js
  --memory-mode=compiled|child   the child of memory, import and sync: node dist/main.js (default, like npm start) or tsx src/main.ts
  --memory-fake=test|fast    fake for memory (default fast)
  --memory-node-options=…    NODE_OPTIONS for memory's child, e.g. "--max-old-space-size=96"
  --memory-seconds=N         longest sampled window of memory after the POST (default 200)
  --wait-idle=S              before each benchmark, wait up to S seconds for the CPUs to be ≥ 80% idle
                             (other work on the machine skews every figure; default 0: don't wait)
  --pg-vacuum=S              PostgreSQL: VACUUM ANALYZE the hot table every S seconds during dispatch and
                             memory, as autovacuum would (this machine's server has autovacuum = off)
  --explain                  EXPLAIN (ANALYZE, BUFFERS) the expansion INSERT (PostgreSQL)
  --quick                    sizes 100000 / 100000 / 5000 / 100000, 100 requests, memory 60 s
  BENCH_PG_URL               PostgreSQL server for the throw-away databases
                             (default postgres://postgres@127.0.0.1:5432/postgres)`;

const BENCHMARKS = {
  accept: benchAccept,
  expand: benchExpand,
  dispatch: benchDispatch,
  memory: benchMemory,
  import: benchImport,
  senders: benchSenders,
  sync: benchSync,
  faults: benchFaults,
  console: benchConsole,
  fuzz: benchFuzz,
  throughput: benchThroughput,
  rate: benchRate,
} as const;
type BenchName = keyof typeof BENCHMARKS;
const DEFAULT_SIZES: Record<BenchName, number> = {
  accept: 1_000_000, expand: 1_000_000, dispatch: 20_000, memory: 1_000_000, import: 1_000_000, senders: 100, sync: 1_000_000, faults: 10_000, console: 100_000, fuzz: 20_000, throughput: 20_000, rate: 3_000,
};
const QUICK_SIZES: Record<BenchName, number> = {
  accept: 100_000, expand: 100_000, dispatch: 5_000, memory: 100_000, import: 100_000, senders: 40, sync: 100_000, faults: 1_000, console: 100_000, fuzz: 3_000, throughput: 5_000, rate: 3_000,
};

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m) flags.set(m[1]!, m[2] ?? 'true');
    else names.push(...arg.split(','));
  }
  const get = (name: string): string | undefined => flags.get(name) ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const num = (name: string, fallback: number): number => {
    const value = get(name);
    if (value === undefined) return fallback;
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, not ${value}`);
    return n;
  };
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] => {
    const value = get(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((v) => (v === 'pg' ? 'postgres' : v)) as T[];
    for (const item of items) if (!allowed.includes(item)) fail(`--${name}: unknown value ${item} (use ${allowed.join(', ')})`);
    return items;
  };

  const only = names.length > 0 ? names : (get('only')?.split(',') ?? []);
  for (const name of only) if (!(name in BENCHMARKS)) fail(`unknown benchmark ${name}\n\n${USAGE}`);
  const chosen = (only.length > 0 ? only : Object.keys(BENCHMARKS)) as BenchName[];
  const quick = get('quick') === 'true' || get('quick') === '1';
  const base = quick ? QUICK_SIZES : DEFAULT_SIZES;
  const common = get('size') === undefined ? undefined : num('size', 0);
  const sizes = Object.fromEntries(
    (Object.keys(BENCHMARKS) as BenchName[]).map((b) => [b, num(`${b}-size`, common ?? base[b])]),
  ) as Record<BenchName, number>;
  const mode = list('dispatch-mode', ['inproc', 'child', 'compiled'] as const, ['inproc'])[0]!;
  const memoryMode = list('memory-mode', ['compiled', 'child'] as const, ['compiled'])[0]!;
  const memoryFake = list('memory-fake', ['test', 'fast'] as const, ['fast'])[0]!;
  const options: BenchOptions = {
    acceptRequests: num('requests', quick ? 100 : 200),
    bareRequests: num('bare-requests', quick ? 5_000 : 10_000),
    memorySeconds: num('memory-seconds', quick ? 60 : 200),
    dispatchMode: mode,
    memoryMode,
    memoryNodeOptions: get('memory-node-options'),
    pgVacuumSeconds: get('pg-vacuum') === undefined ? 0 : num('pg-vacuum', 0),
    dispatchFakes: list('dispatch-fake', ['test', 'fast'] as const, ['test', 'fast']),
    memoryFake,
    explain: get('explain') === 'true' || get('explain') === '1',
    faultsOutageSeconds: get('faults-outage') === undefined ? 0 : num('faults-outage', 0),
    rateTimeoutMs: num('rate-timeout', 2_000),
    rateHoldMs: num('rate-hold', 0),
    throughputScenarios: list('throughput-scenarios', ['1', '2', '3'] as const, ['1', '2', '3']).map(Number),
  };
  const engines = list<Engine>('engine', ['sqlite', 'postgres'], ['sqlite', 'postgres']);
  const waitIdleSeconds = get('wait-idle') === undefined ? 0 : num('wait-idle', 0);
  return { chosen, engines, sizes, options, waitIdleSeconds };
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function machine(engines: Engine[]) {
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const pg = engines.includes('postgres') ? await postgresVersion() : 'not used';
  const sqlite = (await import('better-sqlite3')).default;
  const probe = new sqlite(':memory:');
  const sqliteVersion = (probe.prepare('select sqlite_version() as v').get() as { v: string }).v;
  probe.close();
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    memory,
    node: process.version,
    postgres: pg,
    postgresServer: PG_SERVER_URL.replace(/\/\/[^@/]*@/, '//…@'),
    sqlite: `${sqliteVersion} (better-sqlite3, WAL, synchronous FULL)`,
    platform: `${process.platform} ${process.arch}`,
  };
}

function table(results: Result[]): string {
  const header = ['benchmark', 'engine', 'size', 'metric', 'value', 'goal', 'ok', 'detail'];
  const rows = results.map((r) => [
    r.benchmark,
    r.engine,
    r.size.toLocaleString('en-US'),
    r.metric,
    r.value,
    r.goal,
    r.pass === undefined ? '–' : r.pass ? 'yes' : 'NO',
    r.detail,
  ]);
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const { chosen, engines, sizes, options, waitIdleSeconds } = parseArgs(process.argv.slice(2));
  const info = await machine(engines);
  const command = `npm run bench --${process.argv.slice(2).map((a) => ` ${a}`).join('')}`;
  process.stdout.write(`whatsapp-blast benchmarks: ${chosen.join(', ')} on ${engines.join(', ')}\n`);
  for (const [k, v] of Object.entries(info)) process.stdout.write(`  ${k.padEnd(15)} ${v}\n`);

  const results: Result[] = [];
  const started = Date.now();
  for (const name of chosen) {
    for (const engine of engines) {
      const size = sizes[name];
      const prefix = `[${name} ${engine} ${size.toLocaleString('en-US')}]`;
      const log = (line: string) => process.stdout.write(`${prefix} ${line}\n`);
      const ctx: BenchContext = { ...options, engine, size, log };
      let idle = await idleShare(1_000);
      const waitUntil = Date.now() + waitIdleSeconds * 1000;
      while (idle < 0.8 && Date.now() < waitUntil) idle = await idleShare(3_000);
      const load = `${loadavg().map((l) => l.toFixed(1)).join(' ')}, CPUs ${(idle * 100).toFixed(0)}% idle at start`;
      log(`starting (load average ${load})`);
      const t0 = Date.now();
      try {
        const produced = await BENCHMARKS[name](ctx);
        for (const r of produced) r.detail += `; load ${load}`;
        results.push(...produced);
      } catch (error) {
        log(`FAILED: ${(error as Error).stack ?? error}`);
        results.push({ benchmark: name, engine, size, metric: 'error', value: 'FAILED', goal: '', pass: false, detail: (error as Error).message.split('\n')[0] ?? '' });
      }
      log(`done in ${sec(Date.now() - t0)}`);
    }
  }

  const text = table(results);
  process.stdout.write(`\n${text}\n\ntotal ${sec(Date.now() - started)}\n`);
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify({ command, machine: info, options, sizes, results }, null, 2));
  writeFileSync(path.join(dir, `${stamp}.md`), `${command}\n\n${Object.entries(info).map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n${text}\n`);
  process.stdout.write(`saved bench/results/${stamp}.{json,md}\n`);
  if (results.some((r) => r.value === 'FAILED' || (r.mustPass && r.pass === false))) process.exitCode = 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping children and dropping the bench databases…\n`);
    for (const child of children) child.kill('SIGKILL');
    void dropAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGKILL');
  await dropAll();
}
