import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, createTestDatabase, mobileNumber, testEnv, waitFor, type TestDatabase } from '../helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from '../process-helpers.js';
import { startFakeFonnte } from '../fakes/fonnte-fake.js';
import { DELIVERY_UNKNOWN } from '../../src/worker/queue.repository.js';

type Fake = Awaited<ReturnType<typeof startFakeFonnte>>;
const TOKEN = 'fonnte-test-token-0123456789';

/** Real processes (as `npm start` runs them) against a fake Fonnte: the multi-worker guarantees. */
describe('separate worker processes against one database', () => {
  let db: TestDatabase;
  let fake: Fake;
  let env: Record<string, string | undefined>;
  const procs: ServiceProcess[] = [];
  const start = (extra: Record<string, string>) => {
    const proc = spawnService({ ...env, ...extra });
    procs.push(proc);
    return proc;
  };

  before(async () => {
    db = await createTestDatabase();
    fake = await startFakeFonnte();
    fake.token = TOKEN;
    env = testEnv(db, {
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: fake.url,
      SEND_DELAY_MIN_MS: '120',
      SEND_DELAY_MAX_MS: '180',
      // Short leases, each handed back: the number goes from process to process.
      GATEWAY_TIMEOUT_MS: '1000',
      WORKER_HOLD_MS: '0',
      WORKER_CONCURRENCY: '2',
    });
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await fake.close();
    await db.drop();
  });

  it('two workers share one blast: nobody twice, and the pause holds between every two sends', async () => {
    const apiProc = start({ ROLE: 'api' });
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const workers = [start({ ROLE: 'worker' }), start({ ROLE: 'worker' })];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/)));
    fake.latencyMs = 30;

    const customers = await api.createCustomers(Array.from({ length: 24 }, (_, i) => ({ name: `W${i}`, phone: mobileNumber(i) })));
    const blastId = await api.blastTo(customers);
    const blast = await api.waitForBlast(blastId, undefined, 30_000);

    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 24, 0]);
    const targets = fake.requests.map((r) => r.form.target);
    assert.equal(targets.length, 24);
    assert.equal(new Set(targets).size, 24, 'a recipient was sent twice');
    const arrivals = fake.requests.map((r) => r.at).sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    assert.ok(Math.min(...gaps) >= 120, `gaps between sends: ${gaps.join(', ')} ms`);
    const logs = await api.allLogs(blast.id);
    assert.deepEqual(new Set(logs.map((l) => l.provider_message_id)).size, 24);

    apiProc.child.kill('SIGTERM');
    workers.forEach((w) => w.child.kill('SIGTERM'));
    assert.deepEqual(await Promise.all([apiProc.exited, ...workers.map((w) => w.exited)]), [0, 0, 0]);
  });

  it('a worker killed with SIGKILL mid-blast: the rest finish by themselves, nobody is sent twice', async () => {
    fake.requests.length = 0;
    fake.latencyMs = 150;
    const apiProc = start({ ROLE: 'api' });
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const victim = start({ ROLE: 'worker' });
    await victim.waitForLine(/worker started/);

    const customers = await api.createCustomers(Array.from({ length: 20 }, (_, i) => ({ name: `K${i}`, phone: mobileNumber(100 + i) })));
    const blastId = await api.blastTo(customers);
    await waitFor(async () => fake.requests.length >= 5 || undefined, 20_000, 'five sends');
    // Kill right after a request arrives: it is in flight, as the fake answers after 150 ms.
    const seen = fake.requests.length;
    await waitFor(async () => fake.requests.length > seen || undefined, 5_000, 'a request in flight');
    victim.child.kill('SIGKILL');
    await victim.exited;

    const successor = start({ ROLE: 'worker' });
    const blast = await api.waitForBlast(blastId, undefined, 40_000);

    const targets = fake.requests.map((r) => r.form.target);
    assert.equal(new Set(targets).size, targets.length, 'a recipient was sent twice');
    const logs = await api.allLogs(blastId);
    assert.equal(logs.length, 20);
    assert.ok(logs.every((l) => l.status === 'sent' || l.status === 'failed'), 'every recipient ends final');
    const unknown = logs.filter((l) => l.status === 'failed');
    assert.equal(unknown.length, 1, 'exactly the recipient in flight at the kill is "delivery unknown"');
    assert.ok(unknown.every((l) => l.error_message === DELIVERY_UNKNOWN));
    assert.equal(blast.sent_count + blast.failed_count, 20);
    assert.equal(blast.status, 'completed');
    // Every recipient recorded as sent did reach the gateway.
    const sentNumbers = new Set(logs.filter((l) => l.status === 'sent').map((l) => l.phone_number));
    assert.ok([...sentNumbers].every((n) => targets.includes(n)));

    successor.child.kill('SIGTERM');
    apiProc.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([successor.exited, apiProc.exited]), [0, 0]);
  });

  it('SIGTERM lets the send in flight finish and be recorded, then exits cleanly', async () => {
    fake.requests.length = 0;
    fake.latencyMs = 400;
    const apiProc = start({ ROLE: 'api' });
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const worker = start({ ROLE: 'worker' });
    await worker.waitForLine(/worker started/);
    const customers = await api.createCustomers(Array.from({ length: 5 }, (_, i) => ({ name: `S${i}`, phone: mobileNumber(200 + i) })));
    const blastId = await api.blastTo(customers);
    await waitFor(async () => fake.requests.length >= 1 || undefined, 10_000, 'a request in flight');
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0);

    const logs = await api.allLogs(blastId);
    const inFlight = logs.find((l) => l.phone_number === fake.requests[0]!.form.target);
    assert.equal(inFlight.status, 'sent', 'the send in flight at SIGTERM was recorded, not lost');
    assert.equal(logs.filter((l) => l.status === 'sending').length, 0, 'nothing left claimed');
    assert.equal(logs.filter((l) => l.status === 'sent').length, fake.requests.length);
    assert.ok(logs.some((l) => l.status === 'pending'), 'the rest waits for the next worker');
    // Leave nothing for the next test's workers to send.
    assert.equal((await api.post(`/api/v1/whatsapp/blast/${blastId}/cancel`)).status, 200);
    apiProc.child.kill('SIGTERM');
    assert.equal(await apiProc.exited, 0);
  });

  it('pause/resume five times during 2,000 recipients, then cancel another: exactly once, nothing sent while paused or after cancel', async () => {
    fake.requests.length = 0;
    fake.latencyMs = 3;
    const apiProc = start({ ROLE: 'api', SEND_DELAY_MIN_MS: '0', SEND_DELAY_MAX_MS: '0' });
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const workers = [start({ ROLE: 'worker', SEND_DELAY_MIN_MS: '0', SEND_DELAY_MAX_MS: '0' }), start({ ROLE: 'worker', SEND_DELAY_MIN_MS: '0', SEND_DELAY_MAX_MS: '0' })];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/)));

    const customers: { id: number }[] = [];
    for (let batch = 0; batch < 4; batch++) {
      customers.push(...(await api.createCustomers(Array.from({ length: 500 }, (_, i) => ({ name: `B${batch * 500 + i}`, phone: mobileNumber(10_000 + batch * 500 + i) })))));
    }
    const blastId = await api.blastTo(customers);
    const quiet: [number, number][] = [];
    for (let round = 1; round <= 5; round++) {
      await waitFor(async () => fake.requests.length >= round * 250 || undefined, 30_000, `${round * 250} sends`);
      const paused = await api.post(`/api/v1/whatsapp/blast/${blastId}/pause`);
      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      const answeredAt = Date.now();
      await new Promise((r) => setTimeout(r, 250));
      const resumeAt = Date.now();
      assert.equal((await api.post(`/api/v1/whatsapp/blast/${blastId}/resume`)).status, 200);
      quiet.push([answeredAt, resumeAt]);
    }
    const blast = await api.waitForBlast(blastId, undefined, 60_000);
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 2000, 0]);
    const ours = new Set((await api.allLogs(blastId)).map((l) => l.phone_number));
    const targets = fake.requests.map((r) => r.form.target).filter((t) => ours.has(t));
    assert.equal(targets.length, 2000);
    assert.equal(new Set(targets).size, 2000, 'a recipient was sent twice');
    for (const [from, to] of quiet) {
      const during = fake.requests.filter((r) => r.at > from && r.at < to);
      assert.equal(during.length, 0, `${during.length} sends started while paused`);
    }

    // Cancel mid-blast.
    fake.requests.length = 0;
    const more = await api.createCustomers(Array.from({ length: 400 }, (_, i) => ({ name: `X${i}`, phone: mobileNumber(20_000 + i) })));
    const second = await api.blastTo(more);
    await waitFor(async () => fake.requests.length >= 50 || undefined, 30_000, '50 sends');
    assert.equal((await api.post(`/api/v1/whatsapp/blast/${second}/cancel`)).status, 200);
    const cancelAnswered = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.requests.filter((r) => r.at > cancelAnswered).length, 0, 'nothing sent after the cancel answered');
    const cancelled = (await api.get(`/api/v1/whatsapp/blast/${second}`)).body.data;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.sent_count, fake.requests.length);
    assert.equal(cancelled.sent_count + cancelled.cancelled_count, 400);

    apiProc.child.kill('SIGTERM');
    workers.forEach((w) => w.child.kill('SIGTERM'));
    assert.deepEqual(await Promise.all([apiProc.exited, ...workers.map((w) => w.exited)]), [0, 0, 0]);
  });
});
