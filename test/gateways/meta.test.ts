import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import meta from '../../src/gateways/providers/meta.js';
import { createGateway } from '../../src/gateways/registry.js';
import { GatewayError, type FailureKind, type Gateway, type OutgoingImage, type OutgoingMessage, type WebhookRequest } from '../../src/gateways/gateway.js';
import { startFakeMeta, type FakeMeta } from '../fakes/meta-fake.js';

const TOKEN = 'EAAG-Sup3rSecret-meta-token';
const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'app-secret-7c41d0e2';
const VERIFY_TOKEN = 'verify-token-b8e3';
const CONTEXT = { logger: pino({ level: 'silent' }), publicBaseUrl: 'https://blast.example.id' };
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

type Settings = Parameters<typeof meta.create>[0];

function gatewayFor(baseUrl: string, overrides: Partial<Settings> = {}): Gateway {
  return meta.create({ META_ACCESS_TOKEN: TOKEN, META_PHONE_NUMBER_ID: PHONE_NUMBER_ID, META_API_BASE_URL: baseUrl, META_IMAGE_MODE: 'upload', ...overrides }, CONTEXT);
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { to: '6281234567890', text: 'Halo Budi, promo Juni!', reference: '4711', ...overrides };
}

/** An image whose load() calls are counted (each load precedes an upload). */
function image(key = 'img-token-1', bytes: Buffer = JPEG): OutgoingImage & { loads: number } {
  const result = {
    url: `https://blast.example.id/media/${key}.jpg`,
    mime: 'image/jpeg',
    key,
    loads: 0,
    async load() {
      result.loads++;
      return bytes;
    },
  };
  return result;
}

const send = (gateway: Gateway, m: OutgoingMessage, ms = 5_000) => gateway.send(m, AbortSignal.timeout(ms));

/** Awaits a failed send and checks its kind; every failure is also checked for the token. */
async function failure(promise: Promise<unknown>, kind: FailureKind, secrets: string[] = [TOKEN]): Promise<GatewayError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, `kind of "${caught.message}"`);
  for (const secret of secrets) assert.ok(!caught.message.includes(secret), `a secret leaked into "${caught.message}"`);
  return caught;
}

describe('meta gateway against the fake Meta', () => {
  let fake: FakeMeta;
  let gateway: Gateway;
  const sends = () => fake.requests.filter((r) => r.path.endsWith('/messages'));
  const uploads = () => fake.requests.filter((r) => r.path.endsWith('/media'));

  before(async () => {
    fake = await startFakeMeta({ accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.behaviour = undefined;
    fake.latencyMs = 0;
    fake.uploadLatencyMs = undefined;
    gateway = gatewayFor(fake.url); // a fresh media cache per test
  });

  it('sends a text as the documented JSON with a Bearer token, and returns the wamid', async () => {
    const first = await send(gateway, message());
    const second = await send(gateway, message({ to: '6285712345678', reference: '4712' }));
    assert.match(first.providerMessageId ?? '', /^wamid\./);
    assert.notEqual(first.providerMessageId, second.providerMessageId);

    const request = fake.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/v21.0/${PHONE_NUMBER_ID}/messages`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281234567890',
      type: 'text',
      text: { preview_url: false, body: 'Halo Budi, promo Juni!' },
      biz_opaque_callback_data: '4711',
    });
    assert.equal(fake.requests[1]?.json?.biz_opaque_callback_data, '4712');
  });

  it('accepts a base URL with a trailing slash', async () => {
    await send(gatewayFor(`${fake.url}/`), message());
    assert.equal(fake.requests[0]?.path, `/v21.0/${PHONE_NUMBER_ID}/messages`);
  });

  it('uploads an image once and reuses its media id for every later send with the same key', async () => {
    const img = image();
    const issuedBefore = fake.uploads;
    for (const [to, reference] of [['6281111111111', '1'], ['6282222222222', '2'], ['6283333333333', '3']] as const) {
      await send(gateway, message({ to, reference, text: `Promo untuk ${to}`, image: img }));
    }
    assert.equal(fake.uploads - issuedBefore, 1);
    assert.equal(uploads().length, 1);
    assert.equal(img.loads, 1);
    const upload = uploads()[0]!;
    assert.equal(upload.path, `/v21.0/${PHONE_NUMBER_ID}/media`);
    assert.equal(upload.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(upload.fields, { messaging_product: 'whatsapp', type: 'image/jpeg' });
    assert.equal(upload.file?.field, 'file');
    assert.equal(upload.file?.contentType, 'image/jpeg');
    assert.equal(upload.file?.size, JPEG.length);

    const mediaId = [...fake.mediaIds].at(-1);
    assert.match(mediaId ?? '', /^\d+$/);
    assert.deepEqual(
      sends().map((r) => r.json),
      ['1', '2', '3'].map((reference, i) => {
        const to = ['6281111111111', '6282222222222', '6283333333333'][i]!;
        return { messaging_product: 'whatsapp', to, type: 'image', image: { id: mediaId, caption: `Promo untuk ${to}` }, biz_opaque_callback_data: reference };
      }),
    );
    assert.equal(gateway.needsPublicImageUrl, false);
  });

  it('shares one upload between concurrent first sends of the same image', async () => {
    fake.latencyMs = 100;
    const img = image();
    await Promise.all([1, 2, 3].map((n) => send(gateway, message({ reference: String(n), image: img }))));
    assert.equal(uploads().length, 1);
    assert.equal(img.loads, 1);
    assert.equal(sends().length, 3);
  });

  it('says when the message was written, never for the upload before it', async () => {
    fake.uploadLatencyMs = 150;
    const seen: { uploads: number; sends: number }[] = [];
    await gateway.send(message({ image: image('img-token-written') }), AbortSignal.timeout(5_000), () => seen.push({ uploads: uploads().length, sends: sends().length }));
    // Once, after the upload was answered, as the message left (the fake had not read it yet).
    assert.deepEqual(seen, [{ uploads: 1, sends: 0 }]);
    assert.equal(sends().length, 1);
  });

  it('uploads different images separately', async () => {
    await send(gateway, message({ image: image('a') }));
    await send(gateway, message({ image: image('b') }));
    await send(gateway, message({ image: image('a') }));
    assert.equal(uploads().length, 2);
    const ids = sends().map((r) => (r.json?.image as { id: string }).id);
    assert.equal(ids[0], ids[2]);
    assert.notEqual(ids[0], ids[1]);
  });

  it('does not cache a failed upload: the next send uploads again', async () => {
    fake.behaviour = (r) => (r.path.endsWith('/media') && uploads().length === 1 ? { error: { code: 1, message: 'An unknown error occurred' } } : undefined);
    const img = image();
    await failure(send(gateway, message({ image: img })), 'transient');
    assert.equal(sends().length, 0, 'no message without its image');
    await send(gateway, message({ image: img }));
    assert.equal(uploads().length, 2);
    assert.equal(sends().length, 1);
  });

  it('stops the number when Meta rejects the image itself (it would fail every recipient)', async () => {
    fake.behaviour = (r) => (r.path.endsWith('/media') ? { error: { code: 100, message: '(#100) Param file must be a file with one of the following types: image/jpeg, image/png' } } : undefined);
    const error = await failure(send(gateway, message({ image: image() })), 'account');
    assert.match(error.message, /meta 100: Param file must be a file/);
    assert.match(error.message, /image/);
  });

  it('calls a slow upload "nothing sent" when the caller gives up, and lets the upload finish for the next send', async () => {
    fake.latencyMs = 400;
    const img = image();
    const error = await failure(send(gateway, message({ image: img }), 100), 'transient');
    assert.match(error.message, /nothing was sent/);
    assert.equal(sends().length, 0);
    await send(gateway, message({ image: img }));
    assert.equal(uploads().length, 1, 'the second send waited for the first upload');
  });

  it('retries without a request when the image cannot be read', async () => {
    const img = { ...image(), load: async () => Promise.reject(new Error('image gone')) };
    const error = await failure(send(gateway, message({ image: img })), 'transient');
    assert.match(error.message, /image gone/);
    assert.equal(fake.requests.length, 0);
  });

  it('forgets an uploaded media id Meta no longer knows (131053) so the retry uploads again', async () => {
    const img = image();
    await send(gateway, message({ image: img }));
    fake.behaviour = (r) => (r.path.endsWith('/messages') && sends().length === 2 ? { error: { code: 131053, message: 'Media upload error' } } : undefined);
    await failure(send(gateway, message({ image: img })), 'transient');
    await send(gateway, message({ image: img }));
    assert.equal(uploads().length, 2);
    const ids = sends().map((r) => (r.json?.image as { id: string }).id);
    assert.notEqual(ids[2], ids[0]);
  });

  it('in link mode sends image.link with the caption and uploads nothing', async () => {
    const linked = gatewayFor(fake.url, { META_IMAGE_MODE: 'link' });
    assert.equal(linked.needsPublicImageUrl, true);
    const img = image();
    await send(linked, message({ image: img }));
    assert.equal(img.loads, 0);
    assert.equal(uploads().length, 0);
    assert.deepEqual(sends()[0]?.json, {
      messaging_product: 'whatsapp',
      to: '6281234567890',
      type: 'image',
      image: { link: 'https://blast.example.id/media/img-token-1.jpg', caption: 'Halo Budi, promo Juni!' },
      biz_opaque_callback_data: '4711',
    });
  });

  it('sends a template with its body parameters', async () => {
    const result = await send(gateway, message({ template: { name: 'promo_juni', language: 'id', bodyParams: ['Budi', '20%'] } }));
    assert.match(result.providerMessageId ?? '', /^wamid\./);
    assert.deepEqual(sends()[0]?.json, {
      messaging_product: 'whatsapp',
      to: '6281234567890',
      type: 'template',
      template: {
        name: 'promo_juni',
        language: { code: 'id' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Budi' }, { type: 'text', text: '20%' }] }],
      },
      biz_opaque_callback_data: '4711',
    });
  });

  it('sends a template without variables without components', async () => {
    await send(gateway, message({ template: { name: 'hello_world', language: 'en_US', bodyParams: [] } }));
    assert.deepEqual(sends()[0]?.json?.template, { name: 'hello_world', language: { code: 'en_US' } });
  });

  it('puts the image in the template header: the uploaded id, or the link in link mode', async () => {
    const template = { name: 'promo_juni', language: 'id', bodyParams: ['Budi'] };
    const img = image();
    await send(gateway, message({ template, image: img }));
    await send(gatewayFor(fake.url, { META_IMAGE_MODE: 'link' }), message({ template, image: img }));
    const mediaId = [...fake.mediaIds].at(-1);
    assert.equal(uploads().length, 1);
    const body = { type: 'body', parameters: [{ type: 'text', text: 'Budi' }] };
    assert.deepEqual(sends()[0]?.json?.template, {
      name: 'promo_juni',
      language: { code: 'id' },
      components: [{ type: 'header', parameters: [{ type: 'image', image: { id: mediaId } }] }, body],
    });
    assert.deepEqual(sends()[1]?.json?.template, {
      name: 'promo_juni',
      language: { code: 'id' },
      components: [{ type: 'header', parameters: [{ type: 'image', image: { link: img.url } }] }, body],
    });
  });

  describe('error codes', () => {
    const table: [number, FailureKind][] = [
      ...[0, 190, 10, 200, 250, 299, 368, 131031, 131048].map((code) => [code, 'account'] as [number, FailureKind]),
      ...[4, 80007, 130429, 131056].map((code) => [code, 'rate_limited'] as [number, FailureKind]),
      ...[131057, 1, 2].map((code) => [code, 'transient'] as [number, FailureKind]),
      ...[131026, 131049, 131047, 131050, 100, 131008, 131009, 131021, 132000, 132001, 132012].map((code) => [code, 'recipient'] as [number, FailureKind]),
    ];
    for (const [code, kind] of table) {
      it(`${code} → ${kind}`, async () => {
        fake.behaviour = () => ({ error: { code, message: `(#${code}) Meta says ${code}` } });
        const error = await failure(send(gateway, message()), kind);
        assert.ok(error.message.startsWith(`meta ${code}: Meta says ${code}`), error.message);
      });
    }

    it('does not take codes next to the account range for account errors', async () => {
      fake.behaviour = () => ({ error: { code: 300, message: 'Something' } });
      await failure(send(gateway, message()), 'recipient');
      fake.behaviour = () => ({ error: { code: 9, message: 'Something' } });
      await failure(send(gateway, message()), 'recipient');
    });

    it('keeps Meta\'s text and details: `meta 131026: Message undeliverable`', async () => {
      fake.behaviour = () => ({ error: { code: 131026, message: 'Message undeliverable', details: 'Message Undeliverable.' } });
      const error = await failure(send(gateway, message()), 'recipient');
      assert.equal(error.message, 'meta 131026: Message undeliverable (Message Undeliverable.)');
    });

    it('says a template is needed outside the 24-hour window (131047)', async () => {
      fake.behaviour = () => ({ error: { code: 131047, message: 'Re-engagement message' } });
      const error = await failure(send(gateway, message()), 'recipient');
      assert.match(error.message, /^meta 131047: Re-engagement message/);
      assert.match(error.message, /24 hours/);
      assert.match(error.message, /template/);
    });

    it('backs off by sensible defaults, or as long as Retry-After says', async () => {
      const expected: [number, number][] = [[4, 60_000], [80007, 60_000], [130429, 5_000], [131056, 10_000]];
      for (const [code, ms] of expected) {
        fake.behaviour = () => ({ error: { code, message: 'limit' } });
        assert.equal((await failure(send(gateway, message()), 'rate_limited')).retryAfterMs, ms, `code ${code}`);
        fake.behaviour = () => ({ error: { code, message: 'limit' }, headers: { 'Retry-After': '7' } });
        assert.equal((await failure(send(gateway, message()), 'rate_limited')).retryAfterMs, 7_000, `code ${code} with Retry-After`);
      }
    });

    it('judges by the code, not the HTTP status', async () => {
      fake.behaviour = () => ({ error: { code: 130429, message: 'Rate limit hit', httpStatus: 400 } });
      await failure(send(gateway, message()), 'rate_limited');
      fake.behaviour = () => ({ error: { code: 131026, message: 'Message undeliverable', httpStatus: 500 } });
      await failure(send(gateway, message()), 'recipient');
      fake.behaviour = () => ({ error: { code: 190, message: 'Invalid token', httpStatus: 400 } });
      await failure(send(gateway, message()), 'account');
    });

    it('classifies unknown codes by status: 4xx fails the recipient, 5xx retries', async () => {
      fake.behaviour = () => ({ error: { code: 999_999, message: 'New error', httpStatus: 400 } });
      await failure(send(gateway, message()), 'recipient');
      fake.behaviour = () => ({ error: { code: 131000, message: 'Something went wrong', httpStatus: 500 } });
      await failure(send(gateway, message()), 'transient');
      fake.behaviour = () => ({ error: { code: 999_999, message: 'Slow down', httpStatus: 429 }, headers: { 'retry-after': '3' } });
      assert.equal((await failure(send(gateway, message()), 'rate_limited')).retryAfterMs, 3_000);
    });

    it('retries a 5xx without Meta\'s error body; stops the number on an unexplained 4xx (wrong base URL)', async () => {
      fake.behaviour = () => ({ http: 502, body: '<html>Bad Gateway</html>' });
      await failure(send(gateway, message()), 'transient');
      fake.behaviour = () => ({ http: 404, body: 'Not Found' });
      const error = await failure(send(gateway, message()), 'account');
      assert.match(error.message, /META_API_BASE_URL/);
    });

    it('stops the number when the base URL has no such path (2500)', async () => {
      const error = await failure(send(gatewayFor(fake.url.replace('v21.0', 'v0.0')), message()), 'account');
      assert.match(error.message, /^meta 2500: Unknown path components/);
    });

    it('stops the number on a wrong phone number id instead of failing each recipient', async () => {
      const error = await failure(send(gatewayFor(fake.url, { META_PHONE_NUMBER_ID: '999' }), message()), 'account');
      assert.match(error.message, /^meta 100: Unsupported post request/);
      assert.match(error.message, /META_PHONE_NUMBER_ID/);
    });

    it('stops the number when the token is rejected, without repeating either token', async () => {
      const wrongToken = 'EAAG-Wr0ng-meta-token';
      const error = await failure(send(gatewayFor(fake.url, { META_ACCESS_TOKEN: wrongToken }), message()), 'account', [TOKEN, wrongToken]);
      assert.match(error.message, /^meta 190: Invalid OAuth access token/);
      assert.equal(fake.requests[0]?.headers.authorization, `Bearer ${wrongToken}`);
    });

    it('redacts the token and the app secret even when Meta echoes them', async () => {
      const withSecrets = gatewayFor(fake.url, { META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: VERIFY_TOKEN });
      fake.behaviour = () => ({ error: { code: 100, message: `Invalid parameter access_token=${TOKEN} secret=${APP_SECRET} verify=${VERIFY_TOKEN}` } });
      const error = await failure(send(withSecrets, message()), 'recipient', [TOKEN, APP_SECRET, VERIFY_TOKEN]);
      assert.match(error.message, /\[redacted\]/);
    });
  });

  describe('network failures', () => {
    it('retries later when the connection is refused (nothing was sent)', async () => {
      const gone = await startFakeMeta();
      await gone.close();
      await failure(send(gatewayFor(gone.url), message()), 'transient');
    });

    it('reports an unknown outcome when Meta does not answer in time', async () => {
      fake.behaviour = () => 'hang';
      const started = Date.now();
      await failure(send(gateway, message(), 300), 'unknown_outcome');
      assert.ok(Date.now() - started < 3_000, 'the time-out was not honoured');
      assert.equal(fake.requests.length, 1, 'the request reached the provider');
    });

    it('reports an unknown outcome when the connection drops before the answer', async () => {
      fake.behaviour = () => 'destroy';
      await failure(send(gateway, message()), 'unknown_outcome');
    });

    it('reports an unknown outcome on a 200 without a message id', async () => {
      fake.behaviour = () => ({ http: 200, body: { messaging_product: 'whatsapp', contacts: [], messages: [] } });
      await failure(send(gateway, message()), 'unknown_outcome');
      fake.behaviour = () => ({ http: 200, headers: { 'content-type': 'text/html' }, body: '<html>ok</html>' });
      await failure(send(gateway, message()), 'unknown_outcome');
    });

    it('accepts the success body with message_status', async () => {
      fake.behaviour = () => ({ http: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: '628', wa_id: '628' }], messages: [{ id: 'wamid.X1', message_status: 'accepted' }] } });
      assert.deepEqual(await send(gateway, message()), { providerMessageId: 'wamid.X1' });
    });
  });
});

describe('meta settings through the registry', () => {
  const env = { META_ACCESS_TOKEN: TOKEN, META_PHONE_NUMBER_ID: PHONE_NUMBER_ID, META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: VERIFY_TOKEN };

  it('applies the defaults and lists the secrets', async () => {
    const { gateway, secrets } = await createGateway('meta', env, CONTEXT);
    assert.equal(gateway.provider, 'meta');
    assert.equal(gateway.needsPublicImageUrl, false, 'upload is the default image mode');
    assert.deepEqual([...secrets].sort(), [APP_SECRET, TOKEN, VERIFY_TOKEN].sort());
  });

  it('names a missing token and rejects an unknown image mode', async () => {
    await assert.rejects(createGateway('meta', { META_PHONE_NUMBER_ID: PHONE_NUMBER_ID }, CONTEXT), /META_ACCESS_TOKEN/);
    await assert.rejects(createGateway('meta', { ...env, META_IMAGE_MODE: 'base64' }, CONTEXT), /META_IMAGE_MODE/);
    const linked = await createGateway('meta', { ...env, META_IMAGE_MODE: 'link' }, CONTEXT);
    assert.equal(linked.gateway.needsPublicImageUrl, true);
  });

  it('changes the credentials fingerprint with the token', async () => {
    const a = await createGateway('meta', env, CONTEXT);
    const b = await createGateway('meta', { ...env, META_ACCESS_TOKEN: 'EAAG-another' }, CONTEXT);
    assert.notEqual(a.gateway.credentialsFingerprint, b.gateway.credentialsFingerprint);
  });
});

describe('meta webhooks', () => {
  const settings: Settings = {
    META_ACCESS_TOKEN: TOKEN,
    META_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    META_API_BASE_URL: 'https://graph.facebook.com/v21.0',
    META_IMAGE_MODE: 'upload',
  };
  const handler = meta.webhook!(settings, CONTEXT);

  function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
    return { method: 'POST', publicUrl: 'https://blast.example.id/webhooks/meta', headers: {}, query: {}, rawBody: Buffer.alloc(0), ...overrides };
  }

  /** Signed the way Meta documents: sha256= hex HMAC-SHA256 of the raw body with the app secret. */
  function signed(body: string, secret = APP_SECRET): WebhookRequest {
    const signature = `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
    return request({ headers: { 'x-hub-signature-256': signature, 'content-type': 'application/json' }, rawBody: Buffer.from(body, 'utf8') });
  }

  const handshake = (query: Record<string, string>, h = handler) => h.handshake!(request({ method: 'GET', query }));

  it('answers the subscription handshake with the challenge when the verify token matches', () => {
    assert.deepEqual(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }), { status: 200, body: '1158201444' });
  });

  it('refuses the handshake with 403 otherwise', () => {
    assert.equal(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }).status, 403);
    assert.equal(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': `${VERIFY_TOKEN}x`, 'hub.challenge': '1' }).status, 403);
    assert.equal(handshake({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }).status, 403);
    assert.equal(handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }).status, 403);
    const unset = meta.webhook!({ ...settings, META_VERIFY_TOKEN: undefined }, CONTEXT);
    assert.equal(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, unset).status, 403);
  });

  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });

  it('believes a body signed with the app secret', () => {
    assert.equal(handler.verify(signed(body)), true);
    const upper = signed(body);
    upper.headers = { 'X-Hub-Signature-256': String(upper.headers['x-hub-signature-256']).toUpperCase().replace('SHA256=', 'sha256=') };
    assert.equal(handler.verify(upper), true, 'header name and hex case do not matter');
  });

  it('rejects a wrong secret, a tampered body, a missing or malformed header, or an unset app secret', () => {
    assert.equal(handler.verify(signed(body, 'another-secret')), false);
    const tampered = signed(body);
    tampered.rawBody = Buffer.from(body.replace('entry', 'entrx'));
    assert.equal(handler.verify(tampered), false);
    assert.equal(handler.verify(request({ rawBody: Buffer.from(body) })), false);
    const hex = createHmac('sha256', APP_SECRET).update(body).digest('hex');
    for (const header of [hex, `sha1=${hex}`, `sha256=${hex.slice(0, 62)}`, `sha256=${hex}00`, `sha256=${'z'.repeat(64)}`, '']) {
      assert.equal(handler.verify(request({ headers: { 'x-hub-signature-256': header }, rawBody: Buffer.from(body) })), false, header);
    }
    assert.equal(handler.verify(request({ headers: { 'x-hub-signature-256': [`sha256=${hex}`, `sha256=${hex}`] }, rawBody: Buffer.from(body) })), false);
    const noSecret = meta.webhook!({ ...settings, META_APP_SECRET: undefined }, CONTEXT);
    assert.equal(noSecret.verify(signed(body, '')), false);
  });

  /** The documented envelope around one `value`. */
  function envelope(value: Record<string, unknown>): string {
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
    });
  }
  const parse = (raw: string) => handler.parse(signed(raw));

  it('parses a delivered status with our reference', () => {
    const raw = envelope({
      statuses: [
        {
          id: 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjRBMzE2',
          status: 'delivered',
          timestamp: '1750857384',
          recipient_id: '6281234567890',
          biz_opaque_callback_data: '4711',
          conversation: { id: 'c1', origin: { type: 'marketing' } },
          pricing: { billable: true, pricing_model: 'CBP', category: 'marketing' },
        },
      ],
    });
    assert.deepEqual(parse(raw), [
      { kind: 'status', providerMessageId: 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjRBMzE2', reference: '4711', status: 'delivered', at: 1_750_857_384_000 },
    ]);
  });

  it('parses a failed status with its errors', () => {
    const raw = envelope({
      statuses: [
        {
          id: 'wamid.F1',
          status: 'failed',
          timestamp: '1750857390',
          recipient_id: '6281234567890',
          biz_opaque_callback_data: '4712',
          errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable.', error_data: { details: 'Message Undeliverable.' } }],
        },
      ],
    });
    assert.deepEqual(parse(raw), [
      { kind: 'status', providerMessageId: 'wamid.F1', reference: '4712', status: 'failed', error: '131026 Message undeliverable: Message undeliverable.', at: 1_750_857_390_000 },
    ]);
  });

  it('parses an inbound text message (for opt-out keywords)', () => {
    const raw = envelope({
      contacts: [{ profile: { name: 'Budi' }, wa_id: '6281234567890' }],
      messages: [{ from: '6281234567890', id: 'wamid.IN1', timestamp: '1750857400', type: 'text', text: { body: 'STOP' } }],
    });
    assert.deepEqual(parse(raw), [{ kind: 'inbound', from: '6281234567890', text: 'STOP', at: 1_750_857_400_000 }]);
  });

  it('parses a template quick-reply button as inbound text, and ignores other message types', () => {
    const raw = envelope({
      messages: [
        { from: '6281234567890', id: 'wamid.B1', timestamp: '1750857401', type: 'button', button: { payload: 'STOP', text: 'Stop promotions' } },
        { from: '6281234567890', id: 'wamid.I1', timestamp: '1750857402', type: 'image', image: { id: '123', mime_type: 'image/jpeg' } },
      ],
    });
    assert.deepEqual(parse(raw), [{ kind: 'inbound', from: '6281234567890', text: 'Stop promotions', at: 1_750_857_401_000 }]);
  });

  it('passes duplicates and out-of-order events through as they come (ordering is decided elsewhere)', () => {
    const status = (id: string, s: string, ts: string) => ({ id, status: s, timestamp: ts, recipient_id: '628', biz_opaque_callback_data: '9' });
    const raw = envelope({ statuses: [status('wamid.A', 'read', '1750000003'), status('wamid.A', 'delivered', '1750000002'), status('wamid.A', 'delivered', '1750000002'), status('wamid.A', 'sent', '1750000001')] });
    assert.deepEqual(
      parse(raw).map((e) => (e.kind === 'status' ? [e.status, e.at] : null)),
      [['read', 1_750_000_003_000], ['delivered', 1_750_000_002_000], ['delivered', 1_750_000_002_000], ['sent', 1_750_000_001_000]],
    );
  });

  it('collects events from several entries and changes, skipping other fields', () => {
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }, { field: 'messages', value: { statuses: [{ id: 'wamid.1', status: 'sent', timestamp: '1750000001' }] } }] },
        { id: '2', changes: [{ field: 'messages', value: { statuses: [{ id: 'wamid.2', status: 'read', timestamp: 1750000002 }] } }] },
      ],
    });
    assert.deepEqual(parse(raw), [
      { kind: 'status', providerMessageId: 'wamid.1', status: 'sent', at: 1_750_000_001_000 },
      { kind: 'status', providerMessageId: 'wamid.2', status: 'read', at: 1_750_000_002_000 },
    ]);
  });

  it('returns no events for anything malformed, and skips only the malformed items', () => {
    for (const raw of ['', 'not json', 'null', '[]', '42', '{"object":"page","entry":[]}', '{"entry":"x"}', '{"entry":[null,{"changes":[null,{"value":[]}]}]}']) {
      assert.deepEqual(parse(raw), [], raw);
    }
    const raw = envelope({
      statuses: [
        { id: 'wamid.ok', status: 'delivered', timestamp: '1750000001' },
        { id: 'wamid.bad-status', status: 'deleted', timestamp: '1750000001' },
        { id: 'wamid.no-time', status: 'delivered' },
        { status: 'delivered', timestamp: '1750000001' },
        'junk',
      ],
      messages: [{ type: 'text', text: { body: 'no sender' }, timestamp: '1750000001' }, { from: '628', type: 'text', text: {}, timestamp: '1750000001' }],
    });
    assert.deepEqual(parse(raw), [{ kind: 'status', providerMessageId: 'wamid.ok', status: 'delivered', at: 1_750_000_001_000 }]);
  });
});

describe('the fake Meta itself', () => {
  let fake: FakeMeta;
  before(async () => {
    fake = await startFakeMeta({ accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  });
  after(() => fake.close());

  async function post(path: string, body: object | FormData, token = TOKEN): Promise<[number, Record<string, any>]> {
    const json = !(body instanceof FormData);
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, ...(json ? { 'Content-Type': 'application/json' } : {}) },
      body: json ? JSON.stringify(body) : body,
    });
    return [response.status, (await response.json()) as Record<string, any>];
  }
  const text = { messaging_product: 'whatsapp', to: '6281234567890', type: 'text', text: { body: 'hi' } };

  it('answers the documented success body with a fresh wamid', async () => {
    const [status, body] = await post(`/${PHONE_NUMBER_ID}/messages`, text);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['messaging_product', 'contacts', 'messages']);
    assert.deepEqual(body.contacts, [{ input: '6281234567890', wa_id: '6281234567890' }]);
    assert.match(body.messages[0].id, /^wamid\.[A-Za-z0-9+/=]+$/);
    const [, again] = await post(`/${PHONE_NUMBER_ID}/messages`, text);
    assert.notEqual(again.messages[0].id, body.messages[0].id);
  });

  it('validates like Meta: token (401/190), phone number id (400/100), to and type (400/100)', async () => {
    const [s1, b1] = await post(`/${PHONE_NUMBER_ID}/messages`, text, 'wrong');
    assert.deepEqual([s1, b1.error.code, b1.error.type], [401, 190, 'OAuthException']);
    assert.ok(b1.error.fbtrace_id);
    const [s2, b2] = await post('/123/messages', text);
    assert.deepEqual([s2, b2.error.code, b2.error.error_subcode], [400, 100, 33]);
    const [s3, b3] = await post(`/${PHONE_NUMBER_ID}/messages`, { ...text, to: undefined });
    assert.deepEqual([s3, b3.error.code], [400, 100]);
    const [s4, b4] = await post(`/${PHONE_NUMBER_ID}/messages`, { ...text, type: 'sticker' });
    assert.deepEqual([s4, b4.error.code], [400, 100]);
  });

  it('issues numeric media ids and refuses image ids it did not issue', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/jpeg');
    form.set('file', new Blob([JPEG], { type: 'image/jpeg' }), 'p.jpg');
    const [status, body] = await post(`/${PHONE_NUMBER_ID}/media`, form);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['id']);
    assert.match(body.id, /^\d+$/);
    assert.equal(fake.requests.at(-1)?.file?.size, JPEG.length);
    const image = (id: string) => ({ messaging_product: 'whatsapp', to: '628', type: 'image', image: { id } });
    assert.equal((await post(`/${PHONE_NUMBER_ID}/messages`, image(body.id)))[0], 200);
    const [s2, b2] = await post(`/${PHONE_NUMBER_ID}/messages`, image('1234'));
    assert.deepEqual([s2, b2.error.code], [400, 131053]);
    const empty = new FormData();
    empty.set('messaging_product', 'whatsapp');
    assert.equal((await post(`/${PHONE_NUMBER_ID}/media`, empty))[1].error.code, 100);
  });
});
