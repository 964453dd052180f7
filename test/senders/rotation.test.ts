import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assertError, ManualClock, mobileNumber, startTestService, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

const SECRET_KEY = randomBytes(32).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PACED = { pause_min_ms: 20, pause_max_ms: 30 };

/** One fake Fonnte per sending number, so each number's requests are seen apart. */
async function startNumbers(count: number, latencyMs = 5): Promise<FakeFonnte[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startFakeFonnte({ token: `token-of-number-${i}-xyz`, latencyMs })));
}

function addSender(svc: TestService, fake: FakeFonnte, i: number, extra: Record<string, unknown> = {}, token = fake.token) {
  return svc.api.addFonnteSender({ token, url: fake.url }, mobileNumber(9000 + i), { name: `Number ${i}`, ...extra });
}

function createBlast(svc: TestService, offset: number, count: number, extra: Record<string, unknown> = {}) {
  return (async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `R${offset + i}`, phone: mobileNumber(offset + i) })));
    return svc.api.blastTo(customers, extra);
  })();
}

const targetsOf = (fakes: FakeFonnte[]) => fakes.flatMap((f) => f.requests.filter((r) => r.headers.authorization === f.token).map((r) => r.form.target));

describe('rotation across senders', () => {
  let fakes: FakeFonnte[];
  let svc: TestService;
  let ids: number[];
  before(async () => {
    fakes = await startNumbers(4);
    svc = await startTestService({ SECRET_KEY });
    ids = [];
    // A short pause, so each turn sends one message (unpaced numbers send windows of many).
    for (const [i, fake] of fakes.entries()) ids.push(await addSender(svc, fake, i, PACED));
  });
  after(async () => {
    await svc.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('spreads a blast that names no sender over every real sender, each recipient once (the log sender stays out)', async () => {
    const id = await createBlast(svc, 0, 40);
    const done = await svc.api.waitForBlast(id);
    assert.deepEqual([done.status, done.sent_count], ['completed', 40]);
    const targets = targetsOf(fakes);
    assert.equal(targets.length, 40);
    assert.equal(new Set(targets).size, 40, 'nobody twice');
    for (const fake of fakes) assert.ok(fake.requests.length > 0, 'every sender took part');
    const logs = await svc.api.allLogs(id);
    assert.ok(logs.every((l) => ids.includes(l.sender_id)), 'each recipient names a real sender');
  });

  it('a blast that names senders uses only those', async () => {
    const before = fakes.map((f) => f.requests.length);
    const id = await createBlast(svc, 100, 12, { sender_ids: [ids[1], ids[3]] });
    const done = await svc.api.waitForBlast(id);
    assert.equal(done.sent_count, 12);
    const sent = fakes.map((f, i) => f.requests.length - before[i]!);
    assert.equal(sent[0], 0);
    assert.equal(sent[2], 0);
    assert.equal(sent[1]! + sent[3]!, 12);
    assert.deepEqual((await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data.sender_ids, [ids[1], ids[3]]);
    assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'x', sender_ids: [999999] }), 422, 'sender_ids');
    // Every sender a blast may use must be able to send it: Fonnte sends no approved templates.
    const template = { name: 'promo_juni', language: 'id' };
    const refused = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', template, sender_ids: [ids[0]] });
    assertError(refused, 422, 'template');
    assert.match(JSON.stringify(refused.body.errors), /fonnte gateway does not send templates/);
  });

  it('when none of its senders can send the blast waits, visibly, and carries on by itself when one is resumed', async () => {
    const paused = await svc.api.patch(`/api/v1/senders/${ids[2]}`, { state: 'paused' });
    assert.equal(paused.status, 200);
    const id = await createBlast(svc, 200, 5, { sender_ids: [ids[2]] });
    const waiting = await svc.api.waitForBlast(id, (b) => b.recipients_resolved && b.waiting !== null);
    assert.equal(waiting.waiting.reason, 'no_sender');
    assert.match(waiting.waiting.message, /Number 2 \(paused by an admin\)/);
    await sleep(300);
    assert.equal((await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data.sent_count, 0);
    await svc.api.patch(`/api/v1/senders/${ids[2]}`, { state: 'active' });
    const done = await svc.api.waitForBlast(id);
    assert.deepEqual([done.status, done.sent_count, done.waiting], ['completed', 5, null]);
  });
});

describe('a sender whose token is rejected', () => {
  it('pauses itself after its first attempt with the provider\'s reason; the other senders send its recipients', async () => {
    const fakes = await startNumbers(3);
    const svc = await startTestService({ SECRET_KEY });
    try {
      const good = [await addSender(svc, fakes[0]!, 0, PACED), await addSender(svc, fakes[1]!, 1, PACED)];
      const bad = await addSender(svc, fakes[2]!, 2, PACED, 'a-revoked-token-000');
      const id = await createBlast(svc, 0, 30);
      const done = await svc.api.waitForBlast(id);
      assert.deepEqual([done.status, done.sent_count, done.failed_count], ['completed', 30, 0]);
      assert.equal(fakes[2]!.requests.length, 1, 'one attempt, then the sender stopped');
      const sender = (await svc.api.get(`/api/v1/senders/${bad}`)).body.data;
      assert.deepEqual([sender.state, sender.paused_by, sender.paused_reason], ['paused', 'provider', 'fonnte: token invalid']);
      const logs = await svc.api.allLogs(id);
      assert.ok(logs.every((l) => l.status === 'sent' && good.includes(l.sender_id)));
      assert.equal(new Set(targetsOf(fakes)).size, 30);
      assert.ok(!svc.logs.some((l) => l.includes('a-revoked-token-000') || l.includes(fakes[0]!.token)), 'no token in the logs');
    } finally {
      await svc.stop();
      await Promise.all(fakes.map((f) => f.close()));
    }
  });
});

describe('five senders, each paced on its own', () => {
  it('no two sends of one number are closer than its minimum pause, and every number takes a share', async () => {
    const fakes = await startNumbers(5, 10);
    const svc = await startTestService({ SECRET_KEY, WORKER_CONCURRENCY: '5' });
    try {
      for (const [i, fake] of fakes.entries()) await addSender(svc, fake, i, { pause_min_ms: 120, pause_max_ms: 160 });
      const id = await createBlast(svc, 0, 40);
      const done = await svc.api.waitForBlast(id, undefined, 60_000);
      assert.equal(done.sent_count, 40);
      for (const fake of fakes) {
        assert.ok(fake.requests.length >= 4, `each number sent a share (${fakes.map((f) => f.requests.length)})`);
        const times = fake.requests.map((r) => r.at);
        for (let i = 1; i < times.length; i++) {
          // The pause counts from the end of a send; requests arrive at least pause + latency apart.
          assert.ok(times[i]! - times[i - 1]! >= 120, `gap of ${times[i]! - times[i - 1]!} ms on one number`);
        }
      }
    } finally {
      await svc.stop();
      await Promise.all(fakes.map((f) => f.close()));
    }
  });
});

describe('one lane, two fast numbers on one blast', () => {
  let fakes: FakeFonnte[];
  let svc: TestService;
  before(async () => {
    fakes = await startNumbers(2);
    // One lane, and stretches of 300 ms: the lane keeps a number from one stretch to the next only
    // while no other number of its blasts waits for a lane.
    svc = await startTestService({ SECRET_KEY, WORKER_CONCURRENCY: '1', GATEWAY_TIMEOUT_MS: '300' });
  });
  after(async () => {
    await svc.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('takes turns: neither number keeps the lane while the other waits', async () => {
    const fast = { pause_min_ms: 0, pause_max_ms: 0, max_in_flight: 4, max_per_second: 40 };
    const ids = [await addSender(svc, fakes[0]!, 0, fast), await addSender(svc, fakes[1]!, 1, fast)];
    const id = await createBlast(svc, 500, 80, { sender_ids: ids });
    const done = await svc.api.waitForBlast(id, undefined, 30_000);
    assert.deepEqual([done.status, done.sent_count], ['completed', 80]);
    const shares = fakes.map((f) => f.requests.length);
    assert.ok(shares.every((n) => n >= 20), `requests per number: ${shares.join(', ')}`);
  });
});

describe('daily caps and warm-up (on a controllable clock)', () => {
  const clock = new ManualClock(Date.parse('2026-06-01T10:00:00+07:00'));
  let svc: TestService;
  let fakes: FakeFonnte[];
  let offset = 0;
  before(async () => {
    fakes = await startNumbers(2);
    svc = await startTestService({ SECRET_KEY, TIMEZONE: 'Asia/Jakarta' }, undefined, clock);
  });
  after(async () => {
    await svc.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });
  const nextDay = async (iso: string) => {
    clock.set(iso);
    svc.service.worker?.notify();
    await svc.api.login(); // a day outlives the login token
  };
  const sentSoFar = async (id: number) => {
    await sleep(300); // several worker polls: enough for a wrong worker to send more
    return (await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
  };

  it('a sender stops at its daily cap, the blast waits for the next local day, and a raised cap applies at once', async () => {
    const sender = await addSender(svc, fakes[0]!, 0, { daily_cap: 3 });
    const id = await createBlast(svc, offset, 6, { sender_ids: [sender] });
    offset += 6;
    await svc.api.waitForBlast(id, (b) => b.sent_count === 3);
    const capped = await sentSoFar(id);
    assert.equal(capped.sent_count, 3);
    assert.deepEqual(capped.waiting, { reason: 'daily_cap', message: capped.waiting.message, until: '2026-06-01T17:00:00.000Z' });
    const view = (await svc.api.get(`/api/v1/senders/${sender}`)).body.data;
    assert.deepEqual([view.today.sent, view.today.cap], [3, 3]);

    await svc.api.patch(`/api/v1/senders/${sender}`, { daily_cap: 4 });
    await svc.api.waitForBlast(id, (b) => b.sent_count === 4);
    assert.equal((await sentSoFar(id)).sent_count, 4);

    await nextDay('2026-06-02T00:00:00+07:00');
    const done = await svc.api.waitForBlast(id);
    assert.deepEqual([done.status, done.sent_count], ['completed', 6]);
    assert.equal(fakes[0]!.requests.length, 6);
  });

  it('warm-up grows the cap day by day from its start value to the daily cap', async () => {
    await nextDay('2026-06-10T09:00:00+07:00');
    const sender = await addSender(svc, fakes[1]!, 1, { daily_cap: 10, warmup: { start_cap: 2, days: 4 } });
    const id = await createBlast(svc, offset, 20, { sender_ids: [sender] });
    offset += 20;
    // Caps 2, 4, 6, 8 on days 0..3: 2, 6, 12, then the last 8.
    const expected = [2, 6, 12, 20];
    for (const [day, total] of expected.entries()) {
      if (day > 0) await nextDay(`2026-06-${10 + day}T09:00:00+07:00`);
      await svc.api.waitForBlast(id, (b) => b.sent_count === total);
      assert.equal((await sentSoFar(id)).sent_count, total, `day ${day}`);
    }
    assert.equal((await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data.status, 'completed');
  });
});

describe('a sender whose credentials were stored under another SECRET_KEY', () => {
  it('pauses itself with the reason instead of sending, and the blast says why it waits', async () => {
    const [fake] = await startNumbers(1);
    const first = await startTestService({ SECRET_KEY });
    try {
      const id = await addSender(first, fake!, 0);
      await first.service.stop();
      const second = await startTestService({ SECRET_KEY: randomBytes(32).toString('hex') }, first.db);
      try {
        const blastId = await createBlast(second, 0, 3);
        const waiting = await second.api.waitForBlast(blastId, (b) => b.waiting?.reason === 'no_sender');
        assert.match(waiting.waiting.message, /cannot be decrypted with this SECRET_KEY/);
        const sender = (await second.api.get(`/api/v1/senders/${id}`)).body.data;
        assert.deepEqual([sender.state, sender.paused_by], ['paused', 'provider']);
        assert.equal(fake!.requests.length, 0);
      } finally {
        await second.service.stop();
      }
    } finally {
      await first.db.drop();
      await fake!.close();
    }
  });
});
