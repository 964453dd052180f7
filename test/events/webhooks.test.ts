import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, waitFor, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { startWebhookReceiver, verifySignature, type ReceivedEvent, type WebhookReceiver } from '../fakes/webhook-receiver.js';
import { EVENT_TYPES } from '../../src/events/event-types.js';

const TOKEN = 'fonnte-events-token-0123456789';
const HOOK_SECRET = 'fonnte-hook-secret-abcdefghij';

const subscribe = async (svc: TestService, url: string, events: readonly string[] = EVENT_TYPES) => {
  const res = await svc.api.post('/api/v1/webhooks', { url, events });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data as { id: number; secret: string };
};

const ofBlast = (events: ReceivedEvent[], blastId: number) => events.filter((e) => e.data.blast_id === blastId);

describe('outbound webhooks: every event, signed, in order', () => {
  let fake: FakeFonnte;
  let receiver: WebhookReceiver;
  let svc: TestService;
  let subscription: { id: number; secret: string };
  const hook = (body: unknown) => svc.api.request('POST', `/webhooks/fonnte/${HOOK_SECRET}`, body, { auth: false });

  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    receiver = await startWebhookReceiver();
    svc = await startTestService({
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: fake.url,
      FONNTE_WEBHOOK_TOKEN: HOOK_SECRET,
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    });
    subscription = await subscribe(svc, receiver.url);
  });
  after(async () => {
    await svc.stop();
    await receiver.close();
    await fake.close();
  });

  it('pushes each of the twelve event types, each request signed with the subscription secret', async () => {
    const [ok, bad, stopping] = await svc.api.createCustomers([
      { name: 'Ok', phone: mobileNumber(1) },
      { name: 'Bad', phone: mobileNumber(2) },
      { name: 'Stopper', phone: mobileNumber(3) },
    ]);
    fake.behaviour = { [`62${mobileNumber(2).slice(1)}`]: { fail: 'target invalid' }, [`62${mobileNumber(3).slice(1)}`]: { fail: 'device disconnected' } };

    // A: one sent, one failed → queued, started, message.sent, message.failed, completed.
    const a = (await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [ok!.id, bad!.id], message: 'Halo {name}' })).body.blast_id;
    await svc.api.waitForBlast(a);
    const sentLog = (await svc.api.allLogs(a)).find((l) => l.status === 'sent');
    assert.equal((await hook({ id: sentLog.provider_message_id, state: 'delivered' })).status, 200);
    assert.equal((await hook({ id: sentLog.provider_message_id, state: 'read' })).status, 200);
    assert.equal((await hook({ device: '628000', sender: sentLog.phone_number, message: 'STOP' })).status, 200);

    // B: nobody matches → queued, failed.
    const b = (await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'filter', filter_params: { status: 'inactive' }, message: 'Halo {name}' })).body.blast_id;
    await svc.api.waitForBlast(b);

    // C: the provider stops the only number → sender.paused and blast.paused (provider); then cancelled.
    const c = (await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [stopping!.id], message: 'Halo {name}' })).body.blast_id;
    await waitFor(async () => (await svc.api.get('/api/v1/senders')).body.data.some((s: any) => s.state === 'paused'), 10_000, 'the sender paused');
    const cancelled = await svc.api.post(`/api/v1/whatsapp/blast/${c}/cancel`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

    // D: paused by an admin.
    const d = (await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [bad!.id], message: 'Halo', send_at: new Date(Date.now() + 3_600_000).toISOString() })).body.blast_id;
    const paused = await svc.api.post(`/api/v1/whatsapp/blast/${d}/pause`);
    assert.equal(paused.status, 200, JSON.stringify(paused.body));

    const events = await waitFor(() => {
      const got = receiver.events();
      return Promise.resolve(EVENT_TYPES.every((t) => got.some((e) => e.type === t)) && got.some((e) => e.type === 'blast.paused' && e.data.blast_id === d) ? got : undefined);
    }, 15_000, 'every event type');

    for (const request of receiver.requests) {
      assert.ok(verifySignature(subscription.secret, request.headers['x-whatsapp-blast-signature'] as string, request.body), `bad signature: ${request.headers['x-whatsapp-blast-signature']}`);
      assert.ok(!verifySignature('whsec_another', request.headers['x-whatsapp-blast-signature'] as string, request.body));
      assert.ok(Array.isArray(JSON.parse(request.body).events));
    }
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'every event has its own id, and none came twice');

    assert.deepEqual(ofBlast(events, a).map((e) => e.type), ['blast.queued', 'blast.started', 'message.sent', 'message.failed', 'blast.completed', 'message.delivered', 'message.read']);
    const failed = events.find((e) => e.type === 'message.failed')!;
    assert.deepEqual([failed.data.blast_id, failed.data.customer_id, failed.data.phone_number], [a, bad!.id, `62${mobileNumber(2).slice(1)}`]);
    assert.match(failed.data.reason, /target invalid/);
    assert.deepEqual(events.find((e) => e.type === 'blast.completed')!.data.counts, { target: 2, sent: 1, failed: 1, skipped: 0, cancelled: 0 });
    assert.deepEqual(ofBlast(events, b).map((e) => e.type), ['blast.queued', 'blast.failed']);
    assert.equal(events.find((e) => e.type === 'customer.opted_out')!.data.customer_id, ok!.id);
    const providerPause = ofBlast(events, c).find((e) => e.type === 'blast.paused')!;
    assert.equal(providerPause.data.paused_by, 'provider');
    assert.match(providerPause.data.reason, /device disconnected/);
    assert.deepEqual(ofBlast(events, c).map((e) => e.type), ['blast.queued', 'blast.started', 'blast.paused', 'blast.cancelled']);
    assert.match(events.find((e) => e.type === 'sender.paused')!.data.reason, /device disconnected/);
    assert.deepEqual(ofBlast(events, d).map((e) => [e.type, e.data.paused_by]), [['blast.paused', 'admin']]);

    // The receiver holds the last event before the service has read its answer and marked it.
    const deliveries = await waitFor(async () => {
      const page = await svc.api.get(`/api/v1/webhooks/${subscription.id}/deliveries?per_page=100`);
      assert.equal(page.status, 200);
      return page.body.data.some((x: any) => x.status === 'pending') ? undefined : page;
    }, 10_000, 'every delivery marked');
    assert.equal(deliveries.body.meta.total, events.length);
    assert.ok(deliveries.body.data.every((x: any) => x.status === 'delivered' && x.attempts === 1 && x.last_error === null), JSON.stringify(deliveries.body.data.filter((x: any) => x.status !== 'delivered' || x.attempts !== 1)));
  });
});

describe('outbound webhooks: an opt-out set by an admin', () => {
  let receiver: WebhookReceiver;
  let svc: TestService;

  before(async () => {
    receiver = await startWebhookReceiver();
    svc = await startTestService({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    await subscribe(svc, receiver.url, ['customer.opted_out']);
  });
  after(async () => {
    await svc.stop();
    await receiver.close();
  });

  it('is announced once, with source admin; setting it again or clearing it announces nothing', async () => {
    const [customer] = await svc.api.createCustomers([{ name: 'Rina', phone: mobileNumber(7) }]);
    const optOut = () => svc.api.request('PATCH', `/api/v1/customers/${customer!.id}`, { opted_out: true });
    const first = await optOut();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.data.opted_out_source, 'admin');
    const again = await optOut();
    assert.equal(again.body.data.opted_out_at, first.body.data.opted_out_at, 'the first opt-out is kept');
    assert.equal((await svc.api.request('PATCH', `/api/v1/customers/${customer!.id}`, { opted_out: false })).status, 200);
    // A later event in the same order proves the earlier PATCHes' events, if any, were delivered.
    const [other] = await svc.api.createCustomers([{ name: 'Tono', phone: mobileNumber(8) }]);
    assert.equal((await svc.api.request('PATCH', `/api/v1/customers/${other!.id}`, { opted_out: true })).status, 200);
    const events = await waitFor(() => {
      const got = receiver.events();
      return Promise.resolve(got.some((e) => e.data.customer_id === other!.id) ? got : undefined);
    }, 15_000, 'the second customer\'s opt-out');
    const rina = events.filter((e) => e.data.customer_id === customer!.id);
    assert.equal(rina.length, 1, 'one event for two opt-outs and a clear');
    assert.deepEqual(rina[0]!.data, { customer_id: customer!.id, phone_number: `62${mobileNumber(7).slice(1)}`, source: 'admin', opted_out_at: first.body.data.opted_out_at });
  });
});

describe('outbound webhooks: a receiver that is down', () => {
  let receiver: WebhookReceiver;
  let svc: TestService;

  before(async () => {
    receiver = await startWebhookReceiver();
    svc = await startTestService({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '200' });
  });
  after(async () => {
    await svc.stop();
    await receiver.close().catch(() => {}); // already closed if the test failed while it was down
  });

  it('gets every event, once and in order, when it is back', async () => {
    const { id, secret } = await subscribe(svc, receiver.url, ['blast.queued', 'blast.started', 'message.sent', 'blast.completed']);
    const stored = await svc.service.database.db.selectFrom('webhook_subscriptions').select('secret').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(stored.secret, `plain.${secret}`, 'without SECRET_KEY the secret is stored as is (docs/webhooks.md)');
    const port = receiver.port;
    await receiver.close();
    const customers = await svc.api.createCustomers(Array.from({ length: 3 }, (_, i) => ({ name: `D${i}`, phone: mobileNumber(100 + i) })));
    const blastId = await svc.api.blastTo(customers, { message: 'Halo' });
    await svc.api.waitForBlast(blastId);
    const failing = await waitFor(async () => {
      const sub = (await svc.api.get(`/api/v1/webhooks/${id}`)).body.data;
      return sub.consecutive_failures >= 3 ? sub : undefined;
    }, 10_000, 'three failed attempts');
    assert.ok(failing.next_attempt_at);
    // Events recorded while it was failing join the next attempt.
    const pending = await waitFor(async () => {
      const body = (await svc.api.get(`/api/v1/webhooks/${id}/deliveries?status=pending`)).body;
      return body.meta.total === 6 && body.data.every((x: any) => x.attempts >= 1) ? body : undefined;
    }, 10_000, 'every event tried');
    assert.ok(pending.data.every((x: any) => x.last_error === 'connection refused'), JSON.stringify(pending.data[0]));

    receiver = await startWebhookReceiver({ port });
    const events = await waitFor(() => Promise.resolve(receiver.events().length >= 6 ? receiver.events() : undefined), 10_000, 'the events');
    assert.deepEqual(events.map((e) => e.type), ['blast.queued', 'blast.started', 'message.sent', 'message.sent', 'message.sent', 'blast.completed']);
    assert.deepEqual(events.filter((e) => e.type === 'message.sent').map((e) => e.data.customer_id).sort(), customers.map((c) => c.id).sort());
    assert.equal(receiver.requests.length, 1, 'the backlog comes as one batch');
    await waitFor(async () => ((await svc.api.get(`/api/v1/webhooks/${id}`)).body.data.consecutive_failures === 0 ? true : undefined), 5_000);
  });
});

describe('outbound webhooks: given up after the retry period, redelivered by hand', () => {
  let receiver: WebhookReceiver;
  let svc: TestService;

  before(async () => {
    receiver = await startWebhookReceiver();
    // With SECRET_KEY: the signing secret is stored encrypted (the other services store it as is).
    svc = await startTestService({
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_MS: '20',
      WEBHOOK_RETRY_MAX_MS: '50',
      WEBHOOK_RETRY_FOR_MS: '300',
      SECRET_KEY: 'ab'.repeat(32),
    });
  });
  after(async () => {
    await svc.stop();
    await receiver.close();
  });

  it('marks the event failed with the last error, and sends it again on request', async () => {
    receiver.answer = { http: 503, body: 'maintenance' };
    const { id, secret } = await subscribe(svc, receiver.url, ['blast.queued']);
    const stored = await svc.service.database.db.selectFrom('webhook_subscriptions').select('secret').where('id', '=', id).executeTakeFirstOrThrow();
    assert.match(stored.secret, /^v1\./);
    assert.ok(!stored.secret.includes(secret.slice(6)), 'stored encrypted, not as is');
    const [customer] = await svc.api.createCustomers([{ name: 'R', phone: mobileNumber(200) }]);
    const blastId = (await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo' })).body.blast_id;
    const failed = await waitFor(async () => (await svc.api.get(`/api/v1/webhooks/${id}/deliveries?status=failed`)).body.data[0], 10_000, 'a failed delivery');
    assert.equal(failed.type, 'blast.queued');
    assert.equal(failed.event.data.blast_id, blastId);
    assert.equal(failed.last_error, 'HTTP 503: maintenance');
    assert.ok(failed.attempts >= 1);
    const tried = receiver.requests.length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(receiver.requests.length, tried, 'a failed delivery is not retried by itself');

    receiver.answer = { http: 204 };
    assertError(await svc.api.post(`/api/v1/webhooks/${id}/deliveries/999999/redeliver`), 404);
    const again = await svc.api.post(`/api/v1/webhooks/${id}/deliveries/${failed.id}/redeliver`);
    assert.equal(again.status, 200);
    assert.equal(again.body.data.status, 'pending');
    const done = await waitFor(async () => (await svc.api.get(`/api/v1/webhooks/${id}/deliveries?status=delivered`)).body.data[0], 5_000, 'the redelivery');
    assert.equal(done.event_id, failed.event_id);
    const last = receiver.requests.at(-1)!;
    assert.ok(verifySignature(secret, last.headers['x-whatsapp-blast-signature'] as string, last.body));
    assert.equal(last.events[0]!.id, failed.event_id, 'the same event id: the receiver can drop it if it had it');
  });
});
