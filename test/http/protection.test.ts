import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, assertError, startTestService, type ApiResponse, type TestService } from '../helpers.js';
import { ensureAdmin } from '../../src/auth/auth.service.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const LOGIN = '/api/v1/auth/login';
const OTHER = { email: 'second@example.com', password: 'another long password' };

function assertRateLimited(res: ApiResponse): void {
  assertError(res, 429);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${res.headers.get('retry-after')}`);
}

describe('login brute force, with the production limits (10 per IP, 5 per email, a minute)', () => {
  let svc: TestService;
  const login = (body: { email: string; password: string }) => svc.api.request('POST', LOGIN, body, { auth: false });

  before(async () => {
    // Undefined drops the test suite's raised limits: the defaults apply.
    svc = await startTestService({ LOGIN_RATE_LIMIT_PER_IP: undefined, LOGIN_RATE_LIMIT_PER_EMAIL: undefined });
    await ensureAdmin(svc.service.database.db, OTHER, Date.now());
  });
  after(() => svc.stop());

  it('stops one email after 5 attempts and one address after 10, while others still log in', async () => {
    // startTestService logged in once already: attempt 1 for ADMIN and for this address.
    for (let i = 2; i <= 5; i++) assert.equal((await login({ email: ADMIN.email, password: `guess ${i}` })).status, 401);
    const locked = await login(ADMIN);
    assertRateLimited(locked);
    assert.match(locked.body.message, /email/);
    assert.equal(locked.body.token, undefined, 'even the right password gets no token');

    // Another account from the same address is not locked by the first one's limit (attempt 7 here).
    const other = await login(OTHER);
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal(typeof other.body.token, 'string');

    for (let i = 8; i <= 10; i++) assert.equal((await login({ email: `nobody${i}@example.com`, password: 'x' })).status, 401);
    const blocked = await login(OTHER);
    assertRateLimited(blocked);
    assert.match(blocked.body.message, /address/);
  });

  it('does not limit the other routes by the login limits', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await svc.api.get('/api/v1/customers')).status, 200);
  });

  it('sends security headers; the API forbids everything in its CSP, the docs allow only their own files', async () => {
    const res = await svc.api.get('/api/v1/customers');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    assert.ok(res.headers.get('x-frame-options'));
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
    const docs = await fetch(`${svc.url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  });

  it('sends no CORS headers at all when CORS_ORIGINS is unset', async () => {
    const res = await svc.api.request('GET', '/api/v1/customers', undefined, { headers: { origin: 'https://app.example.com' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${svc.url}/api/v1/customers`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('refuses bodies over the limit with 413 (1 MB for JSON)', async () => {
    const res = await svc.api.patch('/api/v1/customers/1', { name: 'x'.repeat(1024 * 1024 + 10) });
    assertError(res, 413);
  });
});

describe('API calls per token, CORS', () => {
  let svc: TestService;
  const ALLOWED = 'https://app.example.com';

  before(async () => {
    svc = await startTestService({ API_RATE_LIMIT_PER_MINUTE: '5', CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
  });
  after(() => svc.stop());

  it('answers 429 with Retry-After after the limit, counted per token', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await svc.api.get('/api/v1/customers');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), '5');
      assert.equal(res.headers.get('x-ratelimit-remaining'), String(5 - i));
    }
    assertRateLimited(await svc.api.get('/api/v1/customers'));
    assertRateLimited(await svc.api.post('/api/v1/customers', { name: 'Budi', phone: '081234567890' }));

    // A second token has its own allowance; logging in is not an API call.
    const first = svc.api.token;
    await svc.api.login();
    assert.notEqual(svc.api.token, first);
    assert.equal((await svc.api.get('/api/v1/customers')).status, 200);
  });

  it('counts calls without a token per address', async () => {
    for (let i = 1; i <= 5; i++) assert.equal((await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false })).status, 401);
    assertRateLimited(await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false }));
    // Health checks and metrics are not API calls.
    for (let i = 0; i < 8; i++) assert.equal((await svc.api.request('GET', '/healthz', undefined, { auth: false })).status, 200);
  });

  it('allows the configured origins, and only them', async () => {
    const allowed = await svc.api.request('GET', '/healthz', undefined, { headers: { origin: ALLOWED } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /x-request-id/);

    const preflight = await fetch(`${svc.url}/api/v1/customers`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);

    const other = await svc.api.request('GET', '/healthz', undefined, { headers: { origin: 'https://evil.example.com' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});

describe('protection settings', () => {
  const base = { DATA_DIR: '/tmp/unused' };
  it('accepts exact origins and refuses anything else, naming CORS_ORIGINS', () => {
    assert.deepEqual(loadConfig({ ...base, CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsOrigins, ['https://a.example.com', 'http://localhost:5173']);
    assert.deepEqual(loadConfig(base).corsOrigins, []);
    for (const bad of ['*', 'https://a.example.com/', 'a.example.com', 'https://a.example.com/path', 'ftp://a.example.com']) {
      assert.throws(() => loadConfig({ ...base, CORS_ORIGINS: bad }), (e: Error) => e instanceof ConfigError && /CORS_ORIGINS/.test(e.message), bad);
    }
  });

  it('has production defaults and checks the limits', () => {
    const config = loadConfig(base);
    assert.deepEqual([config.loginRateLimitPerIp, config.loginRateLimitPerEmail, config.apiRateLimitPerMinute], [10, 5, 600]);
    assert.throws(() => loadConfig({ ...base, LOGIN_RATE_LIMIT_PER_IP: '0' }), /LOGIN_RATE_LIMIT_PER_IP/);
    assert.throws(() => loadConfig({ ...base, API_RATE_LIMIT_PER_MINUTE: 'many' }), /API_RATE_LIMIT_PER_MINUTE/);
    assert.throws(() => loadConfig({ ...base, METRICS_TOKEN: 'short' }), /METRICS_TOKEN/);
  });
});
