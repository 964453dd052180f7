import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, mobileNumber, startTestService, type TestService } from '../helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { redactUrl, scrubLine } from '../../src/log-redaction.js';

/** No word that Fonnte's reason classifier reacts to, so an echo of it stays a recipient failure. */
const FONNTE_TOKEN = 'F0nnteS3cretXYZ987abcdef';
const WEBHOOK_TOKEN = 'WebhookPathS3cret-0123456789';
const QUERY_SECRET = 'QuerySecretValue-42abc';
const WRONG_PASSWORD = 'a wrong guess at the password';
const ECHOING_TARGET = '6281200000002';
const FAILING_TARGET = '6281200000003';

describe('structured logs: request ids, and no secret ever written', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  let bearer: string;

  before(async () => {
    fake = await startFakeFonnte({
      token: FONNTE_TOKEN,
      behaviour: {
        // A provider error that echoes our credential back at us.
        [ECHOING_TARGET]: { fail: `number not registered (request signed with ${FONNTE_TOKEN})` },
        [FAILING_TARGET]: { http: 500, body: `internal error for ${FONNTE_TOKEN}` },
      },
    });
    svc = await startTestService({
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN,
      FONNTE_BASE_URL: fake.url,
      FONNTE_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      LOG_LEVEL: 'trace',
      MAX_SEND_ATTEMPTS: '2',
    });
    bearer = svc.api.token!;

    // Log in (right and wrong), use the API, send, fail at the provider, receive a webhook.
    assert.equal((await svc.api.request('POST', '/api/v1/auth/login', { email: ADMIN.email, password: WRONG_PASSWORD }, { auth: false })).status, 401);
    const malformed = await svc.api.request('POST', '/api/v1/auth/login', undefined, {
      auth: false,
      headers: { 'content-type': 'application/json' },
      raw: `{"email":"${ADMIN.email}","password":"${WRONG_PASSWORD}"`,
    });
    assert.equal(malformed.status, 400);
    const customers = await svc.api.createCustomers([
      { name: 'Budi', phone: mobileNumber(1) },
      { name: 'Sari', phone: mobileNumber(2) },
      { name: 'Andi', phone: mobileNumber(3) },
    ]);
    const done = await svc.api.waitForBlast(await svc.api.blastTo(customers));
    assert.deepEqual([done.sent_count, done.failed_count], [1, 2], JSON.stringify(done));
    assert.ok(fake.requests.some((r) => r.headers.authorization === FONNTE_TOKEN), 'the token was really used');
    const webhook = await svc.api.request('POST', `/webhooks/fonnte/${WEBHOOK_TOKEN}`, { id: '1', state: 'read' }, { auth: false });
    assert.equal(webhook.status, 200, JSON.stringify(webhook.body));
    assert.equal((await svc.api.request('GET', `/healthz?access_token=${QUERY_SECRET}`, undefined, { auth: false })).status, 200);
    await svc.api.get('/api/v1/customers?per_page=1');
  });
  after(async () => {
    await svc.stop();
    await fake.close();
  });

  const lines = () => svc.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean);

  it('the logs did see the provider errors (so the checks below mean something)', () => {
    const failures = lines().filter((l) => l.includes('"send failed"'));
    assert.ok(failures.length >= 2, `send failures logged: ${failures.length}`);
    assert.ok(failures.some((l) => l.includes('number not registered (request signed with [redacted])')));
  });

  for (const [what, secret] of [
    ['the admin password', ADMIN.password],
    ['a wrong password someone tried', WRONG_PASSWORD],
    ['the bearer token', () => bearer],
    ['FONNTE_TOKEN', FONNTE_TOKEN],
    ['the webhook path secret', WEBHOOK_TOKEN],
    ['a secret in a query string', QUERY_SECRET],
  ] as const) {
    it(`never writes ${what}`, () => {
      const value = typeof secret === 'function' ? secret() : secret;
      const leaks = lines().filter((l) => l.includes(value));
      assert.deepEqual(leaks, [], `${what} appears in the logs`);
    });
  }

  it('puts a request id on every request log line', () => {
    const requestLines = lines().map((l) => JSON.parse(l)).filter((l) => l.req || l.res);
    assert.ok(requestLines.length >= 10, `request lines: ${requestLines.length}`);
    for (const line of requestLines) assert.equal(typeof line.reqId, 'string', JSON.stringify(line));
    const webhookLine = requestLines.find((l) => l.req?.url?.startsWith('/webhooks/fonnte/'));
    assert.equal(webhookLine?.req.url, '/webhooks/fonnte/[redacted]');
  });

  it('answers with the request id, keeping a sane incoming one and replacing anything else', async () => {
    const fresh = await svc.api.get('/api/v1/customers');
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const given = await svc.api.request('GET', '/api/v1/customers', undefined, { headers: { 'x-request-id': 'trace-abc.123' } });
    assert.equal(given.headers.get('x-request-id'), 'trace-abc.123');
    assert.ok(lines().some((l) => JSON.parse(l).reqId === 'trace-abc.123'), 'the incoming id is the one logged');

    const odd = await svc.api.request('GET', '/api/v1/customers', undefined, { headers: { 'x-request-id': `x${'y'.repeat(300)}` } });
    assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const failed = await svc.api.request('GET', '/api/v1/customers/999999');
    assert.equal(failed.status, 404);
    assert.ok(failed.headers.get('x-request-id'), 'error answers carry it too');
  });
});

describe('log redaction helpers', () => {
  it('redacts webhook path secrets and credential-like query parameters only', () => {
    assert.equal(redactUrl('/webhooks/fonnte/abcdef?x=1'), '/webhooks/fonnte/[redacted]?x=1');
    assert.equal(redactUrl('/webhooks/meta?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42'), '/webhooks/meta?hub.mode=subscribe&hub.verify_token=%5Bredacted%5D&hub.challenge=42');
    assert.equal(redactUrl('/api/v1/customers?page=2'), '/api/v1/customers?page=2');
    assert.equal(redactUrl('/api/v1/customers'), '/api/v1/customers');
  });

  it('scrubs secrets as written and as JSON-escaped', () => {
    const secret = 'quote"and\\slash';
    const line = JSON.stringify({ msg: `echo ${secret}` });
    assert.equal(scrubLine(line, new Set([secret])), JSON.stringify({ msg: 'echo [redacted]' }));
  });
});
