import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, TINY_PNG, startTestService, waitFor, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

const TOKEN = 'fonnte-secret-token-XYZ987';
async function startWithFake(fake: FakeFonnte, overrides: Record<string, string> = {}, existing?: TestService['db']) {
  return startTestService(
    {
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: fake.url,
      PUBLIC_BASE_URL: 'https://blast.example.test',
      GATEWAY_TIMEOUT_MS: '1000',
      ...overrides,
    },
    existing,
  );
}

describe('end to end through a fake Fonnte over real HTTP', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    svc = await startWithFake(fake, { SEND_DELAY_MIN_MS: '100', SEND_DELAY_MAX_MS: '150' });
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  it('sends rendered messages to sanitised numbers with the pause held, and reports every outcome', async () => {
    const customers = await svc.api.createCustomers([
      { name: 'Budi', phone: '0812-3456-7890', attributes: { kota: 'Bandung' } },
      { name: 'Sari', phone: '+62 813 1234 5678', attributes: { kota: 'Medan' } },
      { name: 'Andi', phone: '(0857) 1111 2222', attributes: { kota: 'Solo' } },
      { name: 'Rudi', phone: '0841234567', attributes: { kota: 'Bogor' } },
      { name: 'Tono', attributes: { kota: 'Depok' } },
      { name: 'Budi lagi', phone: '6281234567890', attributes: { kota: 'Bandung' } },
      { name: 'Kantor', phone: '021 1234 5678', attributes: { kota: 'Jakarta' } },
    ]);
    const started = Date.now();
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: customers.map((c) => c.id),
      message: 'Halo {name} dari {kota}, ada promo!',
      title: 'Promo Juni',
    });
    assert.equal(res.status, 202);
    assert.deepEqual(Object.keys(res.body).sort(), ['blast_id', 'message', 'success']);
    assert.ok(Date.now() - started < 2000, 'accepted at once, not after sending');

    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.deepEqual(
      { status: blast.status, target: blast.target_count, sent: blast.sent_count, failed: blast.failed_count, skipped: blast.skipped_count, pending: blast.pending_count },
      { status: 'completed', target: 7, sent: 3, failed: 0, skipped: 4, pending: 0 },
    );
    const sent = fake.requests.map((r) => ({ target: r.form.target, message: r.form.message, auth: r.headers.authorization }));
    assert.deepEqual(
      sent.map((s) => `${s.target}: ${s.message}`).sort(),
      [
        '6281234567890: Halo Budi dari Bandung, ada promo!',
        '6281312345678: Halo Sari dari Medan, ada promo!',
        '6285711112222: Halo Andi dari Solo, ada promo!',
      ],
    );
    assert.ok(sent.every((s) => s.auth === TOKEN));
    const gaps = fake.requests.slice(1).map((r, i) => r.at - fake.requests[i]!.at);
    assert.ok(gaps.every((g) => g >= 100), `pauses between sends: ${gaps.join(', ')} ms`);

    const logs = await svc.api.allLogs(blast.id);
    const byName = new Map(customers.map((c) => [c.id, c.name]));
    const reasons = Object.fromEntries(logs.map((l) => [byName.get(l.customer_id), l.status === 'skipped' ? l.error_message : l.status]));
    assert.equal(reasons['Budi'], 'sent');
    assert.match(reasons['Rudi'], /not a valid \+62 number/);
    assert.equal(reasons['Tono'], 'no phone number');
    assert.match(reasons['Budi lagi'], /^duplicate number: customer \d+ has the same number$/);
    assert.match(reasons['Kantor'], /not a mobile number/);
    const ids = new Set(logs.filter((l) => l.status === 'sent').map((l) => l.provider_message_id));
    assert.equal(ids.size, 3);
    assert.ok([...ids].every((id) => /^\d+$/.test(id)), 'Fonnte message ids are stored');

    const history = await svc.api.get('/api/v1/whatsapp/blast/history');
    const listed = history.body.data.find((b: { id: number }) => b.id === blast.id);
    assert.deepEqual([listed.title, listed.status, listed.sent_count, listed.skipped_count], ['Promo Juni', 'completed', 3, 4]);
  });

  it('sends an image as a public URL the provider can fetch', async () => {
    fake.requests.length = 0;
    const [customer] = await svc.api.createCustomers([{ name: 'Foto', phone: mobileNumber(77) }]);
    const form = new FormData();
    form.set('target_type', 'selected');
    form.set('customer_ids', JSON.stringify([customer!.id]));
    form.set('message', 'Lihat promo, {name}');
    form.set('image', new Blob([TINY_PNG], { type: 'application/octet-stream' }), 'promo.bin');
    const res = await svc.api.request('POST', '/api/v1/whatsapp/blast', undefined, { raw: form });
    assert.equal(res.status, 202);
    await svc.api.waitForBlast(res.body.blast_id);
    const url = fake.requests[0]!.form.url!;
    assert.match(url, /^https:\/\/blast\.example\.test\/media\/[A-Za-z0-9_-]{43}$/);
    const image = await fetch(svc.url + new URL(url).pathname);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), TINY_PNG);
  });

  it('fails only the recipient the provider rejects, and retries what was never sent', async () => {
    fake.requests.length = 0;
    const customers = await svc.api.createCustomers([0, 1, 2].map((i) => ({ name: `R${i}`, phone: mobileNumber(300 + i) })));
    const rejected = '6281200000300';
    const flaky = '6281200000301';
    let flakyCalls = 0;
    fake.behaviour = (request) => {
      if (request.form.target === rejected) return { fail: 'target invalid' };
      if (request.form.target === flaky && ++flakyCalls === 1) return { http: 503 };
      return undefined;
    };
    try {
      const blastId = await svc.api.blastTo(customers);
      const blast = await svc.api.waitForBlast(blastId);
      assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 2, 1]);
      const logs = await svc.api.allLogs(blast.id);
      const row = (n: string) => logs.find((l) => l.phone_number === n);
      assert.deepEqual([row(rejected).status, row(rejected).error_message, row(rejected).attempts], ['failed', 'fonnte: target invalid', 1]);
      assert.deepEqual([row(flaky).status, row(flaky).attempts], ['sent', 2]);
      assert.equal(fake.requests.filter((r) => r.form.target === rejected).length, 1, 'a permanent failure is not retried');
    } finally {
      fake.behaviour = undefined;
    }
  });

  it('never retries a send whose outcome is unknown (time-out)', async () => {
    fake.requests.length = 0;
    const [customer] = await svc.api.createCustomers([{ name: 'Lambat', phone: mobileNumber(400) }]);
    fake.behaviour = () => 'hang';
    try {
      const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo {name}' });
      const blast = await svc.api.waitForBlast(res.body.blast_id);
      assert.deepEqual([blast.status, blast.failed_count], ['failed', 1]);
      const [log] = await svc.api.allLogs(blast.id);
      assert.equal(log.error_message, 'delivery unknown: fonnte did not answer in time');
      assert.equal(fake.requests.length, 1);
    } finally {
      fake.behaviour = undefined;
    }
  });
});

describe('an account-level failure (bad token) stops the sending number, not the recipients', () => {
  let fake: FakeFonnte;
  before(async () => {
    fake = await startFakeFonnte({ token: 'the-right-token-123' });
  });
  after(() => fake.close());

  it('stops after the first attempt with the reason visible, and resumes when the token is fixed', async () => {
    const svc = await startWithFake(fake);
    const customers = await svc.api.createCustomers([0, 1, 2, 3, 4].map((i) => ({ name: `T${i}`, phone: mobileNumber(500 + i) })));
    const blastId = await svc.api.blastTo(customers);
    const stopped = await svc.api.waitForBlast(blastId, (b) => b.waiting !== null);
    assert.equal(stopped.waiting.reason, 'no_sender');
    assert.equal(stopped.waiting.message, 'every sender is paused: default (fonnte: token invalid)');
    assert.equal(stopped.status, 'processing');
    await new Promise((r) => setTimeout(r, 300)); // give a wrongly running worker time to try more
    assert.equal(fake.requests.length, 1, 'one attempt, then the number stopped');
    const logs = await svc.api.allLogs(blastId);
    assert.ok(logs.every((l) => l.status === 'pending' && l.attempts === 0), 'no recipient was failed');
    assert.ok(svc.logs.some((l) => l.includes('token invalid')));
    assert.ok(!svc.logs.some((l) => l.includes(TOKEN)), 'the token never reaches the logs');
    await svc.service.stop();

    // The operator fixes the token and restarts: the number resumes, the blast completes.
    const fixed = await startWithFake(fake, { FONNTE_TOKEN: 'the-right-token-123' }, svc.db);
    try {
      const blast = await fixed.api.waitForBlast(blastId);
      assert.deepEqual([blast.status, blast.sent_count, blast.status_reason, blast.waiting], ['completed', 5, null, null]);
      assert.ok(!fixed.logs.some((l) => l.includes('the-right-token-123')));
    } finally {
      await fixed.service.stop();
      await svc.db.drop();
    }
  });
});

describe('rate limits', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    svc = await startWithFake(fake);
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  it('waits as long as Retry-After says before the number sends again', async () => {
    const customers = await svc.api.createCustomers([0, 1].map((i) => ({ name: `L${i}`, phone: mobileNumber(600 + i) })));
    let limited = false;
    fake.behaviour = () => (limited ? undefined : ((limited = true), { http: 429, headers: { 'retry-after': '1' } }));
    const blastId = await svc.api.blastTo(customers);
    const blast = await svc.api.waitForBlast(blastId);
    assert.deepEqual([blast.status, blast.sent_count], ['completed', 2]);
    const [first, second] = fake.requests;
    assert.ok(second!.at - first!.at >= 1000, `waited ${second!.at - first!.at} ms after a 429 with Retry-After: 1`);
    await waitFor(async () => fake.requests.length === 3 || undefined, 2000, 'three requests');
  });
});
