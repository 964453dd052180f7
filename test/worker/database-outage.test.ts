import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, Api, mobileNumber, waitFor } from '../helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from '../process-helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../pg-cluster.js';
import { DELIVERY_UNKNOWN } from '../../src/worker/queue.repository.js';

const TOKEN = 'fonnte-outage-token-0123456789';
/** In the URL to prove it never reaches a log line (trust authentication ignores it). */
const DB_PASSWORD = 'pw-never-in-logs-4f1c';
/** Starting a process (tsx compiles on the fly) takes seconds, and far more on a busy machine. */
const STARTUP_MS = 60_000;

/**
 * Issue 10, items 5-7: real processes against a PostgreSQL cluster of the test's own, which the
 * test stops and starts. Runs the same in both CI passes (it brings its own server).
 */
describe('a PostgreSQL outage', { skip: pgClusterUnavailable() }, () => {
  let cluster: PgCluster;
  let fake: FakeFonnte;
  let databases = 0;
  const procs: ServiceProcess[] = [];

  const envFor = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
    DATABASE_URL: url,
    DATA_DIR: '/nonexistent-never-used',
    PORT: '0',
    LOG_LEVEL: 'info',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    WA_GATEWAY: 'fonnte',
    FONNTE_TOKEN: TOKEN,
    FONNTE_BASE_URL: fake.url,
    SEND_DELAY_MIN_MS: '0',
    SEND_DELAY_MAX_MS: '0',
    // Fonnte's default rate is one phone's (1/s); the test sends as fast as a pause of 0 lets it.
    SEND_MAX_PER_SECOND: '1000',
    RETRY_BASE_MS: '20',
    RETRY_MAX_MS: '200',
    WORKER_POLL_MS: '50',
    GATEWAY_TIMEOUT_MS: '4000',
    DB_RETRY_BASE_MS: '50',
    DB_RETRY_MAX_MS: '500',
    QUIET_HOURS: 'off',
    LOGIN_RATE_LIMIT_PER_IP: '10000',
    LOGIN_RATE_LIMIT_PER_EMAIL: '10000',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  });
  const start = (env: Record<string, string>) => {
    const proc = spawnService(env);
    procs.push(proc);
    return proc;
  };
  const alive = (proc: ServiceProcess) => proc.child.exitCode === null && proc.child.signalCode === null;
  const freshDatabase = () => cluster.createDatabase(`outage_${++databases}`, DB_PASSWORD);

  before(async () => {
    cluster = await startPgCluster();
    fake = await startFakeFonnte({ token: TOKEN });
  });
  after(async () => {
    for (const p of procs) if (alive(p)) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await fake?.close();
    await cluster?.destroy();
  });

  // Whatever a test did to the server, the next one starts with it running.
  afterEach(() => cluster.start());

  it('an outcome the gateway gave during the outage is kept and recorded when the database is back; no process dies', async () => {
    const url = await freshDatabase();
    const apiProc = start(envFor(url, { ROLE: 'api' }));
    const api = new Api(await apiUrlOf(apiProc, STARTUP_MS));
    await api.login();
    const worker = start(envFor(url, { ROLE: 'worker' }));
    await worker.waitForLine(/worker started/, STARTUP_MS);

    fake.requests.length = 0;
    fake.latencyMs = 1500; // the request is in flight while the server goes down
    const [customer] = await api.createCustomers([{ name: 'Outage', phone: mobileNumber(1) }]);
    const blastId = await api.blastTo([customer!]);
    await waitFor(async () => fake.requests.length >= 1 || undefined, 10_000, 'the send to reach the gateway');
    await cluster.stop();
    // The gateway answers 200 with a message id while nothing can be written.
    await worker.waitForLine(/database unreachable/, 10_000);
    // Down for longer than the worker's first retries.
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(alive(worker) && alive(apiProc), 'a connection error ended a process');
    await cluster.start();

    const blast = await api.waitForBlast(blastId, undefined, 30_000);
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 1, 0]);
    const [log] = await api.allLogs(blast.id);
    assert.equal(log.status, 'sent', `recorded as ${log.status}: ${log.error_message}`);
    assert.ok(log.provider_message_id, 'the provider message id was kept');
    assert.equal(fake.requests.length, 1, 'sent once');
    await worker.waitForLine(/database reachable again/, 10_000);
    assert.ok(alive(worker) && alive(apiProc));
    for (const line of [...worker.lines, ...apiProc.lines]) assert.ok(!line.includes(DB_PASSWORD), `a log line shows the database password: ${line}`);

    worker.child.kill('SIGTERM');
    apiProc.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([worker.exited, apiProc.exited]), [0, 0]);
  });

  it('an outage longer than the lease: the lane records its answer before the recovery guesses "delivery unknown"', async () => {
    const url = await freshDatabase();
    // A lease of 2 × 1 s + 5 s = 7 s, which the outage below outlasts.
    const short = { GATEWAY_TIMEOUT_MS: '1000' };
    const apiProc = start(envFor(url, { ROLE: 'api', ...short }));
    const api = new Api(await apiUrlOf(apiProc, STARTUP_MS));
    await api.login();
    const worker = start(envFor(url, { ROLE: 'worker', ...short }));
    await worker.waitForLine(/worker started/, STARTUP_MS);

    fake.requests.length = 0;
    fake.latencyMs = 700; // the request is in flight while the server goes down
    const [customer] = await api.createCustomers([{ name: 'Long outage', phone: mobileNumber(2) }]);
    const blastId = await api.blastTo([customer!]);
    await waitFor(async () => fake.requests.length >= 1 || undefined, 10_000, 'the send to reach the gateway');
    const claimedBy = Date.now();
    await cluster.stop();
    await worker.waitForLine(/database unreachable/, 10_000);
    // Down past the claim's lease (7 s from before the request).
    await new Promise((r) => setTimeout(r, Math.max(0, claimedBy + 8_000 - Date.now())));
    await cluster.start();

    const blast = await api.waitForBlast(blastId, undefined, 30_000);
    const [log] = await api.allLogs(blast.id);
    assert.deepEqual([log.status, blast.sent_count, blast.failed_count], ['sent', 1, 0], `recorded as ${log.status}: ${log.error_message}`);
    // Not even for a moment "delivery unknown" (a subscriber would have been told so).
    const guesses = worker.lines.filter((l) => l.includes('recovered recipients'));
    assert.deepEqual(guesses, [], 'the recovery guessed before the lane could write');
    fake.latencyMs = 0;
    worker.child.kill('SIGTERM');
    apiProc.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([worker.exited, apiProc.exited]), [0, 0]);
  });

  it('a restart mid-blast: workers drop the broken connections, back off and carry on; nobody twice, nobody unknown', async () => {
    const url = await freshDatabase();
    const apiProc = start(envFor(url, { ROLE: 'api' }));
    const api = new Api(await apiUrlOf(apiProc, STARTUP_MS));
    await api.login();
    const workers = [start(envFor(url, { ROLE: 'worker' })), start(envFor(url, { ROLE: 'worker', WORKER_CONCURRENCY: '1' }))];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/, STARTUP_MS)));

    fake.requests.length = 0;
    fake.latencyMs = 20;
    const customers = await api.createCustomers(Array.from({ length: 150 }, (_, i) => ({ name: `R${i}`, phone: mobileNumber(1000 + i) })));
    const blastId = await api.blastTo(customers);
    await waitFor(async () => fake.requests.length >= 50 || undefined, 30_000, '50 sends');
    await cluster.restart();

    const blast = await api.waitForBlast(blastId, undefined, 60_000);
    const logs = await api.allLogs(blast.id);
    const targets = fake.requests.map((r) => r.form.target);
    assert.equal(new Set(targets).size, targets.length, 'a recipient was sent twice');
    assert.equal(logs.filter((l) => l.error_message === DELIVERY_UNKNOWN).length, 0, 'a restart alone left a recipient "delivery unknown"');
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 150, 0]);
    assert.equal(targets.length, 150);
    assert.ok(workers.every(alive), 'a worker died at the restart');
    assert.ok(workers.some((w) => w.lines.some((l) => /database connection lost|database unreachable/.test(l))), 'the outage was logged');

    for (const p of [...workers, apiProc]) p.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([...workers, apiProc].map((p) => p.exited)), [0, 0, 0]);
  });

  it('started while the database is down: waits and says so, listens with /readyz 503, then works when it answers', async () => {
    const url = await freshDatabase();
    await cluster.stop();
    const proc = start(envFor(url, { ROLE: 'all' }));
    await proc.waitForLine(/database unreachable; retrying/, STARTUP_MS);
    const listening = await proc.waitForLine(/Server listening at/, STARTUP_MS);
    const base = /Server listening at (http:\/\/[^"]+)/.exec(listening)![1]!;
    const api = new Api(base);

    assert.equal((await api.get('/healthz')).status, 200);
    const readyz = await api.get('/readyz');
    assert.equal(readyz.status, 503);
    assert.equal(readyz.body.success, false);
    assert.ok(Number(readyz.headers.get('retry-after')) > 0);
    const login = await api.post('/api/v1/auth/login', ADMIN);
    assert.equal(login.status, 503);
    assert.deepEqual([login.body.success, Array.isArray(login.body.errors)], [false, true]);
    assert.ok(Number(login.headers.get('retry-after')) > 0);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(alive(proc), 'the process gave up waiting');

    await cluster.start();
    await proc.waitForLine(/whatsapp-blast is running/, STARTUP_MS);
    await proc.waitForLine(/worker started/, 10_000);
    assert.equal((await api.get('/readyz')).status, 200);
    await api.login();
    fake.requests.length = 0;
    fake.latencyMs = 0;
    const [customer] = await api.createCustomers([{ name: 'Late', phone: mobileNumber(5000) }]);
    const blastId = await api.blastTo([customer!]);
    const blast = await api.waitForBlast(blastId, undefined, 20_000);
    assert.deepEqual([blast.status, blast.sent_count], ['completed', 1]);
    for (const line of proc.lines) assert.ok(!line.includes(DB_PASSWORD), `a log line shows the database password: ${line}`);

    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
  });

  it('a worker stopped while still waiting for the database exits cleanly; a malformed DATABASE_URL fails at once', async () => {
    await cluster.stop();
    const waiting = start(envFor(`postgres://postgres@127.0.0.1:${cluster.port}/nothing`, { ROLE: 'worker' }));
    await waiting.waitForLine(/database unreachable; retrying/, STARTUP_MS);
    waiting.child.kill('SIGTERM');
    assert.equal(await waiting.exited, 0);

    const malformed = start(envFor('postgres://postgres@127.0.0.1:notaport/x', { ROLE: 'worker' }));
    assert.equal(await malformed.exited, 2);
    assert.ok(malformed.lines.some((l) => /DATABASE_URL/.test(l)));
    await cluster.start();
  });
});
