import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import watzap from '../../src/gateways/providers/watzap.js';
import { createGateway } from '../../src/gateways/registry.js';
import { ConfigError } from '../../src/config.js';
import { GatewayError, type FailureKind, type Gateway, type OutgoingMessage } from '../../src/gateways/gateway.js';
import { startFakeWatzap, type FakeWatzap } from '../fakes/watzap-fake.js';

const API_KEY = 'wz-Sup3rSecret-api-key';
const NUMBER_KEY = 'wz-Sup3rSecret-number-key';
const CONTEXT = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.id' };

function gatewayFor(baseUrl: string, keys: { api?: string; number?: string } = {}): Gateway {
  return watzap.create({ WATZAP_API_KEY: keys.api ?? API_KEY, WATZAP_NUMBER_KEY: keys.number ?? NUMBER_KEY, WATZAP_BASE_URL: baseUrl }, CONTEXT);
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { to: '6281234567890', text: 'Halo Budi, promo Juni!', reference: 'log-1', ...overrides };
}

const image = { url: 'https://blast.example.id/media/p.jpg', mime: 'image/jpeg', key: 'p', load: async () => Buffer.alloc(0) };

/** Awaits a failed send and checks its kind; every failure is also checked for the keys. */
async function failure(promise: Promise<unknown>, kind: FailureKind, secrets: string[] = [API_KEY, NUMBER_KEY]): Promise<GatewayError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, `kind of "${caught.message}"`);
  for (const secret of secrets) assert.ok(!caught.message.includes(secret), `a key leaked into "${caught.message}"`);
  return caught;
}

describe('watzap gateway against the fake Watzap', () => {
  let fake: FakeWatzap;
  let gateway: Gateway;

  before(async () => {
    fake = await startFakeWatzap({ apiKey: API_KEY, numberKey: NUMBER_KEY });
    gateway = gatewayFor(fake.url);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.apiKey = API_KEY;
    fake.numberKey = NUMBER_KEY;
    fake.behaviour = undefined;
    fake.latencyMs = 0;
  });

  it('posts the documented JSON to /send_message and returns no message id', async () => {
    const result = await gateway.send(message(), AbortSignal.timeout(5_000));
    assert.deepEqual(result, { providerMessageId: null });
    assert.equal(fake.requests.length, 1);
    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/send_message');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, { api_key: API_KEY, number_key: NUMBER_KEY, phone_no: '6281234567890', message: 'Halo Budi, promo Juni!', wait_until_send: '1' });
  });

  it('posts an image to /send_image_url with the text as its caption', async () => {
    assert.deepEqual(await gateway.send(message({ image }), AbortSignal.timeout(5_000)), { providerMessageId: null });
    assert.equal(fake.requests[0]?.path, '/send_image_url');
    assert.deepEqual(fake.requests[0]?.json, { api_key: API_KEY, number_key: NUMBER_KEY, phone_no: '6281234567890', url: image.url, message: 'Halo Budi, promo Juni!', separate_caption: '0' });
  });

  it('keeps the /v1 of the base URL, with or without a trailing slash', async () => {
    await gatewayFor(`${fake.url}/`).send(message(), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[0]?.path, '/send_message');
  });

  it('stops the number on a wrong API key (1002 inside HTTP 200) without repeating the keys', async () => {
    const wrong = 'wz-Wr0ng-api-key';
    const error = await failure(gatewayFor(fake.url, { api: wrong }).send(message(), AbortSignal.timeout(5_000)), 'account', [API_KEY, NUMBER_KEY, wrong]);
    assert.match(error.message, /1002/);
    assert.match(error.message, /Invalid API Key/);
  });

  it('stops the number on a wrong number key (1003)', async () => {
    const wrong = 'wz-Wr0ng-number-key';
    const error = await failure(gatewayFor(fake.url, { number: wrong }).send(message(), AbortSignal.timeout(5_000)), 'account', [API_KEY, NUMBER_KEY, wrong]);
    assert.match(error.message, /1003/);
  });

  for (const status of ['1004', '1005']) {
    it(`stops the number on status ${status}`, async () => {
      fake.behaviour = () => ({ status });
      const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
      assert.match(error.message, new RegExp(status));
    });
  }

  it('reads 1005 with its documented text', async () => {
    fake.behaviour = () => ({ status: '1005' });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
    assert.match(error.message, /WhatsApp Instance Not Started/);
  });

  it('fails the recipient on 1006 inside HTTP 200, keeping the text', async () => {
    fake.behaviour = { '6281234567890': { status: '1006', message: 'Phone number not registered' } };
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
    assert.equal(error.message, 'watzap 1006: Phone number not registered');
    await gateway.send(message({ to: '6285712345678' }), AbortSignal.timeout(5_000));
  });

  it('reads a failure status even when it comes with an HTTP error code', async () => {
    fake.behaviour = () => ({ status: '1002', http: 401 });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
    fake.behaviour = () => ({ status: '1006', http: 400 });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
  });

  it('never repeats the keys, even when Watzap echoes them', async () => {
    fake.behaviour = () => ({ status: '1002', message: `Invalid API Key ${API_KEY} for ${NUMBER_KEY}` });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
    assert.equal(error.message, 'watzap 1002: Invalid API Key [redacted] for [redacted]');
  });

  it('waits as told on HTTP 429 with Retry-After, a minute without it', async () => {
    fake.behaviour = () => ({ http: 429, headers: { 'Retry-After': '7' } });
    assert.equal((await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited')).retryAfterMs, 7_000);
    fake.behaviour = () => ({ http: 429, body: 'Too Many Requests' });
    assert.equal((await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited')).retryAfterMs, 60_000);
  });

  for (const status of [500, 502, 503]) {
    it(`retries later on HTTP ${status}`, async () => {
      fake.behaviour = () => ({ http: status, body: '<html>Bad Gateway</html>' });
      await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'transient');
    });
  }

  it('stops the number on an undocumented 4xx (a wrong WATZAP_BASE_URL)', async () => {
    const error = await failure(gatewayFor(fake.url.replace(/\/v1$/, '/v2')).send(message(), AbortSignal.timeout(5_000)), 'account');
    assert.match(error.message, /WATZAP_BASE_URL/);
  });

  for (const [label, body] of [
    ['a numeric status that is not 200', { status: 200.5, message: 'odd' }],
    ['no status at all', { message: 'Successfully', ack: 'successfully' }],
    ['an undocumented status', { status: '1001', message: 'Queued?' }],
    ['HTML', '<html>maintenance</html>'],
    ['nothing', ''],
  ] as const) {
    it(`calls an HTTP 200 with ${label} an unknown outcome`, async () => {
      fake.behaviour = () => ({ http: 200, body });
      await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
    });
  }

  it('does not take the string "200" anywhere but in `status` for a success', async () => {
    fake.behaviour = () => ({ http: 200, body: { status: 'failed', message: '200' } });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });

  it('retries later when the connection is refused (nothing was sent)', async () => {
    const gone = await startFakeWatzap();
    await gone.close();
    await failure(gatewayFor(gone.url).send(message(), AbortSignal.timeout(5_000)), 'transient');
  });

  it('reports an unknown outcome when Watzap does not answer in time', async () => {
    fake.behaviour = () => 'hang';
    const started = Date.now();
    await failure(gateway.send(message(), AbortSignal.timeout(300)), 'unknown_outcome');
    assert.ok(Date.now() - started < 3_000, 'the time-out was not honoured');
    assert.equal(fake.requests.length, 1, 'the request reached the provider');
  });

  it('reports an unknown outcome when a slow answer comes after the time-out', async () => {
    fake.latencyMs = 1_000;
    await failure(gateway.send(message(), AbortSignal.timeout(300)), 'unknown_outcome');
  });

  it('reports an unknown outcome when the connection drops before the answer', async () => {
    fake.behaviour = () => 'destroy';
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });
});

describe('watzap settings', () => {
  const context = { logger: pino({ level: 'silent' }), publicBaseUrl: undefined };

  it('loads from the environment, names both keys as secrets, has no webhook', async () => {
    const { gateway, secrets } = await createGateway('watzap', { WATZAP_API_KEY: API_KEY, WATZAP_NUMBER_KEY: NUMBER_KEY }, context);
    assert.equal(gateway.provider, 'watzap');
    assert.equal(gateway.needsPublicImageUrl, true);
    assert.ok(!gateway.supportsTemplates, 'watzap sends no templates');
    assert.deepEqual(secrets, [API_KEY, NUMBER_KEY]);
    assert.equal(watzap.webhook, undefined);
    const other = await createGateway('watzap', { WATZAP_API_KEY: API_KEY, WATZAP_NUMBER_KEY: 'another-number-key' }, context);
    assert.notEqual(other.gateway.credentialsFingerprint, gateway.credentialsFingerprint);
  });

  it('names a missing key', async () => {
    await assert.rejects(createGateway('watzap', { WATZAP_API_KEY: API_KEY }, context), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
      assert.match(error.message, /WATZAP_NUMBER_KEY/);
      assert.ok(!error.message.includes(API_KEY), 'the key leaked');
      return true;
    });
  });
});

describe('the fake Watzap itself', () => {
  let fake: FakeWatzap;
  before(async () => {
    fake = await startFakeWatzap({ apiKey: API_KEY, numberKey: NUMBER_KEY });
  });
  after(() => fake.close());

  const post = async (path: string, body: object) => {
    const response = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return [response.status, await response.text()];
  };

  it('answers exactly the documented success body, status as a string', async () => {
    assert.deepEqual(await post('/send_message', { api_key: API_KEY, number_key: NUMBER_KEY, phone_no: '6281234567890', message: 'Halo', wait_until_send: '1' }), [
      200,
      '{"status":"200","message":"Successfully","ack":"successfully"}',
    ]);
  });

  it('answers wrong keys with failures inside HTTP 200', async () => {
    assert.deepEqual(await post('/send_message', { api_key: 'x', number_key: NUMBER_KEY, phone_no: '628123', message: 'Halo' }), [
      200,
      '{"status":"1002","message":"Invalid API Key","ack":"fatal_error"}',
    ]);
    assert.deepEqual(await post('/send_image_url', { api_key: API_KEY, number_key: 'x', phone_no: '628123', url: 'https://x', message: '' }), [
      200,
      '{"status":"1003","message":"Invalid Number Key","ack":"fatal_error"}',
    ]);
    const [, missingUrl] = await post('/send_image_url', { api_key: API_KEY, number_key: NUMBER_KEY, phone_no: '628123', message: 'x' });
    assert.match(String(missingUrl), /"status":"1006"/);
  });
});
