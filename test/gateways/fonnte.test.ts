import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import fonnte from '../../src/gateways/providers/fonnte.js';
import { GatewayError, type FailureKind, type Gateway, type OutgoingMessage } from '../../src/gateways/gateway.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

const TOKEN = 'tok-Sup3rSecret-fonnte';
const CONTEXT = { logger: pino({ level: 'silent' }), publicBaseUrl: undefined };

function gatewayFor(baseUrl: string, token = TOKEN): Gateway {
  return fonnte.create({ FONNTE_TOKEN: token, FONNTE_BASE_URL: baseUrl }, CONTEXT);
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { to: '6281234567890', text: 'Halo Budi, promo Juni!', reference: 'log-1', ...overrides };
}

/** Awaits a failed send and checks its kind; every failure is also checked for the token. */
async function failure(promise: Promise<unknown>, kind: FailureKind, tokens: string[] = [TOKEN]): Promise<GatewayError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, `kind of "${caught.message}"`);
  for (const token of tokens) assert.ok(!caught.message.includes(token), `the token leaked into "${caught.message}"`);
  return caught;
}

describe('fonnte gateway against the fake Fonnte', () => {
  let fake: FakeFonnte;
  let gateway: Gateway;

  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    gateway = gatewayFor(fake.url);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.token = TOKEN;
    fake.behaviour = undefined;
    fake.statusKey = 'status';
    fake.latencyMs = 0;
  });

  it('sends the bare token and the documented form fields, and returns Fonnte\'s message id', async () => {
    const first = await gateway.send(message(), AbortSignal.timeout(5_000));
    const second = await gateway.send(message({ to: '6285712345678' }), AbortSignal.timeout(5_000));
    assert.match(first.providerMessageId ?? '', /^\d+$/);
    assert.match(second.providerMessageId ?? '', /^\d+$/);
    assert.notEqual(first.providerMessageId, second.providerMessageId);

    assert.equal(fake.requests.length, 2);
    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/send');
    assert.equal(request.headers.authorization, TOKEN);
    assert.deepEqual(request.form, { target: '6281234567890', message: 'Halo Budi, promo Juni!', countryCode: '0' });
  });

  it('returns the id exactly as Fonnte gives it', async () => {
    fake.behaviour = () => ({ http: 200, body: { detail: 'success! message in queue', id: ['123456789'], process: 'pending', status: true } });
    assert.deepEqual(await gateway.send(message(), AbortSignal.timeout(5_000)), { providerMessageId: '123456789' });
  });

  it('passes the image as `url`', async () => {
    await gateway.send(message({ image: { url: 'https://blast.example.id/media/p.jpg', mime: 'image/jpeg', key: 'p', load: async () => Buffer.alloc(0) } }), AbortSignal.timeout(5_000));
    assert.equal(fake.requests[0]?.form.url, 'https://blast.example.id/media/p.jpg');
  });

  it('accepts the `Status` spelling of success', async () => {
    fake.statusKey = 'Status';
    const result = await gateway.send(message(), AbortSignal.timeout(5_000));
    assert.match(result.providerMessageId ?? '', /^\d+$/);
  });

  it('fails the recipient on `target invalid` inside HTTP 200, keeping the reason', async () => {
    fake.behaviour = { '6281234567890': { fail: 'target invalid' } };
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
    assert.match(error.message, /target invalid/);
  });

  it('does not take `Status:false` for a success', async () => {
    fake.statusKey = 'Status';
    fake.behaviour = () => ({ fail: 'target invalid' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'recipient');
  });

  it('calls a JSON answer without any status key an unknown outcome (it may have been queued)', async () => {
    fake.behaviour = () => ({ http: 200, body: { detail: 'success! message in queue', id: ['80367170'], process: 'pending' } });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });

  it('stops the sending number on an undocumented 4xx (a wrong FONNTE_BASE_URL), instead of failing each recipient', async () => {
    fake.behaviour = () => ({ http: 404, body: 'Not Found' });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
    assert.match(error.message, /FONNTE_BASE_URL/);
  });

  it('fails the recipient when Fonnte rejects the input (empty target, message over 60,000 characters)', async () => {
    const empty = await failure(gateway.send(message({ to: '' }), AbortSignal.timeout(5_000)), 'recipient');
    assert.match(empty.message, /input invalid/);
    await failure(gateway.send(message({ text: 'x'.repeat(60_001) }), AbortSignal.timeout(5_000)), 'recipient');
    await gateway.send(message({ text: 'x'.repeat(60_000) }), AbortSignal.timeout(5_000));
  });

  it('stops the sending number when the token is rejected, without repeating the token', async () => {
    const wrongToken = 'tok-Wr0ng-fonnte';
    const error = await failure(gatewayFor(fake.url, wrongToken).send(message(), AbortSignal.timeout(5_000)), 'account', [TOKEN, wrongToken]);
    assert.match(error.message, /token invalid/);
    assert.equal(fake.requests[0]?.headers.authorization, wrongToken);
  });

  for (const reason of ['insufficient quota', 'device disconnected']) {
    it(`stops the sending number on \`${reason}\``, async () => {
      fake.behaviour = () => ({ fail: reason });
      const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'account');
      assert.ok(error.message.includes(reason), error.message);
    });
  }

  it('waits as told on HTTP 429 with Retry-After', async () => {
    fake.behaviour = () => ({ http: 429, headers: { 'Retry-After': '7' }, body: { reason: 'too many requests', status: false } });
    const error = await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'rate_limited');
    assert.equal(error.retryAfterMs, 7_000);
  });

  for (const status of [500, 503]) {
    it(`retries later on HTTP ${status}`, async () => {
      fake.behaviour = () => ({ http: status, body: '<html>Bad Gateway</html>' });
      await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'transient');
    });
  }

  it('retries later when the connection is refused (nothing was sent)', async () => {
    const gone = await startFakeFonnte();
    await gone.close();
    await failure(gatewayFor(gone.url).send(message(), AbortSignal.timeout(5_000)), 'transient');
  });

  it('reports an unknown outcome when Fonnte does not answer in time', async () => {
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
    assert.equal(fake.requests.length, 1);
  });

  it('reports an unknown outcome on a 200 that is not JSON', async () => {
    fake.behaviour = () => ({ http: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' });
    await failure(gateway.send(message(), AbortSignal.timeout(5_000)), 'unknown_outcome');
  });
});

describe('the fake Fonnte itself', () => {
  let fake: FakeFonnte;
  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
  });
  after(() => fake.close());

  it('answers exactly the documented success body, and reads multipart text fields', async () => {
    const body = new FormData();
    body.set('target', '6281234567890');
    body.set('message', 'Halo\r\nSari');
    body.set('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), 'p.jpg');
    const response = await fetch(`${fake.url}/send`, { method: 'POST', headers: { Authorization: TOKEN }, body });
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.match(text, /^\{"detail":"success! message in queue","id":\["\d+"\],"process":"pending","requestid":\d+,"status":true,"target":\["6281234567890"\]\}$/);
    assert.deepEqual(fake.requests.at(-1)?.form, { target: '6281234567890', message: 'Halo\r\nSari' });
  });

  it('answers documented failures inside HTTP 200', async () => {
    const post = async (headers: Record<string, string>, form: Record<string, string>) => {
      const response = await fetch(`${fake.url}/send`, { method: 'POST', headers, body: new URLSearchParams(form) });
      return [response.status, await response.text()];
    };
    assert.deepEqual(await post({}, { target: '628123' }), [200, '{"reason":"token invalid","status":false}']);
    assert.deepEqual(await post({ Authorization: TOKEN }, { message: 'hi' }), [200, '{"reason":"input invalid","status":false}']);
  });

  it('waits latencyMs before answering', async () => {
    fake.latencyMs = 200;
    const started = Date.now();
    await fetch(`${fake.url}/send`, { method: 'POST', headers: { Authorization: TOKEN }, body: new URLSearchParams({ target: '628123' }) });
    assert.ok(Date.now() - started >= 190);
    assert.ok(fake.requests.at(-1)!.at <= started + 100, 'at is the arrival time, not the answer time');
    fake.latencyMs = 0;
  });
});
