import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, createTestDatabase, mobileNumber, testEnv, type TestDatabase } from '../helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from '../process-helpers.js';
import { metaServiceEnv, startFakeMeta, type FakeMeta } from '../fakes/meta-fake.js';
import { DELIVERY_UNKNOWN } from '../../src/worker/queue.repository.js';

const TOKEN = 'rate-processes-meta-token';

/**
 * The arrival times the fake records trail the workers' start times by the trip through both
 * event loops and the socket; on a busy machine two arrivals can come closer than their starts
 * were by that much. The starts themselves are exact at window boundaries (test/worker/pacer.test.ts).
 */
const ARRIVAL_JITTER_MS = 60;

/** One Meta number (the environment's sender) served by two worker processes. */
describe('a number\'s rate across worker processes', () => {
  let db: TestDatabase;
  let fake: FakeMeta;
  const procs: ServiceProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    fake = await startFakeMeta({ accessToken: TOKEN, latencyMs: 120 });
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await fake.close();
    await db.drop();
  });

  const env = (extra: Record<string, string | undefined> = {}) =>
    testEnv(db, {
      ...metaServiceEnv(fake),
      // Short leases, handed back after each stretch, so the number changes hands between the workers often.
      GATEWAY_TIMEOUT_MS: '1000',
      WORKER_HOLD_MS: '0',
      WORKER_CONCURRENCY: '2',
      ...extra,
    });
  const start = (role: string, extra: Record<string, string | undefined> = {}) => {
    const proc = spawnService({ ...env(extra), ROLE: role });
    procs.push(proc);
    return proc;
  };
  async function blastTo(api: Api, count: number, first: number): Promise<number> {
    const customers = await api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `R${i}`, phone: mobileNumber(first + i) })));
    return api.blastTo(customers);
  }
  const stopAll = async (list: ServiceProcess[]) => {
    list.forEach((p) => p.child.kill('SIGTERM'));
    assert.deepEqual(await Promise.all(list.map((p) => p.exited)), list.map(() => 0));
  };

  it('never more than max_in_flight requests at once, nor max_per_second starts in a second', async () => {
    const rate = { SEND_MAX_IN_FLIGHT: '4', SEND_MAX_PER_SECOND: '20' };
    const apiProc = start('api', rate);
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const workers = [start('worker', rate), start('worker', rate)];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/)));

    const count = 100;
    const sent = fake.requests.length;
    const blast = await api.waitForBlast(await blastTo(api, count, 5000), undefined, 60_000);
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', count, 0]);

    const arrivals = fake.requests.slice(sent).map((r) => r.at).sort((a, b) => a - b);
    assert.equal(arrivals.length, count);
    assert.ok(fake.peakInFlight <= 4, `${fake.peakInFlight} requests in flight at once`);
    assert.ok(fake.peakInFlight >= 2, 'the number used several requests in flight');
    // Start i+20 is at least a second after start i: no one-second window holds 21.
    const closest = Math.min(...arrivals.slice(20).map((t, i) => t - arrivals[i]!));
    assert.ok(closest >= 1000 - ARRIVAL_JITTER_MS, `20 sends apart by only ${closest} ms`);
    // And the rate is used: 100 sends at 20/s take about 5 s (slack for a busy machine).
    const span = arrivals.at(-1)! - arrivals[0]!;
    assert.ok(span < 15_000, `${count} sends took ${span} ms`);

    await stopAll([apiProc, ...workers]);
  });

  it('a worker killed with 8 requests in flight leaves at most 8 "delivery unknown", and another finishes the rest', async () => {
    // Sends that hang until the kill: a time-out first would record them itself ("delivery unknown"
    // from the gateway) and free their slots for more claims.
    const rate = { SEND_MAX_IN_FLIGHT: '8', SEND_MAX_PER_SECOND: '1000', GATEWAY_TIMEOUT_MS: '5000' };
    const apiProc = start('api', rate);
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    // Every send hangs: the worker fills its 8 slots and waits.
    fake.behaviour = () => 'hang';
    const before = fake.requests.length;
    const doomed = start('worker', rate);
    const count = 40;
    const blastId = await blastTo(api, count, 6000);
    for (const deadline = Date.now() + 20_000; fake.requests.length - before < 8 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    // A moment longer: nothing beyond the 8 starts while they are in flight.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.requests.length - before, 8);
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    fake.behaviour = undefined;
    const survivor = start('worker', rate);
    const blast = await api.waitForBlast(blastId, undefined, 60_000);
    assert.equal(blast.status, 'completed');
    assert.equal(blast.failed_count, 8, 'the 8 in flight, and nobody else');
    assert.equal(blast.sent_count, count - 8);
    const failed = await api.get(`/api/v1/whatsapp/blast/${blastId}/logs?status=failed`);
    assert.ok((failed.body.data as { error_message: string }[]).every((l) => l.error_message === DELIVERY_UNKNOWN), JSON.stringify(failed.body.data));
    // Nobody was sent twice: the "delivery unknown" recipients are never resent.
    const targets = fake.requests.slice(before).map((r) => r.json?.to);
    assert.equal(targets.length, count);
    assert.equal(new Set(targets).size, count);

    await stopAll([apiProc, survivor]);
  });
});
