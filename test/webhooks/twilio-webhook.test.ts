import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import twilioHarness from '../gateways/harnesses/twilio.js';
import type { HarnessInstance } from '../gateways/harness.js';

const PUBLIC = 'https://blast.example.test';

/** Twilio's documented signature: Base64(HMAC-SHA1(auth token, URL + each param name+value sorted by name)). */
function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', authToken).update(data).digest('base64');
}

describe('Twilio webhooks through the service', () => {
  let h: HarnessInstance;
  let svc: TestService;
  let authToken: string;
  const post = (params: Record<string, string>, signature = twilioSignature(authToken, `${PUBLIC}/webhooks/twilio`, params)) =>
    svc.api.request('POST', '/webhooks/twilio', undefined, {
      auth: false,
      raw: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    });

  before(async () => {
    h = await twilioHarness.start();
    authToken = h.env.TWILIO_AUTH_TOKEN!;
    svc = await startTestService({ ...h.env, PUBLIC_BASE_URL: PUBLIC });
  });
  after(async () => {
    await svc.stop();
    await h.close();
  });

  it('applies a signed status callback, rejects a forged one, and answers TwiML', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Budi', phone: mobileNumber(1) }]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [c!.id], message: 'Halo {name}' });
    const blast = await svc.api.waitForBlast(res.body.blast_id);
    const sid = (await svc.api.allLogs(blast.id))[0].provider_message_id as string;
    assert.match(sid, /^SM/);
    const params = { MessageSid: sid, MessageStatus: 'delivered', To: 'whatsapp:+6281200000001', From: 'whatsapp:+14155238886', AccountSid: h.env.TWILIO_ACCOUNT_SID!, ApiVersion: '2010-04-01' };

    const forged = await post(params, twilioSignature('not-the-auth-token', `${PUBLIC}/webhooks/twilio`, params));
    assert.equal(forged.status, 401);
    const otherUrl = await post(params, twilioSignature(authToken, 'https://elsewhere.example/webhooks/twilio', params));
    assert.equal(otherUrl.status, 401);
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'sent');

    const ok = await post(params);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /text\/xml/);
    assert.match(String(ok.body), /<Response\/>/);
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'delivered');

    await post({ ...params, MessageStatus: 'undelivered', ErrorCode: '63016' }); // after delivered: ignored
    assert.equal((await svc.api.allLogs(blast.id))[0].status, 'delivered');
  });

  it('opts out on an inbound STOP', async () => {
    const [c] = await svc.api.createCustomers([{ name: 'Sari', phone: '0812 5555 0002' }]);
    const inbound = { MessageSid: 'SMinbound0001', From: 'whatsapp:+6281255550002', To: 'whatsapp:+14155238886', Body: 'Stop', AccountSid: h.env.TWILIO_ACCOUNT_SID!, NumMedia: '0' };
    assert.equal((await post(inbound)).status, 200);
    assert.equal((await svc.api.get(`/api/v1/customers/${c!.id}`)).body.data.opted_out, true);
  });
});
