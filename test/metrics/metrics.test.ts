import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assertError, mobileNumber, startTestService, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for these tests). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; undefined when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

async function scrape(url: string, token?: string): Promise<{ status: number; contentType: string | null; text: string; samples: Sample[] }> {
  const res = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), text, samples: parseMetrics(text) };
}

describe('GET /metrics after a blast through the log gateway (open: no METRICS_TOKEN)', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
    const customers = await svc.api.createCustomers([
      { name: 'Budi', phone: mobileNumber(1) },
      { name: 'Sari', phone: mobileNumber(2) },
      { name: 'Andi', phone: mobileNumber(3) },
      { name: 'Kantor', phone: '021 1234 5678' },
    ]);
    const blastId = await svc.api.blastTo(customers);
    const blast = await svc.api.waitForBlast(blastId);
    assert.equal(blast.sent_count, 3);
  });
  after(() => svc.stop());

  it('serves the Prometheus text format without any token', async () => {
    const { status, contentType, text } = await scrape(svc.url);
    assert.equal(status, 200);
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(text, /^# HELP whatsapp_blast_messages_total /m);
    assert.match(text, /^# TYPE whatsapp_blast_send_duration_seconds histogram$/m);
  });

  it('counts sent messages by provider and sender, and times the gateway calls', async () => {
    const { samples } = await scrape(svc.url);
    assert.equal(valueOf(samples, 'whatsapp_blast_messages_total', { outcome: 'sent', provider: 'log', sender: 'default' }), 3);
    assert.equal(valueOf(samples, 'whatsapp_blast_send_duration_seconds_count', { provider: 'log' }), 3);
    assert.ok((valueOf(samples, 'whatsapp_blast_send_duration_seconds_sum', { provider: 'log' }) ?? -1) >= 0);
    assert.equal(valueOf(samples, 'whatsapp_blast_send_duration_seconds_bucket', { provider: 'log', le: '+Inf' }), 3);
  });

  it('reports blasts by state and the queue depth from the database', async () => {
    const { samples } = await scrape(svc.url);
    assert.equal(valueOf(samples, 'whatsapp_blast_blasts', { state: 'completed' }), 1);
    assert.equal(valueOf(samples, 'whatsapp_blast_blasts', { state: 'queued' }), 0);
    assert.equal(valueOf(samples, 'whatsapp_blast_blasts', { state: 'processing' }), 0);
    assert.equal(valueOf(samples, 'whatsapp_blast_blasts', { state: 'scheduled' }), 0, 'every state is exported, 0 when none');
    assert.equal(valueOf(samples, 'whatsapp_blast_queue_depth'), 0);
  });

  it('includes the default process metrics', async () => {
    const { samples } = await scrape(svc.url);
    assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
    assert.ok(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes'));
  });
});

describe('GET /metrics with METRICS_TOKEN, mid-blast; and a worker-only process on METRICS_PORT', () => {
  let svc: TestService;
  let worker: TestService;
  before(async () => {
    // One send, then a minute's pause: the blast stays processing with two recipients queued.
    svc = await startTestService({ METRICS_TOKEN, SEND_DELAY_MIN_MS: '60000', SEND_DELAY_MAX_MS: '60000' });
    const customers = await svc.api.createCustomers([1, 2, 3].map((i) => ({ name: `C${i}`, phone: mobileNumber(i) })));
    const blastId = await svc.api.blastTo(customers);
    await svc.api.waitForBlast(blastId, (b) => b.sent_count === 1);
    worker = await startTestService({ ROLE: 'worker', METRICS_PORT: '0', METRICS_TOKEN, SEND_DELAY_MIN_MS: '60000', SEND_DELAY_MAX_MS: '60000' }, svc.db);
  });
  after(async () => {
    await worker?.stop();
    await svc?.stop();
  });

  it('answers 401 in the error shape without the token, with a wrong one, and with an admin token', async () => {
    for (const token of [undefined, 'wrong-token-wrong-token-wrong', svc.api.token]) {
      const res = await fetch(`${svc.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      assertError({ status: res.status, body: await res.json(), headers: res.headers }, 401);
    }
  });

  it('answers 200 with the token, showing the queue', async () => {
    const { status, samples } = await scrape(svc.url, METRICS_TOKEN);
    assert.equal(status, 200);
    assert.equal(valueOf(samples, 'whatsapp_blast_queue_depth'), 2);
    assert.equal(valueOf(samples, 'whatsapp_blast_blasts', { state: 'processing' }), 1);
    assert.equal(valueOf(samples, 'whatsapp_blast_messages_total', { outcome: 'sent', provider: 'log', sender: 'default' }), 1);
  });

  it('serves /metrics and /healthz on METRICS_PORT for ROLE=worker, with its own counters', async () => {
    assert.equal(worker.service.app, undefined, 'a worker has no API');
    const url = worker.service.metricsUrl!;
    assert.ok(url, 'metricsUrl is set');
    assert.equal((await scrape(url)).status, 401);
    const { status, samples } = await scrape(url, METRICS_TOKEN);
    assert.equal(status, 200);
    assert.equal(valueOf(samples, 'whatsapp_blast_queue_depth'), 2);
    // Same process, separate registries: the API service's sends are not counted here.
    assert.equal(valueOf(samples, 'whatsapp_blast_messages_total', { outcome: 'sent', provider: 'log', sender: 'default' }), undefined);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await fetch(`${url}/api/v1/customers`)).status, 404);
  });
});

describe('outcomes other than sent, through a fake Fonnte', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  before(async () => {
    fake = await startFakeFonnte({
      token: 'fonnte-metrics-token',
      behaviour: {
        '6281200000002': { fail: 'invalid number' }, // the recipient fails
        '6281200000003': { http: 503 }, // transient: retried, then fails
        '6281200000004': 'hang', // time-out: delivery unknown
      },
    });
    svc = await startTestService({ WA_GATEWAY: 'fonnte', FONNTE_TOKEN: 'fonnte-metrics-token', FONNTE_BASE_URL: fake.url, GATEWAY_TIMEOUT_MS: '1000', MAX_SEND_ATTEMPTS: '2' });
    const customers = await svc.api.createCustomers([1, 2, 3, 4].map((i) => ({ name: `C${i}`, phone: mobileNumber(i) })));
    const blastId = await svc.api.blastTo(customers);
    await svc.api.waitForBlast(blastId);
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  it('counts each outcome under its own label', async () => {
    const { samples } = await scrape(svc.url);
    const count = (outcome: string) => valueOf(samples, 'whatsapp_blast_messages_total', { outcome, provider: 'fonnte', sender: 'default' });
    assert.deepEqual(
      { sent: count('sent'), failed: count('failed'), retry: count('retry'), unknown: count('delivery-unknown') },
      { sent: 1, failed: 2, retry: 1, unknown: 1 },
    );
    assert.equal(valueOf(samples, 'whatsapp_blast_send_duration_seconds_count', { provider: 'fonnte' }), 5);
  });
});

/**
 * Four numbers (the environment's log gateway and three Fonnte numbers on fakes answering in
 * 5 ms, no pause) send one blast side by side, a lane each: their usual commits share one commit
 * per turn (worker/shared-statement.ts), which the histogram shows.
 */
describe('GET /metrics: the lanes of one blast commit together', () => {
  let svc: TestService;
  let fakes: FakeFonnte[];
  const RECIPIENTS = 120;
  before(async () => {
    fakes = await Promise.all([0, 1, 2].map((i) => startFakeFonnte({ token: `shared-commit-${i}-token`, latencyMs: 5 })));
    svc = await startTestService({ SECRET_KEY: randomBytes(32).toString('hex'), WORKER_CONCURRENCY: '4' });
    for (const [i, fake] of fakes.entries()) await svc.api.addFonnteSender(fake, mobileNumber(9200 + i), { pause_min_ms: 0, pause_max_ms: 0 });
    const customers = await svc.api.createCustomers(Array.from({ length: RECIPIENTS }, (_, i) => ({ name: `S${i}`, phone: mobileNumber(9300 + i) })));
    const blast = await svc.api.waitForBlast(await svc.api.blastTo(customers), undefined, 60_000);
    assert.deepEqual([blast.status, blast.sent_count], ['completed', RECIPIENTS]);
    assert.ok(fakes.every((f) => f.requests.length > 0), 'every Fonnte number sent');
  });
  after(async () => {
    await svc.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('counts the shared commits and the lanes each carried: several at once when numbers send side by side', async () => {
    const { samples } = await scrape(svc.url);
    const commits = valueOf(samples, 'whatsapp_blast_shared_commit_lanes_count') ?? 0;
    const lanes = valueOf(samples, 'whatsapp_blast_shared_commit_lanes_sum') ?? 0;
    const alone = valueOf(samples, 'whatsapp_blast_shared_commit_lanes_bucket', { le: '1' }) ?? 0;
    assert.ok(commits > 0, 'the lanes took the shared path');
    assert.ok(alone < commits, `${commits} shared commits carrying ${lanes} lanes, ${alone} of them one lane alone`);
    assert.equal(valueOf(samples, 'whatsapp_blast_shared_commit_lanes_bucket', { le: '+Inf' }), commits);
    // Never more lanes in one commit than the process runs.
    assert.equal(valueOf(samples, 'whatsapp_blast_shared_commit_lanes_bucket', { le: '4' }), commits);
  });
});
