import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startTestService, type TestService } from '../helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.js';
import { postJson } from '../../src/events/http-delivery.js';
import { isPublicAddress } from '../../src/events/url-guard.js';

describe('event subscriptions API', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  });
  after(() => svc.stop());

  it('shows the secret once; lists, changes and deletes a subscription', async () => {
    const created = await svc.api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['blast.completed'], description: 'CRM' });
    assert.equal(created.status, 201);
    const { id, secret } = created.body.data;
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([created.body.data.active, created.body.data.events, created.body.data.description], [true, ['blast.completed'], 'CRM']);

    const one = await svc.api.get(`/api/v1/webhooks/${id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.data.secret, undefined);
    assert.ok(!JSON.stringify((await svc.api.get('/api/v1/webhooks')).body).includes(secret), 'the secret is never listed');
    assert.ok(!svc.logs.join('').includes(secret), 'the secret never reaches the logs');

    const patched = await svc.api.patch(`/api/v1/webhooks/${id}`, { events: ['message.failed', 'blast.failed'], active: false });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.data.events, patched.body.data.active], [['message.failed', 'blast.failed'], false]);

    assert.equal((await svc.api.delete(`/api/v1/webhooks/${id}`)).status, 200);
    assertError(await svc.api.get(`/api/v1/webhooks/${id}`), 404);
    assertError(await svc.api.delete(`/api/v1/webhooks/${id}`), 404);
    assertError(await svc.api.get(`/api/v1/webhooks/${id}/deliveries`), 404);
  });

  it('refuses bad input with a 422 naming the field, and stores nothing', async () => {
    const before = (await svc.api.get('/api/v1/webhooks')).body.data.length;
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/hook', events: ['blast.completed'] }, 'url'],
      [{ url: 'not a url', events: ['blast.completed'] }, 'url'],
      [{ url: 'https://user:pw@example.com/hook', events: ['blast.completed'] }, 'url'],
      [{ url: 'https://example.com/hook', events: [] }, 'events'],
      [{ url: 'https://example.com/hook', events: ['blast.exploded'] }, 'events[0]'],
      [{ url: 'https://example.com/hook', events: ['blast.completed', 'blast.completed'] }, 'events'],
      [{ events: ['blast.completed'] }, 'url'],
      [{ url: 'https://example.com/hook', events: ['blast.completed'], secret: 'mine' }, 'secret'],
      [{ url: 'https://example.com/hook', events: ['blast.completed'], active: 'yes' }, 'active'],
    ];
    for (const [body, field] of cases) assertError(await svc.api.post('/api/v1/webhooks', body), 422, field);
    assert.equal((await svc.api.get('/api/v1/webhooks')).body.data.length, before);

    const { id } = (await svc.api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/a', events: ['blast.queued'] })).body.data;
    assertError(await svc.api.patch(`/api/v1/webhooks/${id}`, { url: 'gopher://x' }), 422, 'url');
    assertError(await svc.api.patch(`/api/v1/webhooks/${id}`, {}), 422);
    assert.equal((await svc.api.get(`/api/v1/webhooks/${id}`)).body.data.url, 'http://127.0.0.1:9/a');
  });
});

describe('event subscriptions: private addresses', () => {
  let svc: TestService;
  let receiver: WebhookReceiver;
  before(async () => {
    svc = await startTestService();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await svc.stop();
    await receiver.close();
  });

  it('refuses loopback, private and link-local URLs without WEBHOOK_ALLOW_PRIVATE_URLS', async () => {
    const urls = [
      receiver.url,
      'http://localhost:8080/hook',
      'http://10.1.2.3/hook',
      'http://192.168.1.10/hook',
      'http://172.16.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080/hook',
      'http://[fd00::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'http://0.0.0.0/hook',
    ];
    for (const url of urls) assertError(await svc.api.post('/api/v1/webhooks', { url, events: ['blast.completed'] }), 422, 'url');
    assert.deepEqual((await svc.api.get('/api/v1/webhooks')).body.data, []);
    assert.equal(receiver.requests.length, 0);
  });

  it('checks the addresses again when it connects: a name that resolves to loopback is refused', async () => {
    const refused = await postJson(receiver.url.replace('127.0.0.1', 'localhost'), '{"events":[]}', {}, { timeoutMs: 2000, allowPrivate: false });
    assert.equal(refused.ok, false);
    assert.match((refused as { error: string }).error, /private, loopback or link-local/);
    const literal = await postJson(receiver.url, '{"events":[]}', {}, { timeoutMs: 2000, allowPrivate: false });
    assert.equal(literal.ok, false);
    assert.equal(receiver.requests.length, 0, 'no request reached the receiver');
    assert.deepEqual(await postJson(receiver.url.replace('127.0.0.1', 'localhost'), '{"events":[]}', {}, { timeoutMs: 2000, allowPrivate: true }), { ok: true, status: 200 });
  });

  it('counts only public unicast addresses as public', () => {
    for (const ok of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) assert.ok(isPublicAddress(ok), ok);
    for (const no of ['127.0.0.1', '10.0.0.1', '100.64.0.1', '169.254.169.254', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '224.0.0.1', '255.255.255.255', 'nonsense']) {
      assert.ok(!isPublicAddress(no), no);
    }
  });
});
