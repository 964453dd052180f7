import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, waitFor, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

const TOKEN = 'fonnte-lifecycle-token-1';

describe('blast lifecycle: pause, resume, cancel, retry', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  let offset = 0;
  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN, latencyMs: 20 });
    // A pause between sends, so a blast is still running when the test acts on it.
    svc = await startTestService({ WA_GATEWAY: 'fonnte', FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: fake.url, SEND_DELAY_MIN_MS: '40', SEND_DELAY_MAX_MS: '60' });
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  async function startBlast(count: number) {
    const customers = await svc.api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `L${offset + i}`, phone: mobileNumber(offset + i) })));
    offset += count;
    return svc.api.blastTo(customers);
  }
  const act = (id: number, action: string, body?: unknown) => svc.api.post(`/api/v1/whatsapp/blast/${id}/${action}`, body);

  it('pause stops new sends at once; resume continues exactly where it stopped', async () => {
    const id = await startBlast(20);
    await svc.api.waitForBlast(id, (b) => b.sent_count >= 3);
    const paused = await act(id, 'pause');
    assert.equal(paused.status, 200);
    assert.equal(paused.body.data.status, 'paused');
    const sendsAtPause = fake.requests.length;
    await new Promise((r) => setTimeout(r, 400)); // several pauses' worth of time
    assert.equal(fake.requests.length, sendsAtPause, 'no send started after the pause answered');
    const during = (await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
    assert.equal(during.sent_count + during.pending_count, 20);

    assertError(await act(id, 'pause'), 409, 'status');
    const resumed = await act(id, 'resume');
    assert.deepEqual([resumed.status, resumed.body.data.status], [200, 'processing']);
    const done = await svc.api.waitForBlast(id);
    assert.deepEqual([done.status, done.sent_count, done.pending_count], ['completed', 20, 0]);
    const targets = fake.requests.map((r) => r.form.target);
    assert.equal(new Set(targets).size, targets.length, 'nobody twice');
    assertError(await act(id, 'resume'), 409, 'status');
  });

  it('cancel turns pending recipients into cancelled, and nothing is sent after it answers', async () => {
    const id = await startBlast(15);
    await svc.api.waitForBlast(id, (b) => b.sent_count >= 2);
    const cancelled = await act(id, 'cancel');
    assert.equal(cancelled.status, 200);
    const sendsAtCancel = fake.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.requests.length, sendsAtCancel);
    const blast = (await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
    assert.equal(blast.status, 'cancelled');
    assert.equal(blast.sent_count + blast.cancelled_count, 15);
    assert.equal(blast.pending_count, 0);
    const logs = await svc.api.allLogs(id);
    assert.equal(logs.filter((l) => l.status === 'cancelled').length, blast.cancelled_count);
    for (const action of ['pause', 'resume', 'cancel', 'retry']) assertError(await act(id, action), 409, 'status');
  });

  it('retry puts failed recipients back in the queue, optionally only those with a given error', async () => {
    const rejected = new Set<string>();
    fake.behaviour = (request) => {
      const target = request.form.target ?? '';
      if (rejected.has(target)) return { fail: target.endsWith('1') ? 'target invalid' : 'number not registered' };
      return undefined;
    };
    try {
      const numbers = [0, 1, 2, 3].map((i) => `62812${String(offset + i).padStart(8, '0')}`);
      numbers.forEach((n) => rejected.add(n));
      const id = await startBlast(4);
      const failed = await svc.api.waitForBlast(id);
      assert.deepEqual([failed.status, failed.failed_count], ['failed', 4]);

      rejected.clear();
      const some = await act(id, 'retry', { error: 'target invalid' });
      assert.equal(some.status, 200);
      const expected = numbers.filter((n) => n.endsWith('1')).length;
      assert.equal(some.body.requeued, expected);
      const afterSome = await svc.api.waitForBlast(id, (b) => b.pending_count === 0 && ['completed', 'failed'].includes(b.status));
      assert.equal(afterSome.sent_count, expected);

      const rest = await act(id, 'retry');
      assert.equal(rest.body.requeued, 4 - expected);
      const done = await svc.api.waitForBlast(id, (b) => b.sent_count === 4);
      assert.deepEqual([done.status, done.failed_count, done.pending_count], ['completed', 0, 0]);
    } finally {
      fake.behaviour = undefined;
    }
  });

  it('answers 404 for an unknown blast and 422 for a bad retry body', async () => {
    assertError(await act(999999, 'pause'), 404);
    const id = await startBlast(1);
    await svc.api.waitForBlast(id);
    assertError(await act(id, 'retry', { error: '' }), 422, 'error');
    assertError(await act(id, 'retry', { errors: 'x' }), 422, 'errors');
  });

  it('a blast paused before its recipients were resolved is resolved after resume', async () => {
    const customers = await svc.api.createCustomers([{ name: 'Early', phone: mobileNumber(990) }]);
    await svc.service.worker!.stop(); // hold the worker so the pause lands before expansion
    try {
      const blastId = await svc.api.blastTo(customers);
      const paused = await act(blastId, 'pause');
      assert.deepEqual([paused.status, paused.body.data.status, paused.body.data.recipients_resolved], [200, 'paused', false]);
      const resumed = await act(blastId, 'resume');
      assert.equal(resumed.body.data.status, 'queued');
    } finally {
      svc.service.worker!.start();
    }
    await waitFor(async () => (await svc.api.get('/api/v1/whatsapp/blast/history')).body.data[0].status === 'completed' || undefined, 10_000);
  });
});
