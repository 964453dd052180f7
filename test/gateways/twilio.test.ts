import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import twilio from '../../src/gateways/providers/twilio.js';
import { createGateway } from '../../src/gateways/registry.js';
import { ConfigError } from '../../src/config.js';
import { GatewayError, type FailureKind, type Gateway, type OutgoingMessage, type WebhookRequest } from '../../src/gateways/gateway.js';
import { signTwilioRequest, startFakeTwilio, type FakeTwilio } from '../fakes/twilio-fake.js';

const SID = `AC${'1234abcd'.repeat(4)}`;
const TOKEN = 'tw-Sup3rSecret-auth-token';
const FROM = '14155238886';
const SERVICE_SID = `MG${'9f'.repeat(16)}`;
const CONTENT_SID = `HX${'b5'.repeat(16)}`;
const LOGGER = pino({ level: 'silent' });
const BASIC = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;

type Settings = Parameters<typeof twilio.create>[0];

function gatewayFor(baseUrl: string, overrides: Partial<Settings> = {}, publicBaseUrl?: string): Gateway {
  return twilio.create({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: baseUrl, ...overrides }, { logger: LOGGER, publicBaseUrl });
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { to: '6281234567890', text: 'Halo Budi, promo Juni!', reference: 'log-1', ...overrides };
}

const image = { url: 'https://blast.example.id/media/p.jpg', mime: 'image/jpeg', key: 'p', load: async () => Buffer.alloc(0) };

/** Awaits a failed send and checks its kind; every failure is also checked for the secrets. */
async function failure(promise: Promise<unknown>, kind: FailureKind, secrets: string[] = [TOKEN, BASIC.slice(6)]): Promise<GatewayError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, `kind of "${caught.message}"`);
  for (const secret of secrets) assert.ok(!caught.message.includes(secret), `a secret leaked into "${caught.message}"`);
  return caught;
}

describe('twilio gateway against the fake Twilio', () => {
  let fake: FakeTwilio;
  let gateway: Gateway;

  before(async () => {
    fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN });
    gateway = gatewayFor(fake.url);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.messages.length = 0;
    fake.authToken = TOKEN;
    fake.behaviour = undefined;
    fake.latencyMs = 0;
  });

  it('posts the documented urlencoded fields with Basic auth and returns the SM… sid', async () => {
    const first = await gateway.send(message(), AbortSignal.timeout(5_000));
    const second = await gateway.send(message({ to: '6285712345678' }), AbortSignal.timeout(5_000));
    assert.match(first.providerMessageId ?? '', /^SM[0-9a-f]{32}$/);
    assert.equal(first.providerMessageId, fake.messages[0]?.sid);
    assert.notEqual(first.providerMessageId, second.providerMessageId);

    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(request.headers.authorization, BASIC);
    assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    // No StatusCallback without PUBLIC_BASE_URL: Twilio could not reach us anyway.
    assert.deepEqual(request.fields, [
      ['To', 'whatsapp:+6281234567890'],
      ['From', 'whatsapp:+14155238886'],
      ['Body', 'Halo Budi, promo Juni!'],
    ]);
  });

  it('asks for status callbacks at PUBLIC_BASE_URL/webhooks/twilio', async () => {
    await gatewayFor(fake.url, {}, 'https://blast.example.id/').send(message(), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[0]?.form.StatusCallback, 'https://blast.example.id/webhooks/twilio');
  });

  it('accepts TWILIO_FROM with a leading + and a base URL with a trailing slash', async () => {
    await gatewayFor(`${fake.url}/`, { TWILIO_FROM: '+14155238886' }).send(message(), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[0]?.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(fake.requests[0]?.form.From, 'whatsapp:+14155238886');
  });

  it('accepts TWILIO_FROM as Twilio writes it, whatsapp:+14155238886, from the environment', async () => {
    const { gateway } = await createGateway('twilio', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: 'whatsapp:+14155238886', TWILIO_BASE_URL: fake.url }, { logger: LOGGER, publicBaseUrl: undefined });
    await gateway.send(message(), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[0]?.form.From, 'whatsapp:+14155238886');
  });

  it('sends through a Messaging Service when no TWILIO_FROM is set', async () => {
    await gatewayFor(fake.url, { TWILIO_FROM: undefined, TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID }).send(message(), AbortSignal.timeout(5_000));
    assert.deepEqual(fake.requests[0]?.fields, [
      ['To', 'whatsapp:+6281234567890'],
      ['MessagingServiceSid', SERVICE_SID],
      ['Body', 'Halo Budi, promo Juni!'],
    ]);
  });

  it('passes the image as MediaUrl with the text as its caption', async () => {
    await gateway.send(message({ image }), AbortSignal.timeout(5_000));
    await gateway.send(message({ image, text: '' }), AbortSignal.timeout(5_000));
    assert.deepEqual(fake.requests[0]?.fields, [
      ['To', 'whatsapp:+6281234567890'],
      ['From', 'whatsapp:+14155238886'],
      ['Body', 'Halo Budi, promo Juni!'],
      ['MediaUrl', image.url],
    ]);
    assert.equal(fake.requests[1]?.form.Body, undefined, 'no empty Body next to an image');
    assert.equal(fake.requests[1]?.form.MediaUrl, image.url);
  });

  it('sends a template as ContentSid + ContentVariables, without Body or MediaUrl', async () => {
    const template = { name: CONTENT_SID, language: 'id', bodyParams: ['Budi', 'Juni "2025"'] };
    const result = await gatewayFor(fake.url, {}, 'https://blast.example.id').send(message({ template, image }), AbortSignal.timeout(5_000));
    assert.match(result.providerMessageId ?? '', /^SM/);
    assert.deepEqual(fake.requests[0]?.fields, [
      ['To', 'whatsapp:+6281234567890'],
      ['From', 'whatsapp:+14155238886'],
      ['ContentSid', CONTENT_SID],
      ['ContentVariables', '{"1":"Budi","2":"Juni \\"2025\\""}'],
      ['StatusCallback', 'https://blast.example.id/webhooks/twilio'],
    ]);
    await gateway.send(message({ template: { name: CONTENT_SID, language: 'id', bodyParams: [] } }), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[1]?.form.ContentVariables, undefined);
  });

  it('refuses a template name that is not a Content SID before sending, stopping the number', async () => {
    const error = await failure(gateway.send(message({ template: { name: 'promo_juni', language: 'id', bodyParams: [] } }), AbortSignal.timeout(5_000)), 'account');
    assert.match(error.message, /Content SID/);
    assert.equal(fake.requests.length, 0);
  });

  it('fails a text over 1,600 characters before sending; 1,600 pass', async () => {
    const error = await failure(gateway.send(message({ text: 'é'.repeat(1_601) }), AbortSignal.timeout(5_000)), 'recipient');
    assert.match(error.message, /1601 characters/);
    assert.equal(fake.requests.length, 0);
    await gateway.send(message({ text: '😀'.repeat(1_600) }), AbortSignal.timeout(5_000));
    assert.equal(fake.requests.length, 1);
  });

  it('stops the number on bad credentials (401, code 20003) without repeating them', async () => {
    const wrong = 'tw-Wr0ng-auth-token';
    const error = await failure(gatewayFor(fake.url, { TWILIO_AUTH_TOKEN: wrong }).send(message(), AbortSignal.timeout(5_000)), 'account', [
      TOKEN,
      wrong,
      Buffer.from(`${SID}:${wrong}`).toString('base64'),
    ]);
    assert.match(error.message, /20003/);
    assert.match(error.message, /TWILIO_AUTH_TOKEN/);
  });

  it('stops the number on a 401 without Twilio\'s body', async () => {
    fake.behaviour = () => ({ http: 401, body: 'Unauthorized' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
  });

  for (const [code, text] of [
    [21211, "Invalid 'To' Phone Number"],
    [21408, 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number'],
    [21610, 'Attempt to send to unsubscribed recipient'],
    [21614, "'To' number is not a valid mobile number"],
  ] as const) {
    it(`fails the recipient on code ${code}, keeping Twilio's text`, async () => {
      fake.behaviour = () => ({ error: code, message: text });
      const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
      assert.ok(error.message.includes(String(code)) && error.message.includes(text), error.message);
    });
  }

  it('fails the recipient on 63016 and says a template is needed', async () => {
    fake.behaviour = () => ({ error: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
    assert.match(error.message, /63016/);
    assert.match(error.message, /template/);
  });

  it('fails the recipient on any other 4xx with a Twilio code', async () => {
    fake.behaviour = () => ({ error: 21612, message: "The 'To' phone number is not currently reachable" });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
  });

  it('stops the number on an undocumented 4xx without Twilio\'s error shape (a wrong TWILIO_BASE_URL)', async () => {
    fake.behaviour = () => ({ http: 404, body: '<html>Not Found</html>' });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
    assert.match(error.message, /TWILIO_BASE_URL/);
  });

  it('stops the number on 404 code 20404 (the account resource does not exist)', async () => {
    fake.behaviour = () => ({ error: 20404, http: 404, message: 'The requested resource was not found' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
  });

  it('stops the number on a 403 with a Twilio code (the account is refused)', async () => {
    fake.behaviour = () => ({ error: 20403, http: 403, message: 'Permission Denied' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
  });

  it('waits as told on HTTP 429 with Retry-After', async () => {
    fake.behaviour = () => ({ error: 20429, http: 429, message: 'Too Many Requests', headers: { 'Retry-After': '7' } });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited');
    assert.equal(error.retryAfterMs, 7_000);
  });

  it('waits a minute on 63018 (WhatsApp rate limit) or a 429 without Retry-After', async () => {
    fake.behaviour = () => ({ error: 63018, message: 'Rate limit exceeded for Channel' });
    assert.equal((await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited')).retryAfterMs, 60_000);
    fake.behaviour = () => ({ http: 429, body: { code: 63018, message: 'Rate limit exceeded', status: 429 } });
    assert.equal((await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited')).retryAfterMs, 60_000);
  });

  for (const status of [500, 503]) {
    it(`retries later on HTTP ${status}`, async () => {
      fake.behaviour = () => ({ http: status, body: { code: 20500, message: 'Internal Server Error', status } });
      await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'transient');
    });
  }

  it('never repeats the auth token, even when an error echoes it', async () => {
    fake.behaviour = () => ({ error: 21211, message: `Invalid 'To' Phone Number (token ${TOKEN})` });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
    assert.match(error.message, /\[redacted\]/);
  });

  it('retries later when the connection is refused (nothing was sent)', async () => {
    const gone = await startFakeTwilio();
    await gone.close();
    await failure(gatewayFor(gone.url).send(message(), AbortSignal.timeout(5_000)), 'transient');
  });

  it('reports an unknown outcome when Twilio does not answer in time', async () => {
    fake.behaviour = () => 'hang';
    const started = Date.now();
    await failure(gateway.send(message(), AbortSignal.timeout(300)), 'unknown_outcome');
    assert.ok(Date.now() - started < 3_000, 'the time-out was not honoured');
    assert.equal(fake.requests.length, 1, 'the request reached the provider');
  });

  it('reports an unknown outcome when the connection drops before the answer', async () => {
    fake.behaviour = () => 'destroy';
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });

  it('reports an unknown outcome on a 201 without a sid or not in JSON', async () => {
    fake.behaviour = () => ({ http: 201, body: { status: 'queued' } });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
    fake.behaviour = () => ({ http: 201, body: '<html>ok</html>' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });
});

describe('twilio settings', () => {
  const env = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: FROM };
  const context = { logger: LOGGER, publicBaseUrl: undefined };

  it('loads from the environment with the default base URL, and names the token as the secret', async () => {
    const { gateway, secrets } = await createGateway('twilio', env, context);
    assert.equal(gateway.provider, 'twilio');
    assert.equal(gateway.needsPublicImageUrl, true);
    assert.equal(gateway.supportsTemplates, true);
    assert.deepEqual(secrets, [TOKEN]);
    const other = await createGateway('twilio', { ...env, TWILIO_AUTH_TOKEN: 'another-token' }, context);
    assert.notEqual(other.gateway.credentialsFingerprint, gateway.credentialsFingerprint);
  });

  it('needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID', async () => {
    await assert.rejects(createGateway('twilio', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN }, context), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
      assert.match(error.message, /TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID/);
      return true;
    });
    await createGateway('twilio', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID }, context);
  });

  for (const [name, value] of [
    ['TWILIO_ACCOUNT_SID', 'not-a-sid'],
    ['TWILIO_FROM', 'whatsapp:'],
    ['TWILIO_FROM', 'whatsapp:+1415-523-8886'],
    ['TWILIO_FROM', 'sms:+14155238886'],
    ['TWILIO_BASE_URL', 'api.twilio.com'],
  ] as const) {
    it(`rejects a malformed ${name}, naming it`, async () => {
      await assert.rejects(createGateway('twilio', { ...env, [name]: value }, context), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
        assert.ok(error.message.includes(name), error.message);
        assert.ok(!error.message.includes(TOKEN), 'the token leaked');
        return true;
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------

/**
 * The signature exactly as twilio.com/docs/usage/security describes it, written here on its
 * own: the full URL, then each POST parameter's name and value, sorted by name; HMAC-SHA1 keyed
 * with the auth token; Base64.
 */
function signAsTwilioDocuments(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const WEBHOOK_URL = 'https://blast.example.id/webhooks/twilio';

function webhookRequest(params: Record<string, string>, signature: string | string[] | undefined, url = WEBHOOK_URL, body?: string): WebhookRequest {
  return {
    method: 'POST',
    publicUrl: url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
    query: {},
    rawBody: Buffer.from(body ?? new URLSearchParams(params).toString()),
  };
}

function statusParams(status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: SID,
    ApiVersion: '2010-04-01',
    ChannelPrefix: 'whatsapp',
    From: 'whatsapp:+14155238886',
    MessageSid: `SM${'ab'.repeat(16)}`,
    MessageStatus: status,
    SmsSid: `SM${'ab'.repeat(16)}`,
    SmsStatus: status,
    To: 'whatsapp:+6281234567890',
    ...extra,
  };
}

describe('twilio webhook', () => {
  const settings = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: 'https://api.twilio.com' };
  const handler = twilio.webhook!(settings, { logger: LOGGER, publicBaseUrl: 'https://blast.example.id' });

  it("accepts Twilio's own documented example (token 12345)", () => {
    // twilio.com/docs/usage/security: this URL and these parameters give this signature.
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    assert.equal(signAsTwilioDocuments('12345', url, params), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
    const documented = twilio.webhook!({ ...settings, TWILIO_AUTH_TOKEN: '12345' }, { logger: LOGGER, publicBaseUrl: undefined });
    assert.equal(documented.verify(webhookRequest(params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=', url)), true);
    assert.equal(documented.verify(webhookRequest(params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url)), false);
  });

  it('accepts a correctly signed status callback, unknown fields included', () => {
    const params = statusParams('delivered', { SomethingTwilioAddsLater: 'x y&z' });
    assert.equal(handler.verify(webhookRequest(params, signAsTwilioDocuments(TOKEN, WEBHOOK_URL, params))), true);
  });

  it('accepts the signature over the URL with the default port, as Twilio sometimes signs', () => {
    const params = statusParams('read');
    assert.equal(handler.verify(webhookRequest(params, signAsTwilioDocuments(TOKEN, 'https://blast.example.id:443/webhooks/twilio', params))), true);
  });

  it('rejects a wrong token, an altered parameter, another URL, a missing or doubled header', () => {
    const params = statusParams('delivered');
    const good = signAsTwilioDocuments(TOKEN, WEBHOOK_URL, params);
    assert.equal(handler.verify(webhookRequest(params, signAsTwilioDocuments('another-token', WEBHOOK_URL, params))), false, 'wrong token');
    assert.equal(handler.verify(webhookRequest({ ...params, MessageStatus: 'read' }, good)), false, 'altered parameter');
    assert.equal(handler.verify(webhookRequest({ ...params, Extra: '1' }, good)), false, 'added parameter');
    assert.equal(handler.verify(webhookRequest(params, good, 'https://evil.example/webhooks/twilio')), false, 'different URL');
    assert.equal(handler.verify(webhookRequest(params, good, `${WEBHOOK_URL}?x=1`)), false, 'different query');
    assert.equal(handler.verify(webhookRequest(params, undefined)), false, 'missing header');
    assert.equal(handler.verify(webhookRequest(params, '')), false, 'empty header');
    assert.equal(handler.verify(webhookRequest(params, [good, good])), false, 'two headers');
    assert.equal(handler.verify(webhookRequest(params, good)), true, 'the same request, untouched');
  });

  it('checks a JSON body through its bodySHA256 query parameter', () => {
    const body = '{"MessageSid":"SM1","MessageStatus":"delivered"}';
    const url = `${WEBHOOK_URL}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const signature = signAsTwilioDocuments(TOKEN, url, {});
    const json = (raw: string): WebhookRequest => ({ ...webhookRequest({}, signature, url, raw), headers: { 'content-type': 'application/json', 'x-twilio-signature': signature } });
    assert.equal(handler.verify(json(body)), true);
    assert.equal(handler.verify(json(body.replace('delivered', 'read'))), false, 'the body no longer matches its hash');
  });

  it('reads a delivered status callback', () => {
    const events = handler.parse(webhookRequest(statusParams('delivered'), undefined));
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event && event.kind === 'status', 'a status event');
    assert.ok(Math.abs(event.at - Date.now()) < 5_000, 'at is the arrival time');
    assert.deepEqual({ ...event, at: 0 }, { kind: 'status', providerMessageId: `SM${'ab'.repeat(16)}`, status: 'delivered', at: 0 });
  });

  it('reads undelivered with its ErrorCode as failed, and keeps the code', () => {
    const [event] = handler.parse(webhookRequest(statusParams('undelivered', { ErrorCode: '63016' }), undefined));
    assert.ok(event && event.kind === 'status', 'a status event');
    assert.equal(event.status, 'failed');
    assert.match(event.error ?? '', /^twilio 63016: .*template/);
    const [failed] = handler.parse(webhookRequest(statusParams('failed', { ErrorCode: '30008' }), undefined));
    assert.ok(failed && failed.kind === 'status' && failed.status === 'failed', 'failed stays failed');
    assert.match(failed.error ?? '', /30008/);
  });

  it('maps sent and read, and ignores queued, accepted, sending and unknown statuses', () => {
    const statusOf = (s: string) => handler.parse(webhookRequest(statusParams(s), undefined)).map((e) => (e.kind === 'status' ? e.status : e.kind));
    assert.deepEqual(statusOf('sent'), ['sent']);
    assert.deepEqual(statusOf('read'), ['read']);
    for (const ignored of ['queued', 'accepted', 'sending', 'scheduled', 'something_new']) assert.deepEqual(statusOf(ignored), [], ignored);
  });

  it('reads an inbound WhatsApp message as digits and text', () => {
    const params = {
      AccountSid: SID,
      ApiVersion: '2010-04-01',
      Body: 'STOP',
      From: 'whatsapp:+6281234567890',
      MessageSid: `SM${'cd'.repeat(16)}`,
      NumMedia: '0',
      ProfileName: 'Budi',
      SmsStatus: 'received',
      To: 'whatsapp:+14155238886',
      WaId: '6281234567890',
    };
    const events = handler.parse(webhookRequest(params, undefined));
    assert.equal(events.length, 1);
    assert.deepEqual({ ...events[0]!, at: 0 }, { kind: 'inbound', from: '6281234567890', text: 'STOP', at: 0 });
  });

  it('yields nothing for a body that is not a Twilio callback', () => {
    assert.deepEqual(handler.parse(webhookRequest({}, undefined, WEBHOOK_URL, '{"hello":"world"}')), []);
    assert.deepEqual(handler.parse(webhookRequest({}, undefined, WEBHOOK_URL, '')), []);
  });
});

describe('twilio status callbacks end to end: the fake posts, the handler verifies', () => {
  let fake: FakeTwilio;
  let receiver: Server;
  let receiverUrl: string;
  const received: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  before(async () => {
    fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(async () => {
    await fake.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('verifies and reads the callback for a message the adapter sent', async () => {
    const { providerMessageId } = await gatewayFor(fake.url, {}, receiverUrl).send(message(), AbortSignal.timeout(5_000));
    assert.equal(await fake.postStatus(providerMessageId!, 'undelivered', { ErrorCode: '63024' }), 200);
    const hit = received.at(-1)!;
    assert.equal(hit.url, '/webhooks/twilio');
    const handler = twilio.webhook!({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: FROM, TWILIO_BASE_URL: fake.url }, { logger: LOGGER, publicBaseUrl: receiverUrl });
    const request: WebhookRequest = { method: 'POST', publicUrl: `${receiverUrl}${hit.url}`, headers: hit.headers, query: {}, rawBody: hit.body };
    assert.equal(handler.verify(request), true);
    const [event] = handler.parse(request);
    assert.ok(event && event.kind === 'status', 'a status event');
    assert.equal(event.providerMessageId, providerMessageId);
    assert.equal(event.status, 'failed');
    assert.match(event.error ?? '', /63024/);
    assert.equal(handler.verify({ ...request, publicUrl: `https://elsewhere.example${hit.url}` }), false);
  });
});

describe('the fake Twilio itself', () => {
  let fake: FakeTwilio;
  before(async () => {
    fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN });
  });
  after(() => fake.close());

  const post = async (form: Record<string, string>, authorization = BASIC) => {
    const response = await fetch(`${fake.url}/2010-04-01/Accounts/${SID}/Messages.json`, { method: 'POST', headers: { Authorization: authorization }, body: new URLSearchParams(form) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers 201 with the documented body and a fresh SM… sid', async () => {
    const { status, body } = await post({ To: 'whatsapp:+6281234567890', From: 'whatsapp:+14155238886', Body: 'Halo', MediaUrl: 'https://x.example/a.jpg' });
    assert.equal(status, 201);
    assert.deepEqual(Object.keys(body), ['sid', 'status', 'to', 'from', 'error_code', 'error_message', 'num_media']);
    assert.match(String(body.sid), /^SM[0-9a-f]{32}$/);
    assert.deepEqual({ ...body, sid: '' }, { sid: '', status: 'queued', to: 'whatsapp:+6281234567890', from: 'whatsapp:+14155238886', error_code: null, error_message: null, num_media: '1' });
  });

  it('answers bad credentials with 401 and code 20003', async () => {
    const { status, body } = await post({ To: 'whatsapp:+6281234567890', From: 'whatsapp:+14155238886', Body: 'Halo' }, `Basic ${Buffer.from(`${SID}:nope`).toString('base64')}`);
    assert.equal(status, 401);
    assert.deepEqual(body, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  });

  it('refuses a To without whatsapp:, a message without Body or ContentSid', async () => {
    const noPrefix = await post({ To: '+6281234567890', From: 'whatsapp:+14155238886', Body: 'Halo' });
    assert.deepEqual([noPrefix.status, noPrefix.body.code], [400, 21211]);
    const empty = await post({ To: 'whatsapp:+6281234567890', From: 'whatsapp:+14155238886' });
    assert.deepEqual([empty.status, empty.body.code], [400, 21619]);
    const noFrom = await post({ To: 'whatsapp:+6281234567890', Body: 'Halo' });
    assert.deepEqual([noFrom.status, noFrom.body.code], [400, 21603]);
  });

  it("signs callbacks with Twilio's documented algorithm", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };
    assert.equal(signTwilioRequest('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });
});
