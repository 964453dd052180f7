import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { isOptOut } from '../../src/webhooks/receipts.service.js';

const TOKEN = 'fonnte-receipts-token-123';
const HOOK_SECRET = 'hook-secret-abcdefghijklmnop';

describe('delivery receipts and opt-out through the Fonnte webhook', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  const hook = (body: unknown, secret = HOOK_SECRET) =>
    svc.api.request('POST', `/webhooks/fonnte/${secret}`, body, { auth: false });

  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    svc = await startTestService({ WA_GATEWAY: 'fonnte', FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: fake.url, FONNTE_WEBHOOK_TOKEN: HOOK_SECRET });
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  async function sentBlast(count: number, offset: number) {
    const customers = await svc.api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `C${i}`, phone: mobileNumber(offset + i) })));
    const blastId = await svc.api.blastTo(customers);
    const blast = await svc.api.waitForBlast(blastId);
    return { blast, logs: await svc.api.allLogs(blast.id), customers };
  }

  it('rejects a webhook with a wrong secret and changes nothing', async () => {
    const { blast, logs } = await sentBlast(1, 0);
    const res = await hook({ id: logs[0].provider_message_id, state: 'read' }, 'wrong-secret-wrong-secret');
    assert.equal(res.status, 401);
    assert.equal(res.body.success, false);
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'sent');
  });

  it('moves recipients forward only: delivered → read; repeats and late events change nothing', async () => {
    const { blast, logs } = await sentBlast(3, 10);
    const [a, b, c] = logs.map((l) => l.provider_message_id as string);
    assert.equal((await hook({ id: a, state: 'delivered' })).status, 200);
    await hook({ id: a, state: 'delivered' }); // repeated
    await hook({ id: b, state: 'read' }); // read before delivered (out of order)
    await hook({ id: b, state: 'delivered' }); // the late delivered: must not move read back
    await hook({ id: a, state: 'read' });
    await hook({ id: c, state: 'failed' });
    await hook({ id: c, state: 'read' }); // nothing moves a failed recipient
    const after = await svc.api.get(`/api/v1/whatsapp/blast/${blast.id}`);
    const d = after.body.data;
    assert.deepEqual([d.sent_count, d.delivered_count, d.read_count, d.failed_count], [2, 2, 2, 1]);
    const byId = new Map((await svc.api.allLogs(blast.id)).map((l) => [l.provider_message_id, l]));
    assert.equal(byId.get(a).status, 'read');
    assert.equal(byId.get(b).status, 'read');
    assert.ok(byId.get(b).delivered_at, 'read implies delivered');
    assert.deepEqual([byId.get(c).status, byId.get(c).error_message], ['failed', 'fonnte: failed']);
    const history = await svc.api.get('/api/v1/whatsapp/blast/history');
    const listed = history.body.data.find((x: { id: number }) => x.id === blast.id);
    assert.deepEqual([listed.delivered_count, listed.read_count], [2, 2]);
  });

  it('keeps a receipt that arrives before the send is recorded, and applies it afterwards', async () => {
    const [customer] = await svc.api.createCustomers([{ name: 'Cepat', phone: mobileNumber(50) }]);
    // The provider posts "delivered" while our request is still waiting for its answer.
    fake.latencyMs = 300;
    fake.behaviour = (request) => {
      void hook({ id: 'early-1', state: 'delivered' });
      return { http: 200, body: { detail: 'success! message in queue', id: ['early-1'], process: 'pending', status: true, target: [request.form.target] } };
    };
    try {
      const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo {name}' });
      const blast = await svc.api.waitForBlast(res.body.blast_id);
      assert.equal(blast.sent_count, 1);
      const delivered = await svc.api.waitForBlast(blast.id, (b) => b.delivered_count === 1, 10_000);
      assert.equal(delivered.delivered_count, 1);
      assert.equal((await svc.api.allLogs(blast.id))[0].status, 'delivered');
    } finally {
      fake.behaviour = undefined;
      fake.latencyMs = 0;
    }
  });

  it('opts out a customer who answers STOP; later blasts skip them; an admin can clear it', async () => {
    const [leaving, staying] = await svc.api.createCustomers([
      { name: 'Pergi', phone: '0812-9999-0001', status: 'optout-test' },
      { name: 'Tetap', phone: '0812-9999-0002', status: 'optout-test' },
    ]);
    assert.equal((await hook({ device: '628000', sender: '6281299990001', message: ' berhenti ' })).status, 200);
    await hook({ device: '628000', sender: '6281299990002', message: 'tolong jangan stop promonya' }); // not a keyword alone

    const customer = await svc.api.get(`/api/v1/customers/${leaving!.id}`);
    assert.equal(customer.body.data.opted_out, true);
    assert.match(customer.body.data.opted_out_source, /^fonnte: "berhenti"$/);
    assert.equal((await svc.api.get(`/api/v1/customers/${staying!.id}`)).body.data.opted_out, false);

    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'filter', filter_params: { status: 'optout-test' }, message: 'Promo {name}' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.deepEqual([blast.sent_count, blast.skipped_count], [1, 1]);
    const skipped = (await svc.api.allLogs(blast.id)).find((l) => l.customer_id === leaving!.id);
    assert.deepEqual([skipped.status, skipped.error_message], ['skipped', 'the customer opted out of WhatsApp messages']);
    assert.ok(!fake.requests.some((r) => r.form.target === '6281299990001' && r.form.message === 'Promo Pergi'));

    const cleared = await svc.api.patch(`/api/v1/customers/${leaving!.id}`, { opted_out: false });
    assert.deepEqual([cleared.status, cleared.body.data.opted_out, cleared.body.data.opted_out_at], [200, false, null]);
    const again = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [leaving!.id], message: 'Promo {name}' });
    assert.equal((await svc.api.waitForBlast(again.body.blast_id)).sent_count, 1);
  });

  it('answers 404 for a provider that no sender uses', async () => {
    const res = await svc.api.request('POST', '/webhooks/meta', { object: 'whatsapp_business_account' }, { auth: false });
    assert.equal(res.status, 404);
  });

  it('recognises opt-out keywords only as the whole message, in any case', () => {
    const keywords = ['STOP', 'BERHENTI', 'UNSUBSCRIBE', 'UNSUB'];
    for (const yes of ['STOP', 'stop', ' Stop! ', 'berhenti.', 'Unsub']) assert.ok(isOptOut(yes, keywords), yes);
    for (const no of ['stop the spam please', 'STOPP', '', 'jangan berhenti kirim']) assert.ok(!isOptOut(no, keywords), no);
  });
});

describe('templates in blast requests', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  it('is refused by a gateway that cannot send templates, and nothing is stored', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'T', phone: mobileNumber(1) }]);
    const before = (await svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total;
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: [c!.id],
      template: { name: 'promo_juni', language: 'id', body_params: ['{name}'] },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), ['template']);
    assert.equal((await svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total, before);
  });

  it('checks the placeholders of template parameters like those of the message', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'T', phone: mobileNumber(2) }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: [c!.id],
      message: 'Halo {name}',
      template: { name: 'promo_juni', language: 'id', body_params: ['{nmae}'] },
    });
    assert.equal(res.status, 422);
    assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'template.body_params[0]'));
  });
});
