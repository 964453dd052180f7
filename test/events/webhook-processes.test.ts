import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, createTestDatabase, mobileNumber, testEnv, waitFor, type TestDatabase } from '../helpers.js';
import { apiUrlOf, spawnService, type ServiceProcess } from '../process-helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from '../fakes/webhook-receiver.js';

const TOKEN = 'fonnte-kill-token-0123456789';

/** Real processes, as `npm start` runs them: events survive a worker killed with SIGKILL. */
describe('outbound webhooks across a killed worker', () => {
  let db: TestDatabase;
  let fake: FakeFonnte;
  let receiver: WebhookReceiver;
  const procs: ServiceProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    fake = await startFakeFonnte({ token: TOKEN });
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await receiver.close();
    await fake.close();
    await db.drop();
  });

  it('a kill -9 during sends and during a delivery loses no event', async () => {
    const env = testEnv(db, {
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: fake.url,
      SEND_DELAY_MIN_MS: '60',
      SEND_DELAY_MAX_MS: '90',
      GATEWAY_TIMEOUT_MS: '1000',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_MS: '200',
    });
    const start = (role: string) => {
      const proc = spawnService({ ...env, ROLE: role });
      procs.push(proc);
      return proc;
    };
    const apiProc = start('api');
    const api = new Api(await apiUrlOf(apiProc));
    await api.login();
    const created = await api.post('/api/v1/webhooks', { url: receiver.url, events: ['blast.queued', 'blast.started', 'message.sent', 'message.failed', 'blast.completed'] });
    assert.equal(created.status, 201);
    const { id: subscriptionId, secret } = created.body.data;

    // The receiver takes requests and never answers: the victim dies with a delivery in flight.
    receiver.answer = 'hang';
    fake.latencyMs = 100;
    const victim = start('worker');
    await victim.waitForLine(/worker started/);
    const customers = await api.createCustomers(Array.from({ length: 12 }, (_, i) => ({ name: `K${i}`, phone: mobileNumber(300 + i) })));
    const blastId = await api.blastTo(customers);
    await waitFor(async () => (fake.requests.length >= 4 && receiver.requests.length >= 1) || undefined, 20_000, 'sends and a delivery in flight');
    const seen = fake.requests.length;
    await waitFor(async () => fake.requests.length > seen || undefined, 5_000, 'a send in flight');
    victim.child.kill('SIGKILL');
    await victim.exited;

    receiver.answer = { http: 200, body: 'ok' };
    const successor = start('worker');
    await api.waitForBlast(blastId, undefined, 40_000);
    const logs = await api.allLogs(blastId);
    const expected = [
      'blast.queued',
      'blast.started',
      ...logs.map((l) => `${l.status === 'sent' ? 'message.sent' : 'message.failed'} ${l.customer_id}`),
      'blast.completed',
    ].sort();
    const unique = () => [...new Map(receiver.events().map((e) => [e.id, e])).values()];
    const describe = (e: { type: string; data: Record<string, any> }) => (e.type.startsWith('message.') ? `${e.type} ${e.data.customer_id}` : e.type);
    await waitFor(async () => (unique().length >= expected.length ? true : undefined), 30_000, `${expected.length} events`);
    assert.deepEqual(unique().map(describe).sort(), expected, 'every change has its event, exactly one per event id');
    assert.ok(logs.some((l) => l.status === 'failed'), 'the send in flight at the kill is "delivery unknown", and has its message.failed');
    for (const request of receiver.requests) assert.ok(verifySignature(secret, request.headers['x-whatsapp-blast-signature'] as string, request.body));
    // The receiver has every event; each delivery is marked delivered just after its answer.
    const pendingCount = async () => (await api.get(`/api/v1/webhooks/${subscriptionId}/deliveries?status=pending`)).body.meta.total as number;
    await waitFor(async () => ((await pendingCount()) === 0 ? true : undefined), 20_000, 'no delivery left pending');

    successor.child.kill('SIGTERM');
    apiProc.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([successor.exited, apiProc.exited]), [0, 0]);
  });
});
