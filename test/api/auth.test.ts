import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import { ADMIN, startTestService, type TestService, assertError } from '../helpers.js';


const LOGIN = '/api/v1/auth/login';

/** Every /api/v1 route that needs a bearer token, with a body that would be valid. */
const SECURED_ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/api/v1/customers'],
  ['POST', '/api/v1/customers', { name: 'Intruder', phone: '081234567890' }],
  ['GET', '/api/v1/customers/1'],
  ['PATCH', '/api/v1/customers/1', { name: 'Renamed by intruder' }],
  ['DELETE', '/api/v1/customers/1'],
  ['POST', '/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' }],
  ['GET', '/api/v1/whatsapp/blast/history'],
  ['GET', '/api/v1/whatsapp/blast/1'],
  ['GET', '/api/v1/whatsapp/blast/1/logs'],
  ['GET', '/api/v1/senders'],
  ['POST', '/api/v1/senders', { provider: 'log', display_number: '081234567890' }],
  ['GET', '/api/v1/senders/1'],
  ['PATCH', '/api/v1/senders/1', { state: 'paused' }],
  ['DELETE', '/api/v1/senders/1'],
];

describe('auth API', () => {
  let svc: TestService;
  let customerId: number;

  before(async () => {
    svc = await startTestService();
    const [customer] = await svc.api.createCustomers([{ name: 'Budi', phone: '081234567890' }]);
    customerId = customer!.id;
    assert.equal(customerId, 1, 'the secured-route checks below use customer 1');
  });
  after(() => svc.stop());

  async function customerCount(): Promise<number> {
    const res = await svc.api.get('/api/v1/customers?per_page=1');
    assert.equal(res.status, 200);
    return res.body.meta.total as number;
  }
  async function blastCount(): Promise<number> {
    const res = await svc.api.get('/api/v1/whatsapp/blast/history?per_page=1');
    assert.equal(res.status, 200);
    return res.body.meta.total as number;
  }

  it('logs in: 200 with token, ISO expires_at in the future, and the admin', async () => {
    const before = Date.now();
    const res = await svc.api.request('POST', LOGIN, { email: ADMIN.email, password: ADMIN.password }, { auth: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    assert.equal(typeof res.body.token, 'string');
    assert.ok(res.body.token.length >= 20, 'token should be long and random');
    assert.equal(typeof res.body.expires_at, 'string');
    assert.equal(new Date(res.body.expires_at).toISOString(), res.body.expires_at, 'expires_at must be ISO-8601 UTC');
    assert.ok(Date.parse(res.body.expires_at) > before, 'expires_at must be in the future');
    const admin = res.body.admin;
    assert.equal(typeof admin.id, 'number');
    assert.equal(admin.email, ADMIN.email);
    assert.equal(typeof admin.name, 'string');
    assert.ok(admin.name.length > 0);
    assert.ok(!('password' in admin) && !('password_hash' in admin), 'no password material in the answer');

    // The new token works.
    const check = await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false, headers: { authorization: `Bearer ${res.body.token}` } });
    assert.equal(check.status, 200);
  });

  it('two logins give two different tokens', async () => {
    const a = await svc.api.request('POST', LOGIN, ADMIN, { auth: false });
    const b = await svc.api.request('POST', LOGIN, ADMIN, { auth: false });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.notEqual(a.body.token, b.body.token);
  });

  it('accepts the email in another case', async () => {
    const res = await svc.api.request('POST', LOGIN, { email: ADMIN.email.toUpperCase(), password: ADMIN.password }, { auth: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  it('wrong password and unknown email are both 401 with the same message', async () => {
    const wrongPassword = await svc.api.request('POST', LOGIN, { email: ADMIN.email, password: 'not the password' }, { auth: false });
    const unknownEmail = await svc.api.request('POST', LOGIN, { email: 'nobody@example.com', password: ADMIN.password }, { auth: false });
    assertError(wrongPassword, 401);
    assertError(unknownEmail, 401);
    assert.equal(wrongPassword.body.message, unknownEmail.body.message, 'must not reveal which emails exist');
    assert.deepEqual(wrongPassword.body.errors, unknownEmail.body.errors);
    assert.equal(wrongPassword.body.token, undefined);
  });

  it('malformed JSON login body → 400', async () => {
    const res = await svc.api.request('POST', LOGIN, undefined, {
      auth: false,
      headers: { 'content-type': 'application/json' },
      raw: '{"email":',
    });
    assertError(res, 400);
  });

  it('login body without password → 422 naming password', async () => {
    const res = await svc.api.request('POST', LOGIN, { email: ADMIN.email }, { auth: false });
    assertError(res, 422, 'password');
  });

  it('login body with a wrongly typed field → 422 naming it', async () => {
    const res = await svc.api.request('POST', LOGIN, { email: ADMIN.email, password: 12345678 }, { auth: false });
    assertError(res, 422, 'password');
  });

  it('login body with an unknown field → 422 naming it', async () => {
    const res = await svc.api.request('POST', LOGIN, { ...ADMIN, remember: true }, { auth: false });
    assertError(res, 422, 'remember');
  });

  it('every /api/v1 route without a token → 401, and changes nothing', async () => {
    const customersBefore = await customerCount();
    const blastsBefore = await blastCount();
    for (const [method, path, body] of SECURED_ROUTES) {
      const res = await svc.api.request(method, path, body, { auth: false });
      assertError(res, 401);
      assert.equal(res.status, 401, `${method} ${path}`);
    }
    assert.equal(await customerCount(), customersBefore);
    assert.equal(await blastCount(), blastsBefore);
    const still = await svc.api.get(`/api/v1/customers/${customerId}`);
    assert.equal(still.status, 200);
    assert.equal(still.body.data.name, 'Budi');
  });

  it('a garbage bearer token → 401 on every route', async () => {
    for (const [method, path, body] of SECURED_ROUTES) {
      const res = await svc.api.request(method, path, body, { auth: false, headers: { authorization: 'Bearer this-is-not-a-token' } });
      assertError(res, 401);
    }
  });

  it('an empty bearer token → 401', async () => {
    const res = await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false, headers: { authorization: 'Bearer ' } });
    assertError(res, 401);
  });

  it('Authorization: Basic … → 401, even with the right credentials', async () => {
    const basic = Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64');
    for (const [method, path, body] of SECURED_ROUTES) {
      const res = await svc.api.request(method, path, body, { auth: false, headers: { authorization: `Basic ${basic}` } });
      assertError(res, 401);
    }
  });

  it('a valid token in the wrong scheme (Basic <token>) → 401', async () => {
    const res = await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false, headers: { authorization: `Basic ${svc.api.token}` } });
    assertError(res, 401);
  });

  it('stores tokens only as hashes', async () => {
    const token = await svc.api.login();
    const rows = await svc.service.database.db.selectFrom('admin_tokens').selectAll().execute();
    assert.ok(rows.length > 0, 'a login must store a token row');
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        assert.ok(!String(value).includes(token), `admin_tokens.${column} contains the raw token`);
      }
    }
    // And the password only as a hash.
    const admins = await svc.service.database.db.selectFrom('admins').selectAll().execute();
    assert.ok(admins.length > 0);
    for (const admin of admins) {
      for (const [column, value] of Object.entries(admin)) {
        assert.ok(!String(value).includes(ADMIN.password), `admins.${column} contains the raw password`);
      }
    }
    // The token still works (it is looked up by its hash).
    assert.equal((await svc.api.get('/api/v1/customers')).status, 200);
  });

  it('never writes the admin password (or a wrong one, or a token) to the logs', async () => {
    const wrong = 'Wrong-Password-Canary-7731';
    await svc.api.request('POST', LOGIN, { email: ADMIN.email, password: wrong }, { auth: false });
    const token = await svc.api.login();
    await svc.api.get('/api/v1/customers');
    assert.ok(svc.logs.length > 0, 'the service should have logged something');
    const all = svc.logs.join('\n');
    assert.ok(!all.includes(ADMIN.password), 'the admin password appears in the logs');
    assert.ok(!all.includes(wrong), 'a submitted password appears in the logs');
    assert.ok(!all.includes(token), 'a bearer token appears in the logs');
  });
});

describe('auth API: token expiry', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ TOKEN_TTL_HOURS: String(1 / 3600) }); // one second
  });
  after(() => svc.stop());

  it('an expired token → 401', async () => {
    const res = await svc.api.request('POST', LOGIN, ADMIN, { auth: false });
    assert.equal(res.status, 200);
    const token = res.body.token as string;
    const ttl = Date.parse(res.body.expires_at) - Date.now();
    assert.ok(ttl <= 1000, `the token should live about one second, lives ${ttl} ms`);
    if (ttl > 300) {
      // Still alive: the 401 below is due to expiry, not to a token that never worked.
      const live = await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false, headers: { authorization: `Bearer ${token}` } });
      assert.equal(live.status, 200);
    }
    await new Promise((r) => setTimeout(r, 1200));
    const after = await svc.api.request('GET', '/api/v1/customers', undefined, { auth: false, headers: { authorization: `Bearer ${token}` } });
    assertError(after, 401);
  });
});

describe('auth API: password hashes', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  const storedHash = async () =>
    (await svc.service.database.db.selectFrom('admins').select('password_hash').where('email', '=', ADMIN.email).executeTakeFirstOrThrow()).password_hash;

  it('are argon2id with 7 MiB, 5 passes, 1 lane', async () => {
    assert.match(await storedHash(), /^\$argon2id\$v=19\$m=7168,p=1,t=5\$/);
  });

  it('are computed one at a time: logins at once all succeed', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => svc.api.request('POST', LOGIN, ADMIN, { auth: false })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    assertError(await svc.api.request('POST', LOGIN, { email: 'nobody@example.com', password: 'x' }, { auth: false }), 401);
  });

  it('made with older parameters still log in, and are replaced by current ones at that login', async () => {
    // The library's defaults, which earlier releases stored: 64 MiB, 3 passes, 4 lanes.
    const old = await argon2.hash(ADMIN.password, { type: argon2.argon2id });
    assert.match(old, /m=65536,p=4,t=3/);
    await svc.service.database.db.updateTable('admins').set({ password_hash: old }).where('email', '=', ADMIN.email).execute();

    const wrong = await svc.api.request('POST', LOGIN, { email: ADMIN.email, password: 'not the password' }, { auth: false });
    assertError(wrong, 401);
    assert.equal(await storedHash(), old, 'a failed login changes nothing');

    const first = await svc.api.request('POST', LOGIN, ADMIN, { auth: false });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const rehashed = await storedHash();
    assert.match(rehashed, /^\$argon2id\$v=19\$m=7168,p=1,t=5\$/);
    assert.ok(await argon2.verify(rehashed, ADMIN.password));

    const again = await svc.api.request('POST', LOGIN, ADMIN, { auth: false });
    assert.equal(again.status, 200);
    assert.equal(await storedHash(), rehashed, 'a current hash is kept as it is');
  });
});
