import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import metaHarness from '../gateways/harnesses/meta.js';
import type { HarnessInstance } from '../gateways/harness.js';

/** Receipts for numbers added through the API reach the service like those of the environment's number. */
describe('webhooks of senders added through the API', () => {
  let h: HarnessInstance;
  let svc: TestService;
  const numbers = [
    { appSecret: 'app-secret-of-number-one', verifyToken: 'verify-token-number-one' },
    { appSecret: 'app-secret-of-number-two', verifyToken: 'verify-token-number-two' },
  ];
  const ids: number[] = [];

  before(async () => {
    h = await metaHarness.start();
    svc = await startTestService({ SECRET_KEY: randomBytes(32).toString('hex'), PUBLIC_BASE_URL: 'https://blast.example.test' });
    for (const [i, n] of numbers.entries()) {
      const credentials = { ...h.env, META_APP_SECRET: n.appSecret, META_VERIFY_TOKEN: n.verifyToken };
      delete (credentials as Record<string, unknown>).WA_GATEWAY;
      const res = await svc.api.post('/api/v1/senders', { provider: 'meta', display_number: mobileNumber(7000 + i), credentials });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.data.id);
    }
  });
  after(async () => {
    await svc.stop();
    await h.close();
  });

  const sign = (raw: string, secret: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const receipt = (wamid: string, state: string) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [{ id: wamid, status: state, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '6281200000000' }] } }] }],
    });
  const post = (raw: string, secret: string) =>
    svc.api.request('POST', '/webhooks/meta', undefined, { auth: false, raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, secret) } });

  it('answers each number\'s subscription handshake, and no other token', async () => {
    for (const n of numbers) {
      const ok = await svc.api.request('GET', `/webhooks/meta?hub.mode=subscribe&hub.verify_token=${n.verifyToken}&hub.challenge=42`, undefined, { auth: false });
      assert.deepEqual([ok.status, ok.body], [200, 42]);
    }
    const bad = await svc.api.request('GET', '/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1', undefined, { auth: false });
    assert.equal(bad.status, 403);
  });

  it('applies a receipt signed with the secret of any of the numbers, and rejects one signed with another', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Budi', phone: mobileNumber(1) }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Halo {name}', sender_ids: [ids[1]] });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    const [log] = await svc.api.allLogs(blast.id);
    assert.equal(log.sender_id, ids[1]);

    assert.equal((await post(receipt(log.provider_message_id, 'read'), 'a-secret-of-nobody')).status, 401);
    assert.equal((await post(receipt(log.provider_message_id, 'delivered'), numbers[1]!.appSecret)).status, 200);
    assert.equal((await post(receipt(log.provider_message_id, 'read'), numbers[0]!.appSecret)).status, 200);
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'read');
  });

  it('has no webhook for a provider no sender uses', async () => {
    assert.equal((await svc.api.request('POST', '/webhooks/twilio', undefined, { auth: false, raw: 'x=1' })).status, 404);
  });
});
