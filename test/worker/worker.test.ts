import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { busiestWindow, mobileNumber, startTestService, waitFor, type TestService } from '../helpers.js';
import { DELIVERY_UNKNOWN } from '../../src/worker/queue.repository.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('worker: sending, counters, pacing and recovery', () => {
  let svc: TestService;
  before(async () => {
    // Several in flight: with the log gateway's one at a time, every send is a commit of its own
    // (the crash rule), which a busy PostgreSQL makes slow for 300 recipients.
    svc = await startTestService({ SEND_MAX_IN_FLIGHT: '8' });
  });
  after(() => svc.stop());

  it('sends every usable recipient exactly once, renders each message, keeps counters exact', async () => {
    const customers = await svc.api.createCustomers(
      Array.from({ length: 300 }, (_, i) => ({ name: `Pelanggan ${i}`, phone: mobileNumber(i), attributes: { kota: `Kota ${i % 7}` } })),
    );
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: customers.map((c) => c.id),
      message: 'Halo {name} dari {kota}',
    });
    assert.equal(res.status, 202);
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.equal(blast.status, 'completed');
    assert.deepEqual(
      [blast.target_count, blast.sent_count, blast.failed_count, blast.skipped_count, blast.pending_count],
      [300, 300, 0, 0, 0],
    );
    const logs = await svc.api.allLogs(blast.id);
    assert.equal(logs.length, 300);
    assert.ok(logs.every((l) => l.status === 'sent' && l.attempts === 1 && l.provider_message_id?.startsWith('log-') && l.sent_at));
    assert.equal(new Set(logs.map((l) => l.customer_id)).size, 300);
    const rendered = svc.logs.filter((line) => line.includes('would send')).map((line) => JSON.parse(line) as { to: string; text: string });
    const forFirst = rendered.filter((r) => r.to === '6281200000000');
    assert.deepEqual(forFirst.map((r) => r.text), ['Halo Pelanggan 0 dari Kota 0']);
    assert.ok(blast.started_at && blast.completed_at && blast.completed_at >= blast.started_at);
  });

  it('skips a recipient whose customer lacks a value the template needs, with the reason', async () => {
    const [withCity, withoutCity] = await svc.api.createCustomers([
      { name: 'A', phone: mobileNumber(900), attributes: { kota: 'Medan' } },
      { name: 'B', phone: mobileNumber(901) },
    ]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: [withCity!.id, withoutCity!.id],
      message: 'Halo {name} dari {kota}',
    });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.deepEqual([blast.status, blast.sent_count, blast.skipped_count], ['completed', 1, 1]);
    const logs = await svc.api.allLogs(blast.id);
    assert.equal(logs.find((l) => l.customer_id === withoutCity!.id).error_message, 'no value for {kota}');
  });

  it('fails a blast in which nobody can be reached, saying why', async () => {
    const [bad] = await svc.api.createCustomers([{ name: 'NoPhone', status: 'nophone-only' }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'filter', filter_params: { status: 'nophone-only' }, message: 'Halo' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.equal(blast.status, 'failed');
    assert.equal(blast.status_reason, 'no recipient had a usable phone number');
    assert.equal((await svc.api.allLogs(blast.id))[0].customer_id, bad!.id);
    const none = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'filter', filter_params: { status: 'nobody-has-this' }, message: 'Halo' });
    const empty = await svc.api.waitForBlast(none.body.blast_id);
    assert.deepEqual([empty.status, empty.target_count, empty.status_reason], ['failed', 0, 'no customer matched the target']);
  });

  it('filters by attributes and status, and skips duplicate numbers within one blast', async () => {
    await svc.api.createCustomers([
      { name: 'X1', phone: '0813 1111 2222', status: 'vip', attributes: { tier: 'gold' } },
      { name: 'X2', phone: '+62 813-1111-2222', status: 'vip', attributes: { tier: 'gold' } },
      { name: 'X3', phone: mobileNumber(950), status: 'vip', attributes: { tier: 'silver' } },
      { name: 'X4', phone: mobileNumber(951), status: 'active', attributes: { tier: 'gold' } },
    ]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'filter',
      filter_params: { status: 'vip', attributes: { tier: 'gold' } },
      message: 'Halo {name}',
    });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    const logs = await svc.api.allLogs(blast.id);
    assert.deepEqual([blast.target_count, blast.sent_count, blast.skipped_count], [2, 1, 1]);
    assert.match(logs.find((l) => l.status === 'skipped').error_message, /^duplicate number: customer \d+ has the same number$/);
    assert.equal(logs.find((l) => l.status === 'sent').phone_number, '6281311112222');
  });

  it('marks recipients held by a dead worker "delivery unknown" and never resends them', async () => {
    const customers = await svc.api.createCustomers([0, 1, 2].map((i) => ({ name: `Dead ${i}`, phone: mobileNumber(700 + i) })));
    // A blast whose worker "died": resolved and claimed by an owner that no longer exists, lease long gone.
    const { db } = svc.service.database;
    const blastId = await svc.api.blastTo(customers);
    // Let the real worker resolve it and send; then rewind one sent row into a dead worker's claim.
    await svc.api.waitForBlast(blastId);
    const [victim] = await db.selectFrom('whatsapp_blast_logs').select('id').where('blast_id', '=', blastId).orderBy('id').limit(1).execute();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('whatsapp_blast_logs').set({ status: 'sending', claim_owner: 'dead-host:1:gone', lease_expires_at: Date.now() - 1, sent_at: null, provider_message_id: null }).where('id', '=', victim!.id).execute();
      await trx.updateTable('whatsapp_blasts').set((eb) => ({ status: 'processing', completed_at: null, sent_count: eb('sent_count', '-', 1), pending_count: 1 })).where('id', '=', blastId).execute();
    });
    const blast = await svc.api.waitForBlast(blastId);
    assert.deepEqual([blast.status, blast.sent_count, blast.failed_count, blast.pending_count], ['completed', 2, 1, 0]);
    const row = (await svc.api.allLogs(blastId)).find((l) => l.id === Number(victim!.id));
    assert.deepEqual([row.status, row.error_message, row.attempts], ['failed', DELIVERY_UNKNOWN, 1]);
  });
});

describe('worker: pacing holds across lanes competing for one number', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SEND_DELAY_MIN_MS: '150', SEND_DELAY_MAX_MS: '250', WORKER_CONCURRENCY: '3' });
  });
  after(() => svc.stop());

  it('never sends two messages from the number closer than the minimum pause', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 12 }, (_, i) => ({ name: `P${i}`, phone: mobileNumber(i) })));
    const blastId = await svc.api.blastTo(customers);
    const blast = await svc.api.waitForBlast(blastId, undefined, 30_000);
    assert.equal(blast.sent_count, 12);
    const times = (await svc.api.allLogs(blast.id)).map((l) => Date.parse(l.sent_at)).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.ok(Math.min(...gaps) >= 150, `gaps ${gaps.join(', ')} ms`);
    assert.ok(Math.max(...gaps) < 1500, `no lane slept far past the due time: ${gaps.join(', ')} ms`);
  });
});

describe('worker: a skipped recipient costs a one-phone number no pause', () => {
  const PAUSE_MS = 1_500;
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SEND_MAX_IN_FLIGHT: '1', SEND_MAX_PER_SECOND: '1', SEND_DELAY_MIN_MS: String(PAUSE_MS), SEND_DELAY_MAX_MS: String(PAUSE_MS) });
  });
  after(() => svc.stop());

  it('skips without waiting: the phone rests after a message, not after a skip', async () => {
    // Three customers without the {kota} the template needs, then one with it.
    const customers = await svc.api.createCustomers([
      ...[0, 1, 2].map((i) => ({ name: `Tanpa ${i}`, phone: mobileNumber(7100 + i) })),
      { name: 'Dengan', phone: mobileNumber(7103), attributes: { kota: 'Medan' } },
    ]);
    const blast = await svc.api.waitForBlast(await svc.api.blastTo(customers, { message: 'Halo {name} dari {kota}' }), undefined, 20_000);
    assert.deepEqual([blast.status, blast.sent_count, blast.skipped_count], ['completed', 1, 3]);
    // Each skip used to take a slot and a pause of its own: 3 × 1.5 s before the one message.
    const tookMs = Date.parse(blast.completed_at) - Date.parse(blast.started_at);
    assert.ok(tookMs < PAUSE_MS, `the blast took ${tookMs} ms: the skips waited for pauses`);
    assert.equal(svc.logs.filter((line) => line.includes('would send')).length, 1);
  });
});

/** Stretches of 300 ms (claims stop GATEWAY_TIMEOUT_MS into a lease unless the lane keeps the number for another) at 40/s: a blast of 2 s is some seven. */
const SHORT_STRETCHES = { GATEWAY_TIMEOUT_MS: '300', SEND_MAX_IN_FLIGHT: '4', SEND_MAX_PER_SECOND: '40', WORKER_CONCURRENCY: '1' };

const environmentSender = (svc: TestService) =>
  svc.service.database.db.selectFrom('senders').select(['id', 'lease_owner', 'sent_today']).where('source', '=', 'environment').executeTakeFirstOrThrow();

/** The environment's sender every 25 ms until the blast completes: who holds its lease (a lane's turn), and its day's count. */
async function senderWhileSending(svc: TestService, blastId: number): Promise<{ owners: Set<string>; counts: number[] }> {
  const owners = new Set<string>();
  const counts: number[] = [];
  for (;;) {
    const sender = await environmentSender(svc);
    if (sender.lease_owner) owners.add(sender.lease_owner);
    counts.push(Number(sender.sent_today));
    if ((await svc.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data.status === 'completed') return { owners, counts };
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('worker: a number with work keeps its lease from one stretch to the next', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(SHORT_STRETCHES);
  });
  after(() => svc.stop());

  it('is never handed back while it sends, and counts its day as it goes', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 80 }, (_, i) => ({ name: `S${i}`, phone: mobileNumber(7200 + i) })));
    const before = Number((await environmentSender(svc)).sent_today);
    const { owners, counts } = await senderWhileSending(svc, await svc.api.blastTo(customers));
    // Handed back and leased again, each stretch would have an owner of its own (a lane's turn).
    assert.equal(owners.size, 1, `leases: ${[...owners].join(', ')}`);
    assert.ok(counts.some((c) => c > before && c < before + 80), `the day's count moved only at the end: ${counts.join(', ')}`);
    // The requests since the last renewal are counted when the number is handed back, just after the blast completes.
    const handedBack = await waitFor(
      async () => {
        const sender = await environmentSender(svc);
        return sender.lease_owner === null ? sender : undefined;
      },
      5_000,
      'the number handed back',
    );
    assert.equal(Number(handedBack.sent_today) - before, 80, 'each request counted once');
  });

  it('a changed rate takes effect at the next stretch', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 60 }, (_, i) => ({ name: `T${i}`, phone: mobileNumber(7300 + i) })));
    const { id: senderId } = await environmentSender(svc);
    const blastId = await svc.api.blastTo(customers);
    await svc.api.waitForBlast(blastId, (b) => b.sent_count >= 10);
    const changedAt = Date.now();
    assert.equal((await svc.api.patch(`/api/v1/senders/${senderId}`, { max_per_second: 10 })).status, 200);
    const blast = await svc.api.waitForBlast(blastId, undefined, 30_000);
    assert.equal(blast.sent_count, 60);
    // The stretch under way ends within 300 ms, its last sends within one more.
    const after = (await svc.api.allLogs(blastId)).map((l) => Date.parse(l.sent_at)).filter((t) => t >= changedAt + 600);
    assert.ok(after.length >= 20, `${after.length} sends after the change`);
    assert.ok(busiestWindow(after) <= 10, `${busiestWindow(after)} in one second after the rate became 10/s`);
  });
});

describe('worker: WORKER_HOLD_MS bounds how long a lane keeps one number', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ...SHORT_STRETCHES, WORKER_HOLD_MS: '700' });
  });
  after(() => svc.stop());

  it('defaults to five minutes and refuses a hold that is not a whole number of milliseconds ≥ 0', () => {
    const base = { DATA_DIR: '/tmp/unused' };
    assert.equal(loadConfig(base).workerHoldMs, 300_000);
    assert.equal(loadConfig({ ...base, WORKER_HOLD_MS: '0' }).workerHoldMs, 0);
    for (const bad of ['-1', 'soon', '1.5', '86400001']) {
      assert.throws(() => loadConfig({ ...base, WORKER_HOLD_MS: bad }), (e: Error) => e instanceof ConfigError && /WORKER_HOLD_MS/.test(e.message), bad);
    }
  });

  it('hands a number with work back once held that long, and leases it anew', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 80 }, (_, i) => ({ name: `H${i}`, phone: mobileNumber(7400 + i) })));
    const { owners } = await senderWhileSending(svc, await svc.api.blastTo(customers));
    // 2 s of sending, held at most 0.7 s (plus the stretch under way) at a time.
    assert.ok(owners.size >= 2, `leases: ${[...owners].join(', ')}`);
  });
});
