import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Api, createTestDatabase, mobileNumber, testEnv, type TestDatabase } from '../helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from '../process-helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

/** Several senders served by two worker processes: each number's pause holds across both. */
describe('senders across worker processes', () => {
  let db: TestDatabase;
  let fakes: FakeFonnte[];
  const procs: ServiceProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    fakes = await Promise.all([0, 1, 2].map((i) => startFakeFonnte({ token: `process-sender-${i}-token`, latencyMs: 20 })));
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await Promise.all(fakes.map((f) => f.close()));
    await db.drop();
  });

  it('two workers share three paced senders: nobody twice, every gap on a number ≥ its pause', async () => {
    // The same SECRET_KEY everywhere: the API encrypts the credentials, the workers decrypt them.
    const env = testEnv(db, { SECRET_KEY: randomBytes(32).toString('hex'), WORKER_CONCURRENCY: '2', GATEWAY_TIMEOUT_MS: '1000', WORKER_HOLD_MS: '0' });
    const start = (role: string) => {
      const proc = spawnService({ ...env, ROLE: role });
      procs.push(proc);
      return proc;
    };
    const apiProc = start('api');
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const workers = [start('worker'), start('worker')];
    await Promise.all(workers.map((w) => w.waitForLine(/worker started/)));

    for (const [i, fake] of fakes.entries()) await api.addFonnteSender(fake, mobileNumber(9100 + i), { pause_min_ms: 100, pause_max_ms: 140 });
    const customers = await api.createCustomers(Array.from({ length: 30 }, (_, i) => ({ name: `P${i}`, phone: mobileNumber(i) })));
    const blastId = await api.blastTo(customers);
    const blast = await api.waitForBlast(blastId, undefined, 60_000);
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 30, 0]);

    const targets = fakes.flatMap((f) => f.requests.map((r) => r.form.target));
    assert.equal(targets.length, 30);
    assert.equal(new Set(targets).size, 30, 'a recipient was sent twice');
    for (const fake of fakes) {
      assert.ok(fake.requests.length > 0, 'every number took part');
      const arrivals = fake.requests.map((r) => r.at).sort((a, b) => a - b);
      const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
      assert.ok(Math.min(...gaps) >= 100, `gaps on one number: ${gaps.join(', ')} ms`);
    }

    apiProc.child.kill('SIGTERM');
    workers.forEach((w) => w.child.kill('SIGTERM'));
    assert.deepEqual(await Promise.all([apiProc.exited, ...workers.map((w) => w.exited)]), [0, 0, 0]);
  });
});
