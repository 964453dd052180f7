import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '../src/db/connection.js';
import { DELIVERY_UNKNOWN } from '../src/worker/queue.repository.js';
import { ADMIN, Api, mobileNumber, waitFor } from './helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from './process-helpers.js';
import { FAIL_200_REASON, startFlakyGateway, type Fault, type FlakyGateway } from './fakes/flaky-gateway.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';

/**
 * Issue 10's fault injection, shared by test/worker/faults.test.ts (short) and
 * `npm run bench -- faults` (long): one blast through several worker processes (src/main.ts,
 * ROLE=worker) and several sending numbers, while workers are SIGKILLed mid-send and replaced,
 * PostgreSQL restarts (a throw-away cluster; the embedded engine has no server to restart), and
 * the gateway refuses, rate-limits, hangs, resets or fails inside HTTP 200. It then reads the
 * database and lists every broken promise in `problems`.
 */
export interface FaultPlan {
  engine: 'postgres' | 'sqlite';
  recipients: number;
  /** Sending numbers (each one lane at a time, across all workers). */
  senders: number;
  /** Worker processes kept running (a killed one is replaced at once). */
  workers: number;
  kills: number;
  /** PostgreSQL restarts (ignored on sqlite). */
  restarts: number;
  /** How long each restart keeps the server down (0: `pg_ctl restart`, back at once). */
  outageMs?: number;
  /** Share of requests the gateway mistreats. */
  faultRate: number;
  seed: number;
  /** The blast must finish within this, without an operator. */
  timeoutMs: number;
  log?: (line: string) => void;
  /**
   * Where to save the run's logs (made if missing): every process's output
   * (`<role>-<pid>.log`), the gateway's journal of what it did to each request
   * (`gateway.jsonl`), the scenario's own timeline (`scenario.log`) and every row that did not
   * end `sent` (`unsent-rows.jsonl`), so an unexplained outcome can be traced afterwards.
   */
  logDir?: string;
}

export interface FaultReport {
  recipients: number;
  ms: number;
  requests: number;
  injected: Record<Fault, number>;
  kills: number;
  restarts: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Rows the recovery marked "delivery unknown" (a worker killed with them claimed). */
  unknownAfterKill: number;
  /**
   * Rows the recovery marked "delivery unknown" during the run, as the workers logged it: more
   * than `unknownAfterKill` when a live worker outlived its lease and its late outcome replaced the guess.
   */
  recovered: number;
  /** Rows whose send timed out or was reset ("delivery unknown" from the gateway call). */
  unknownAfterHangOrReset: number;
  /** Numbers the gateway may have delivered to twice (must be 0). */
  duplicates: number;
  /** Every broken promise, in words; empty when the run kept them all. */
  problems: string[];
  /** Worker processes that exited by themselves (not killed by the run). */
  unexpectedExits: number;
}

const TOKEN = 'fonnte-faults-token-0123456789';
/**
 * Hung requests cost a lane this long. Not shorter: on a busy machine (CI, shared hosts) a
 * 25 ms answer can miss a 1 s time-out, which is a real "delivery unknown", not an injected one.
 */
const GATEWAY_TIMEOUT_MS = 5000;
const CONCURRENCY = 2;
/** tsx compiles each process on start: seconds, minutes on a machine shared by many jobs. */
const STARTUP_MS = 300_000;

export async function runFaultScenario(plan: FaultPlan): Promise<FaultReport> {
  const timeline: string[] = [];
  const log = (line: string) => {
    timeline.push(`${new Date().toISOString()} ${line}`);
    plan.log?.(line);
  };
  const roles = new Map<ServiceProcess, string>();
  let unsentRows: unknown[] = [];
  const gateway = await startFlakyGateway({ token: TOKEN, rate: plan.faultRate, seed: plan.seed, latencyMs: 25 });
  let cluster: PgCluster | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wb-faults-'));
  const procs: ServiceProcess[] = [];
  const killed = new Set<ServiceProcess>();
  try {
    let databaseUrl: string | undefined;
    if (plan.engine === 'postgres') {
      cluster = await startPgCluster();
      databaseUrl = await cluster.createDatabase('faults');
    }
    const env = (role: string): Record<string, string | undefined> => ({
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      ROLE: role,
      PORT: '0',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SECRET_KEY: SECRET_KEY,
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: gateway.fake.url,
      // Fonnte's default of one request in flight means one recipient per claim: a kill leaves at
      // most one unknown per lane. A pause of 1-2 ms and no rate limit to speak of keep it quick.
      SEND_DELAY_MIN_MS: '1',
      SEND_DELAY_MAX_MS: '2',
      SEND_MAX_PER_SECOND: '1000',
      GATEWAY_TIMEOUT_MS: String(GATEWAY_TIMEOUT_MS),
      WORKER_CONCURRENCY: String(CONCURRENCY),
      RETRY_BASE_MS: '50',
      RETRY_MAX_MS: '500',
      WORKER_POLL_MS: '100',
      DB_RETRY_BASE_MS: '50',
      DB_RETRY_MAX_MS: '500',
      QUIET_HOURS: 'off',
      LOGIN_RATE_LIMIT_PER_IP: '10000',
      LOGIN_RATE_LIMIT_PER_EMAIL: '10000',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    const spawn = (role: string) => {
      const proc = spawnService(env(role));
      procs.push(proc);
      roles.set(proc, role);
      return proc;
    };

    const apiProc = spawn('api');
    const api = new Api(await apiUrlOf(apiProc, STARTUP_MS));
    await api.login();
    for (let i = 0; i < plan.senders; i++) {
      await api.addFonnteSender({ token: TOKEN, url: gateway.fake.url }, `0812${String(7_000_000 + i).padStart(8, '0')}`, { name: `faults ${i}`, pause_min_ms: 1, pause_max_ms: 2 });
    }
    for (let from = 0; from < plan.recipients; from += 5_000) {
      const batch = Array.from({ length: Math.min(5_000, plan.recipients - from) }, (_, i) => ({ name: `F${from + i}`, phone: mobileNumber(from + i) }));
      await api.createCustomers(batch);
    }
    let workers = Array.from({ length: plan.workers }, () => spawn('worker'));
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/, STARTUP_MS)));
    log(`${plan.workers} workers started; blast to ${plan.recipients} recipients through ${plan.senders} numbers`);

    const started = Date.now();
    const posted = await api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
    if (posted.status !== 202) throw new Error(`blast rejected: ${posted.status} ${JSON.stringify(posted.body)}`);
    const blastId = Number(posted.body.blast_id);

    // Faults spread over the blast: kills at even steps of progress, restarts in between.
    const restarts = plan.engine === 'postgres' ? plan.restarts : 0;
    const events: { at: number; kind: 'kill' | 'restart' }[] = [
      ...Array.from({ length: plan.kills }, (_, k) => ({ at: ((k + 1) / (plan.kills + 1)) * 0.9, kind: 'kill' as const })),
      ...Array.from({ length: restarts }, (_, r) => ({ at: ((r + 0.5) / restarts) * 0.8, kind: 'restart' as const })),
    ].sort((a, b) => a.at - b.at);
    let kills = 0;
    let restarted = 0;
    let pick = plan.seed;
    for (const event of events) {
      const goal = Math.ceil(event.at * plan.recipients);
      await waitFor(async () => gateway.count() >= goal || undefined, plan.timeoutMs, `${goal} requests at the gateway`);
      if (event.kind === 'restart') {
        log(`restarting PostgreSQL at ${gateway.count()} requests`);
        if (plan.outageMs) {
          await cluster!.stop();
          await new Promise((resolve) => setTimeout(resolve, plan.outageMs));
          await cluster!.start();
        } else {
          await cluster!.restart();
        }
        restarted += 1;
        log(`PostgreSQL restarted at ${gateway.count()} requests`);
        continue;
      }
      // Right after a request arrives: with the gateway's latency, a send is in flight.
      const seen = gateway.count();
      await waitFor(async () => gateway.count() > seen || undefined, 30_000, 'a request in flight');
      const victim = workers[(pick = (pick * 1103515245 + 12345) >>> 0) % workers.length]!;
      killed.add(victim);
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills += 1;
      workers = [...workers.filter((w) => w !== victim), spawn('worker')];
      log(`killed worker ${victim.child.pid} at ${gateway.count()} requests (${kills}/${plan.kills})`);
    }

    const blast = await api.waitForBlast(blastId, undefined, plan.timeoutMs);
    const ms = Date.now() - started;
    log(`blast ${blast.status} in ${(ms / 1000).toFixed(1)} s`);
    const unexpectedExits = procs.filter((p) => !killed.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null)).length;
    // Every survivor stops first: a worker that outlived a lease writes its late outcome over
    // the recovery's guess before it exits, so what is read next is the final word.
    // A replacement may still be loading (before its SIGTERM handler exists): let it start first.
    const running = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    await Promise.all(running.map((p) => p.waitForLine(/whatsapp-blast is running/, STARTUP_MS).catch(() => undefined)));
    for (const p of running) p.child.kill('SIGTERM');
    const codes = await Promise.all(procs.filter((p) => !killed.has(p)).map((p) => p.exited));
    log('every process stopped');
    const report = await inspect(plan, databaseUrl, dataDir, blastId, gateway, procs.filter((p) => killed.has(p)).map((p) => p.child.pid!), (pid) =>
      procs.find((p) => p.child.pid === pid)?.lines ?? [],
    );
    unsentRows = report.unsentRows;
    if (unexpectedExits > 0) report.problems.push(`${unexpectedExits} processes exited by themselves`);
    if (codes.some((c) => c !== 0)) report.problems.push(`exit codes after SIGTERM: ${codes.join(', ')}`);
    const { unsentRows: _, ...figures } = report;
    const recovered = procs
      .flatMap((p) => p.lines)
      .filter((l) => l.includes('recovered recipients held by a stopped worker'))
      .reduce((sum, l) => sum + Number((JSON.parse(l) as { recipients?: number }).recipients ?? 0), 0);
    return { ...figures, recovered, ms, kills, restarts: restarted, unexpectedExits };
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    if (plan.logDir) saveLogs(plan.logDir, { procs, roles, timeline, journal: gateway.journal, unsentRows });
    await gateway.close();
    await cluster?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const SECRET_KEY = randomBytes(32).toString('hex');

type InspectedRow = { id: number; error_message: string | null; claim_owner: string | null; attempts: number; updated_at: number };

/**
 * What is known of an unexplained outcome, for the problem list: the row, what the gateway did
 * to each request for that number, and what the claiming process logged about that recipient
 * and about the database around then.
 */
function diagnose(row: InspectedRow, answers: ({ fault: Fault } | { sent: string })[], linesOf: (pid: number) => string[]): string {
  const pid = Number(/:(\d+):[0-9a-f]{8}#\d+$/.exec(row.claim_owner ?? '')?.[1] ?? NaN);
  const mentions = linesOf(pid).filter((l) => l.includes(`"recipient":${row.id},`) || /database|worker loop failed/.test(l));
  const gatewayDid = answers.map((a) => ('fault' in a ? a.fault : 'sent')).join(', ') || 'nothing';
  return (
    `row ${row.id} "${row.error_message}", ${row.attempts} attempts, claimed by ${row.claim_owner}, last written at ${new Date(Number(row.updated_at)).toISOString()}; ` +
    `the gateway did: ${gatewayDid}; the claiming process logged: ${mentions.slice(-5).join(' | ') || 'nothing about it'}`
  );
}

function saveLogs(
  dir: string,
  run: { procs: ServiceProcess[]; roles: Map<ServiceProcess, string>; timeline: string[]; journal: FlakyGateway['journal']; unsentRows: unknown[] },
): void {
  mkdirSync(dir, { recursive: true });
  for (const p of run.procs) writeFileSync(path.join(dir, `${run.roles.get(p)}-${p.child.pid}.log`), `${p.lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'scenario.log'), `${run.timeline.join('\n')}\n`);
  writeFileSync(path.join(dir, 'gateway.jsonl'), run.journal.map((j) => JSON.stringify(j)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'unsent-rows.jsonl'), run.unsentRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Reads the outcome from the database and checks every promise against what the gateway saw. */
async function inspect(
  plan: FaultPlan,
  databaseUrl: string | undefined,
  dataDir: string,
  blastId: number,
  gateway: FlakyGateway,
  killedPids: number[],
  linesOf: (pid: number) => string[],
) {
  const database = connect({ databaseUrl, dataDir, poolSize: 2 });
  try {
    const blast = await database.db.selectFrom('whatsapp_blasts').selectAll().where('id', '=', blastId).executeTakeFirstOrThrow();
    const rows = await database.db
      .selectFrom('whatsapp_blast_logs')
      .select(['id', 'phone_number', 'status', 'error_message', 'claim_owner', 'provider_message_id', 'attempts', 'sender_id', 'updated_at'])
      .where('blast_id', '=', blastId)
      .execute();
    const problems: string[] = [];
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    if (blast.status !== 'completed') problems.push(`blast ended ${blast.status}`);
    if (rows.length !== plan.recipients) problems.push(`${rows.length} rows for ${plan.recipients} recipients`);
    const open = rows.filter((r) => !['sent', 'failed', 'skipped'].includes(r.status));
    if (open.length > 0) problems.push(`${open.length} recipients not final (lost): ${open.slice(0, 5).map((r) => r.status).join(', ')}`);
    const counters = [Number(blast.sent_count), Number(blast.failed_count), Number(blast.skipped_count), Number(blast.pending_count)];
    const actual = [count('sent'), count('failed'), count('skipped'), open.length];
    if (counters.join() !== actual.join()) problems.push(`counters ${counters.join('/')} but rows ${actual.join('/')} (sent/failed/skipped/pending)`);

    // Duplicates: a number given two answers that may each have delivered (a success, a hang, a reset).
    let duplicates = 0;
    for (const [target, answers] of gateway.answers) {
      const delivering = answers.filter((a) => 'sent' in a || a.fault === 'hang' || a.fault === 'reset').length;
      if (delivering > 1) {
        duplicates += 1;
        if (duplicates <= 5) problems.push(`${target} may have received ${delivering} messages`);
      }
    }

    // A claim owner is `host:pid:uuid#turn`: the pid says which process held the row.
    const pidOf = (owner: string | null) => Number(/:(\d+):[0-9a-f]{8}#\d+$/.exec(owner ?? '')?.[1] ?? NaN);
    const unknownsOf = new Map<number, number>();
    let unknownAfterKill = 0;
    let unknownAfterHangOrReset = 0;
    for (const row of rows) {
      const target = row.phone_number ?? '';
      const answers = gateway.answers.get(target) ?? [];
      const last = answers.at(-1);
      const lastFault = last && 'fault' in last ? last.fault : undefined;
      if (row.status === 'sent') {
        const given = answers.filter((a): a is { sent: string } => 'sent' in a).map((a) => a.sent);
        if (!given.includes(row.provider_message_id ?? '')) problems.push(`${row.phone_number} recorded sent with id ${row.provider_message_id}, not one the gateway gave (${given.join(', ')})`);
      } else if (row.error_message === DELIVERY_UNKNOWN) {
        // The recovery's guess: only a row claimed by a process the run killed may keep it (a
        // live worker's late outcome replaces it; a restart must cause none).
        unknownAfterKill += 1;
        const pid = pidOf(row.claim_owner);
        unknownsOf.set(pid, (unknownsOf.get(pid) ?? 0) + 1);
        if (!killedPids.includes(pid)) problems.push(`${row.phone_number} "delivery unknown" without a kill: ${diagnose(row, answers, linesOf)}`);
      } else if (row.error_message?.startsWith('delivery unknown')) {
        // From the gateway call itself: the request this recipient's outcome came from hung or was reset.
        unknownAfterHangOrReset += 1;
        if (lastFault !== 'hang' && lastFault !== 'reset') problems.push(`${row.phone_number} "${row.error_message}" but the gateway neither hung nor reset its last request: ${diagnose(row, answers, linesOf)}`);
      } else if (row.status === 'failed') {
        const explained = row.error_message?.includes(FAIL_200_REASON) ? lastFault === 'fail200' : /gave up after/.test(row.error_message ?? '');
        if (!explained) problems.push(`${row.phone_number} failed: ${diagnose(row, answers, linesOf)}`);
      }
    }
    // With one recipient per claim, a kill leaves at most one unknown per lane of that process.
    for (const [pid, n] of unknownsOf) {
      if (killedPids.includes(pid) && n > CONCURRENCY) problems.push(`${n} "delivery unknown" rows claimed by killed process ${pid} of ${CONCURRENCY} lanes`);
    }
    return {
      recipients: plan.recipients,
      requests: gateway.count(),
      injected: { ...gateway.injected },
      sent: count('sent'),
      failed: count('failed'),
      skipped: count('skipped'),
      unknownAfterKill,
      unknownAfterHangOrReset,
      duplicates,
      problems,
      unsentRows: rows.filter((r) => r.status !== 'sent'),
    };
  } finally {
    await database.close();
  }
}
