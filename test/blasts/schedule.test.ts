import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, ManualClock, mobileNumber, startTestService, type TestService } from '../helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Scheduled blasts and quiet hours, on a clock the test moves: the worker runs for real, only
 * its idea of the time is the test's. "Nothing happens" is checked over several worker polls.
 */
describe('schedule and quiet hours', () => {
  // 10:00 in Jakarta; the default quiet hours 21:00-08:00 are on.
  const clock = new ManualClock(Date.parse('2026-06-01T10:00:00+07:00'));
  let svc: TestService;
  let offset = 0;
  before(async () => {
    svc = await startTestService({ QUIET_HOURS: '21:00-08:00', TIMEZONE: 'Asia/Jakarta' }, undefined, clock);
  });
  after(() => svc.stop());

  async function submit(count: number, extra: Record<string, unknown> = {}) {
    const customers = await svc.api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `S${offset + i}`, phone: mobileNumber(offset + i) })));
    offset += count;
    return svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: customers.map((c) => c.id), message: 'Halo {name}', ...extra });
  }
  const blast = async (id: number) => (await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
  /** Moves the time, wakes the worker, and logs in again (a jump of a day outlives the token). */
  const moveClock = async (iso: string) => {
    clock.set(iso);
    svc.service.worker?.notify();
    await svc.api.login();
  };

  it('send_at keeps a blast scheduled (recipients resolved, nothing sent) until then, and it then sends by itself', async () => {
    await moveClock('2026-06-01T10:00:00+07:00');
    const res = await submit(4, { send_at: '2026-06-01T11:30:00+07:00' });
    assert.equal(res.status, 202);
    const id = res.body.blast_id;
    const waiting = await svc.api.waitForBlast(id, (b) => b.recipients_resolved);
    await sleep(300);
    const still = await blast(id);
    assert.deepEqual([still.status, still.sent_count, still.pending_count], ['scheduled', 0, 4]);
    assert.equal(still.send_at, '2026-06-01T04:30:00.000Z');
    assert.deepEqual(still.waiting, { reason: 'scheduled', message: still.waiting.message, until: '2026-06-01T04:30:00.000Z' });
    assert.equal(waiting.target_count, 4);
    const history = (await svc.api.get('/api/v1/whatsapp/blast/history?status=scheduled')).body.data;
    assert.ok(history.some((b: any) => b.id === id));

    await moveClock('2026-06-01T11:29:59+07:00');
    await sleep(200);
    assert.equal((await blast(id)).sent_count, 0, 'not a second early');
    await moveClock('2026-06-01T11:30:00+07:00');
    const done = await svc.api.waitForBlast(id);
    assert.deepEqual([done.status, done.sent_count, done.waiting], ['completed', 4, null]);
  });

  it('a scheduled blast can be paused, resumed (back to scheduled) and cancelled', async () => {
    await moveClock('2026-06-01T12:00:00+07:00');
    const id = (await submit(3, { send_at: '2026-06-01T15:00:00+07:00' })).body.blast_id;
    await svc.api.waitForBlast(id, (b) => b.recipients_resolved);
    assertError(await svc.api.post(`/api/v1/whatsapp/blast/${id}/retry`), 409, 'status');
    assertError(await svc.api.post(`/api/v1/whatsapp/blast/${id}/resume`), 409, 'status');
    const paused = await svc.api.post(`/api/v1/whatsapp/blast/${id}/pause`);
    assert.deepEqual([paused.status, paused.body.data.status], [200, 'paused']);
    const resumed = await svc.api.post(`/api/v1/whatsapp/blast/${id}/resume`);
    assert.deepEqual([resumed.status, resumed.body.data.status], [200, 'scheduled']);
    const cancelled = await svc.api.post(`/api/v1/whatsapp/blast/${id}/cancel`);
    assert.deepEqual([cancelled.body.data.status, cancelled.body.data.cancelled_count, cancelled.body.data.pending_count], ['cancelled', 3, 0]);
    await moveClock('2026-06-01T16:00:00+07:00');
    await sleep(200);
    assert.equal((await blast(id)).sent_count, 0);
  });

  it('refuses a send_at in the past, a year ahead, or without a time zone, and bad quiet hours', async () => {
    await moveClock('2026-06-01T12:00:00+07:00');
    assertError(await submit(1, { send_at: '2026-06-01T11:00:00+07:00' }), 422, 'send_at');
    assertError(await submit(1, { send_at: '2027-07-01T11:00:00+07:00' }), 422, 'send_at');
    assertError(await submit(1, { send_at: '2026-06-01T13:00:00' }), 422, 'send_at');
    assertError(await submit(1, { send_at: 'tomorrow' }), 422, 'send_at');
    assertError(await submit(1, { quiet_hours: '22:00' }), 422, 'quiet_hours');
    assertError(await submit(1, { quiet_hours: '08:00-08:00' }), 422, 'quiet_hours');
    // A few minutes in the past is a clock difference: accepted, sent now.
    const late = await submit(1, { send_at: '2026-06-01T11:58:00+07:00' });
    assert.equal(late.status, 202);
    assert.equal((await svc.api.waitForBlast(late.body.blast_id)).sent_count, 1);
  });

  it('quiet hours hold sends until they end; a blast may set its own or turn them off', async () => {
    await moveClock('2026-06-01T22:00:00+07:00');
    const held = (await submit(3)).body.blast_id;
    const ownRange = (await submit(2, { quiet_hours: '23:00-06:00' })).body.blast_id;
    const noQuiet = (await submit(2, { quiet_hours: 'off' })).body.blast_id;
    assert.equal((await svc.api.waitForBlast(noQuiet)).sent_count, 2);
    assert.equal((await svc.api.waitForBlast(ownRange)).sent_count, 2, '22:00 is outside 23:00-06:00');
    await sleep(300);
    const waiting = await blast(held);
    assert.deepEqual([waiting.status, waiting.sent_count, waiting.pending_count], ['queued', 0, 3]);
    assert.equal(waiting.waiting.reason, 'quiet_hours');
    assert.equal(waiting.waiting.until, '2026-06-02T01:00:00.000Z'); // 08:00 in Jakarta
    assert.equal(waiting.quiet_hours, null);

    await moveClock('2026-06-02T07:59:00+07:00');
    await sleep(200);
    assert.equal((await blast(held)).sent_count, 0);
    await moveClock('2026-06-02T08:00:00+07:00');
    const done = await svc.api.waitForBlast(held);
    assert.deepEqual([done.status, done.sent_count], ['completed', 3]);
    assert.equal((await blast(ownRange)).quiet_hours, '23:00-06:00');
  });

  it('a scheduled time inside quiet hours waits for both', async () => {
    await moveClock('2026-06-02T12:00:00+07:00');
    const id = (await submit(2, { send_at: '2026-06-02T23:00:00+07:00' })).body.blast_id;
    await svc.api.waitForBlast(id, (b) => b.recipients_resolved);
    await moveClock('2026-06-02T23:00:00+07:00');
    const queued = await svc.api.waitForBlast(id, (b) => b.status === 'queued');
    assert.equal(queued.waiting.reason, 'quiet_hours');
    await moveClock('2026-06-03T08:00:00+07:00');
    assert.equal((await svc.api.waitForBlast(id)).sent_count, 2);
  });
});

describe('QUIET_HOURS set and empty', () => {
  // 23:00 in Jakarta: inside the default 21:00-08:00, which an empty QUIET_HOURS must not bring back.
  const clock = new ManualClock(Date.parse('2026-06-01T23:00:00+07:00'));
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ QUIET_HOURS: '', TIMEZONE: 'Asia/Jakarta' }, undefined, clock);
  });
  after(() => svc.stop());

  it('means no quiet hours: a blast posted at night sends at once', async () => {
    const customers = await svc.api.createCustomers([{ name: 'Malam', phone: mobileNumber(900) }]);
    const blastId = await svc.api.blastTo(customers);
    const done = await svc.api.waitForBlast(blastId);
    assert.deepEqual([done.status, done.sent_count, done.waiting], ['completed', 1, null]);
  });
});
