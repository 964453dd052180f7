import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import metaHarness from '../gateways/harnesses/meta.js';
import type { HarnessInstance } from '../gateways/harness.js';

/** Meta's webhooks through the real service: handshake, signatures over the raw body, receipts, opt-out. */
describe('Meta webhooks', () => {
  let h: HarnessInstance;
  let svc: TestService;
  let appSecret: string;
  let verifyToken: string;

  const sign = (raw: string, secret = appSecret) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const post = (payload: unknown, signature?: string, raw = JSON.stringify(payload)) =>
    svc.api.request('POST', '/webhooks/meta', undefined, {
      auth: false,
      raw,
      headers: { 'content-type': 'application/json', ...(signature === undefined ? { 'x-hub-signature-256': sign(raw) } : signature ? { 'x-hub-signature-256': signature } : {}) },
    });
  const envelope = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '1029384756', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '6281100000000', phone_number_id: '106540352242922' }, ...value } }] }],
  });
  const status = (id: string, state: string, extra: Record<string, unknown> = {}) =>
    envelope({ statuses: [{ id, status: state, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '6281200000000', ...extra }] });

  before(async () => {
    h = await metaHarness.start();
    appSecret = h.env.META_APP_SECRET!;
    verifyToken = h.env.META_VERIFY_TOKEN!;
    svc = await startTestService({ ...h.env, PUBLIC_BASE_URL: 'https://blast.example.test' });
  });
  after(async () => {
    await svc.stop();
    await h.close();
  });

  it('answers the subscription handshake only with the right verify token', async () => {
    const ok = await svc.api.request('GET', `/webhooks/meta?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`, undefined, { auth: false });
    assert.deepEqual([ok.status, ok.body], [200, 1158201444]);
    const bad = await svc.api.request('GET', '/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1', undefined, { auth: false });
    assert.equal(bad.status, 403);
  });

  it('applies a correctly signed receipt and rejects wrongly signed, tampered and unsigned ones', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Budi', phone: mobileNumber(1) }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Halo {name}' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    const wamid = (await svc.api.allLogs(blast.id))[0].provider_message_id as string;
    assert.match(wamid, /^wamid\./);

    const raw = JSON.stringify(status(wamid, 'read'));
    assert.equal((await post(null, sign(raw, 'not-the-app-secret'), raw)).status, 401);
    assert.equal((await post(null, sign(raw), raw.replace('"read"', '"delivered"'))).status, 401, 'signature over other bytes');
    assert.equal((await post(null, '', raw)).status, 401, 'no signature');
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'sent', 'nothing changed');

    assert.equal((await post(status(wamid, 'delivered'))).status, 200);
    assert.equal((await post(status(wamid, 'read'))).status, 200);
    assert.equal((await post(status(wamid, 'delivered'))).status, 200); // late, and repeated: ignored
    const [log] = await svc.api.allLogs(blast.id);
    assert.equal(log.status, 'read');
    const detail = (await svc.api.get(`/api/v1/whatsapp/blast/${blast.id}`)).body.data;
    assert.deepEqual([detail.delivered_count, detail.read_count], [1, 1]);
  });

  it('records a failure receipt with Meta\'s code and text', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Sari', phone: mobileNumber(2) }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Halo {name}' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    const wamid = (await svc.api.allLogs(blast.id))[0].provider_message_id as string;
    await post(status(wamid, 'failed', { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } }] }));
    const [log] = await svc.api.allLogs(blast.id);
    assert.equal(log.status, 'failed');
    assert.match(log.error_message, /131026/);
    const detail = (await svc.api.get(`/api/v1/whatsapp/blast/${blast.id}`)).body.data;
    assert.deepEqual([detail.sent_count, detail.failed_count], [0, 1]);
  });

  it('opts out a customer who writes STOP, and the next blast skips them', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Andi', phone: '0812 7777 0001' }]);
    const inbound = envelope({
      contacts: [{ profile: { name: 'Andi' }, wa_id: '6281277770001' }],
      messages: [{ from: '6281277770001', id: 'wamid.inbound1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'STOP' } }],
    });
    assert.equal((await post(inbound)).status, 200);
    assert.equal((await svc.api.get(`/api/v1/customers/${c!.id}`)).body.data.opted_out, true);
    const before = h.sends();
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Promo {name}' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    assert.deepEqual([blast.status, blast.skipped_count], ['failed', 1]);
    assert.equal(h.sends(), before, 'nothing sent to an opted-out customer');
  });
});

describe('META_REQUIRE_TEMPLATE', () => {
  let h: HarnessInstance;
  let svc: TestService;
  before(async () => {
    h = await metaHarness.start();
    svc = await startTestService({ ...h.env, META_REQUIRE_TEMPLATE: 'true' });
  });
  after(async () => {
    await svc.stop();
    await h.close();
  });

  it('refuses a free-text blast with a 422 that says why, and accepts a template', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Rina', phone: mobileNumber(3) }]);
    const text = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Halo {name}' });
    assert.equal(text.status, 422);
    assert.match(text.body.errors[0].message, /24 hours/);
    const template = await svc.api.post('/api/v1/whatsapp/blast', {
      target_type: 'selected',
      customer_ids: [c!.id],
      template: { name: 'promo_juni', language: 'id', body_params: ['{name}'] },
    });
    assert.equal(template.status, 202);
    assert.equal((await svc.api.waitForBlast(template.body.blast_id)).sent_count, 1);
    assert.deepEqual(h.decodedSends().at(-1)!.template, { name: 'promo_juni', params: ['Rina'] });
  });
});
