import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptCredentials } from '../../src/senders/credentials-cipher.js';
import { activeSenderIdsExist } from '../../src/senders/senders.repository.js';
import { startFakeTwilio } from '../fakes/twilio-fake.js';
import { mobileNumber, startTestService, type ApiResponse, type TestService, assertError } from '../helpers.js';

const SECRET_KEY = randomBytes(32).toString('hex');
const TOKEN = `fonnte-token-${randomBytes(12).toString('hex')}`;
const NEW_TOKEN = `fonnte-token-${randomBytes(12).toString('hex')}`;
const SENDERS = '/api/v1/senders';

const isIso = (value: unknown) => typeof value === 'string' && new Date(value).toISOString() === value;

/** A valid fonnte sender; `extra` overrides or adds fields. */
const fonnteSender = (extra: Record<string, unknown> = {}) => ({
  name: 'Toko Bandung',
  provider: 'fonnte',
  display_number: '0812-3456-7890',
  credentials: { FONNTE_TOKEN: TOKEN },
  ...extra,
});

describe('senders API', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SECRET_KEY });
  });
  after(() => svc.stop());

  const db = () => svc.service.database.db;

  /** Rows in the table, deleted ones included: a rejected request must add none. */
  async function rowCount(): Promise<number> {
    const { n } = await db().selectFrom('senders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  async function rejected(send: () => Promise<ApiResponse>, status: number, field?: string): Promise<ApiResponse> {
    const before = await rowCount();
    const res = await send();
    assertError(res, status, field);
    assert.equal(await rowCount(), before, 'a rejected request must store nothing');
    return res;
  }

  async function create(body: Record<string, unknown>): Promise<any> {
    const res = await svc.api.post(SENDERS, body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data;
  }

  async function environmentSender(): Promise<any> {
    const res = await svc.api.get(SENDERS);
    return res.body.data.find((s: { source: string }) => s.source === 'environment');
  }

  it('answers 401 without a token', async () => {
    for (const [method, body] of [['GET'], ['POST', fonnteSender()], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const path = method === 'GET' || method === 'POST' ? SENDERS : `${SENDERS}/1`;
      assertError(await svc.api.request(method, path, body, { auth: false }), 401);
    }
  });

  it("lists the environment's sender, with source 'environment' and no credentials", async () => {
    const res = await svc.api.get(SENDERS);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    const env = await environmentSender();
    assert.ok(env, JSON.stringify(res.body.data));
    assert.equal(env.provider, 'log');
    assert.equal(env.has_credentials, false);
    assert.equal(env.state, 'active');
    assert.equal(env.pause_min_ms, 0, 'SEND_DELAY_MIN_MS of the tests');
    assert.ok(!('credentials' in env) && !('key' in env));
  });

  it('creates, reads, changes and deletes a sender', async () => {
    const created = await create(fonnteSender({ daily_cap: 100, warmup: { start_cap: 10, days: 9 }, pause_min_ms: 1000, pause_max_ms: 2000 }));
    assert.equal(typeof created.id, 'number');
    assert.equal(created.name, 'Toko Bandung');
    assert.equal(created.provider, 'fonnte');
    assert.equal(created.display_number, '6281234567890');
    assert.equal(created.source, 'api');
    assert.equal(created.has_credentials, true);
    assert.equal(created.pause_min_ms, 1000);
    assert.equal(created.pause_max_ms, 2000);
    assert.equal(created.daily_cap, 100);
    assert.equal(created.warmup.start_cap, 10);
    assert.equal(created.warmup.days, 9);
    assert.ok(isIso(created.warmup.started_at));
    assert.equal(created.today.sent, 0);
    assert.equal(created.today.cap, 10, 'day 0 of the warm-up');
    assert.match(created.today.day, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(created.state, 'active');
    assert.equal(created.paused_reason, null);
    assert.equal(created.paused_by, null);
    assert.equal(created.paused_at, null);
    assert.equal(created.resting_until, null);
    assert.ok(isIso(created.created_at) && isIso(created.updated_at));

    const one = await svc.api.get(`${SENDERS}/${created.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.data, created);
    const list = await svc.api.get(SENDERS);
    const ids = list.body.data.map((s: { id: number }) => s.id);
    assert.ok(ids.includes(created.id));
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b), 'ordered by id');

    const patched = await svc.api.patch(`${SENDERS}/${created.id}`, { name: 'Toko Medan', display_number: '+62 813 0000 0042', daily_cap: 50, warmup: null });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.data.name, 'Toko Medan');
    assert.equal(patched.body.data.display_number, '6281300000042');
    assert.equal(patched.body.data.daily_cap, 50);
    assert.equal(patched.body.data.warmup, null);
    assert.equal(patched.body.data.today.cap, 50);
    assert.equal(patched.body.data.has_credentials, true, 'credentials are kept when not given');

    const defaults = await svc.api.patch(`${SENDERS}/${created.id}`, { pause_min_ms: null, pause_max_ms: null, daily_cap: null });
    assert.equal(defaults.status, 200, JSON.stringify(defaults.body));
    assert.equal(defaults.body.data.pause_min_ms, 0);
    assert.equal(defaults.body.data.pause_max_ms, 0);
    assert.equal(defaults.body.data.daily_cap, null);
    assert.equal(defaults.body.data.today.cap, null);

    const deleted = await svc.api.delete(`${SENDERS}/${created.id}`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.deepEqual(deleted.body, { success: true, data: { id: created.id, deleted: true } });
    assertError(await svc.api.get(`${SENDERS}/${created.id}`), 404);
    assertError(await svc.api.patch(`${SENDERS}/${created.id}`, { name: 'again' }), 404);
    assertError(await svc.api.delete(`${SENDERS}/${created.id}`), 404);
    const after = await svc.api.get(SENDERS);
    assert.ok(!after.body.data.some((s: { id: number }) => s.id === created.id), 'a deleted sender is not listed');
    const row = await db().selectFrom('senders').select(['credentials', 'deleted_at']).where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.equal(row.credentials, null, 'deleting erases the stored credentials');
    assert.notEqual(row.deleted_at, null);
  });

  it('answers 404 for an unknown sender', async () => {
    assertError(await svc.api.get(`${SENDERS}/999999`), 404);
    assertError(await svc.api.patch(`${SENDERS}/999999`, { name: 'x' }), 404);
    assertError(await svc.api.delete(`${SENDERS}/999999`), 404);
  });

  it('keeps credentials out of answers and logs, and stores them encrypted', async () => {
    const res = await svc.api.post(SENDERS, fonnteSender());
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.data.id as number;
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(TOKEN), 'the answer must not carry the token');
    assert.ok(!JSON.stringify((await svc.api.get(`${SENDERS}/${id}`)).body).includes(TOKEN));
    assert.ok(!JSON.stringify((await svc.api.get(SENDERS)).body).includes(TOKEN));

    const row = await db().selectFrom('senders').select(['credentials', 'key']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.match(row.key, /^api-[0-9a-f-]{36}$/);
    assert.equal(typeof row.credentials, 'string');
    assert.ok(!row.credentials!.includes(TOKEN), 'the column must not hold the token in plain text');
    assert.deepEqual(decryptCredentials(Buffer.from(SECRET_KEY, 'hex'), id, row.credentials!), { FONNTE_TOKEN: TOKEN });

    // A rejected value is not echoed either.
    const bad = await svc.api.post(SENDERS, fonnteSender({ credentials: { FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: `ftp://${TOKEN}` } }));
    assertError(bad, 422, 'credentials');
    assert.ok(!JSON.stringify(bad.body).includes(TOKEN));

    await svc.api.patch(`${SENDERS}/${id}`, { credentials: { FONNTE_TOKEN: NEW_TOKEN } });
    const logs = svc.logs.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(TOKEN) && !logs.includes(NEW_TOKEN), 'no log line may carry a token');
  });

  describe('validation (422, nothing stored)', () => {
    it('rejects an unknown provider, listing the known ones', async () => {
      const res = await rejected(() => svc.api.post(SENDERS, fonnteSender({ provider: 'whatsapp-web' })), 422, 'provider');
      const message = res.body.errors.find((e: { field: string }) => e.field === 'provider').message;
      for (const name of ['fonnte', 'log', 'meta', 'twilio', 'watzap']) assert.match(message, new RegExp(name));
    });

    it('rejects a display number that is not a mobile number, or none', async () => {
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ display_number: '12345' })), 422, 'display_number');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ display_number: 'call me' })), 422, 'display_number');
      const { display_number: _, ...withoutNumber } = fonnteSender();
      await rejected(() => svc.api.post(SENDERS, withoutNumber), 422, 'display_number');
    });

    it('rejects an unknown credential key, naming the known ones', async () => {
      const res = await rejected(() => svc.api.post(SENDERS, fonnteSender({ credentials: { FONNTE_TOKN: TOKEN } })), 422, 'credentials.FONNTE_TOKN');
      assert.match(JSON.stringify(res.body.errors), /FONNTE_TOKEN/);
      await rejected(() => svc.api.post(SENDERS, { provider: 'log', display_number: '081234567890', credentials: { TOKEN: 'abcdef' } }), 422, 'credentials.TOKEN');
    });

    it('rejects a provider whose required credentials are missing', async () => {
      const res = await rejected(() => svc.api.post(SENDERS, fonnteSender({ credentials: {} })), 422, 'credentials');
      assert.match(JSON.stringify(res.body.errors), /FONNTE_TOKEN is required/);
      const { credentials: _, ...withoutCredentials } = fonnteSender();
      await rejected(() => svc.api.post(SENDERS, withoutCredentials), 422, 'credentials');
      // Twilio checks that it has a sender of its own (TWILIO_FROM or a messaging service).
      const twilio = { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'twilio-auth-token' };
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ provider: 'twilio', credentials: twilio })), 422, 'credentials');
    });

    it('takes a Twilio number as Twilio writes it (whatsapp:+14155238886) and sends from it', async () => {
      const twilio = await startFakeTwilio();
      try {
        const credentials = {
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM: 'whatsapp:+14155238886',
          TWILIO_BASE_URL: twilio.url,
        };
        const sender = await create({ name: 'Twilio console form', provider: 'twilio', display_number: '0812-3456-7891', credentials });
        const [customer] = await svc.api.createCustomers([{ name: 'Budi', phone: mobileNumber(77) }]);
        const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo {name}', sender_ids: [sender.id] });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        assert.equal((await svc.api.waitForBlast(res.body.blast_id)).sent_count, 1);
        assert.equal(twilio.requests[0]?.form.From, 'whatsapp:+14155238886');
        await svc.api.delete(`${SENDERS}/${sender.id}`);
      } finally {
        await twilio.close();
      }
    });

    it('rejects a pause range whose minimum exceeds its maximum', async () => {
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ pause_min_ms: 5000, pause_max_ms: 1000 })), 422, 'pause_min_ms');
      // The tests' SEND_DELAY_MAX_MS is 0: a minimum alone above it is as wrong.
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ pause_min_ms: 500 })), 422, 'pause_min_ms');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ pause_min_ms: -1 })), 422, 'pause_min_ms');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ pause_max_ms: 1.5 })), 422, 'pause_max_ms');
    });

    it('rejects a warm-up without a daily cap, or starting above it', async () => {
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ warmup: { start_cap: 10, days: 7 } })), 422, 'warmup');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ daily_cap: 50, warmup: { start_cap: 60, days: 7 } })), 422, 'warmup.start_cap');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ daily_cap: 50, warmup: { start_cap: 10, days: 366 } })), 422, 'warmup.days');
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ daily_cap: 0 })), 422, 'daily_cap');
    });

    it('rejects unknown fields, and provider on PATCH', async () => {
      await rejected(() => svc.api.post(SENDERS, fonnteSender({ colour: 'green' })), 422, 'colour');
      const sender = await create(fonnteSender());
      await rejected(() => svc.api.patch(`${SENDERS}/${sender.id}`, { provider: 'log' }), 422, 'provider');
      await rejected(() => svc.api.patch(`${SENDERS}/${sender.id}`, {}), 422);
      await rejected(() => svc.api.patch(`${SENDERS}/${sender.id}`, { warmup: { start_cap: 5, days: 3 } }), 422, 'warmup');
      await rejected(() => svc.api.patch(`${SENDERS}/${sender.id}`, { paused_reason: 'no state' }), 422, 'paused_reason');
      assert.equal((await svc.api.get(`${SENDERS}/${sender.id}`)).body.data.warmup, null, 'a rejected PATCH changes nothing');
    });
  });

  it('pauses and resumes a sender', async () => {
    const sender = await create(fonnteSender());
    const paused = await svc.api.patch(`${SENDERS}/${sender.id}`, { state: 'paused' });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.data.state, 'paused');
    assert.equal(paused.body.data.paused_by, 'admin');
    assert.equal(paused.body.data.paused_reason, 'paused by an admin');
    assert.ok(isIso(paused.body.data.paused_at));

    const reason = await svc.api.patch(`${SENDERS}/${sender.id}`, { state: 'paused', paused_reason: 'device being replaced' });
    assert.equal(reason.body.data.paused_reason, 'device being replaced');

    const active = await svc.api.patch(`${SENDERS}/${sender.id}`, { state: 'active' });
    assert.equal(active.status, 200);
    assert.equal(active.body.data.state, 'active');
    assert.equal(active.body.data.paused_reason, null);
    assert.equal(active.body.data.paused_by, null);
    assert.equal(active.body.data.paused_at, null);

    const createdPaused = await create(fonnteSender({ state: 'paused' }));
    assert.equal(createdPaused.state, 'paused');
    assert.equal(createdPaused.paused_by, 'admin');
  });

  it('new credentials resume a sender the provider stopped, but not one an admin paused', async () => {
    const sender = await create(fonnteSender());
    const fingerprint = async () =>
      (await db().selectFrom('senders').select('credentials_fingerprint').where('id', '=', sender.id).executeTakeFirstOrThrow()).credentials_fingerprint;
    const before = await fingerprint();
    await db()
      .updateTable('senders')
      .set({ paused_reason: 'fonnte: invalid token', paused_by: 'provider', paused_at: Date.now() })
      .where('id', '=', sender.id)
      .execute();
    const stopped = (await svc.api.get(`${SENDERS}/${sender.id}`)).body.data;
    assert.equal(stopped.state, 'paused');
    assert.equal(stopped.paused_by, 'provider');

    const fixed = await svc.api.patch(`${SENDERS}/${sender.id}`, { credentials: { FONNTE_TOKEN: NEW_TOKEN } });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.equal(fixed.body.data.state, 'active');
    assert.equal(fixed.body.data.paused_by, null);
    assert.notEqual(await fingerprint(), before, 'new credentials, new fingerprint');
    const row = await db().selectFrom('senders').select('credentials').where('id', '=', sender.id).executeTakeFirstOrThrow();
    assert.deepEqual(decryptCredentials(Buffer.from(SECRET_KEY, 'hex'), sender.id, row.credentials!), { FONNTE_TOKEN: NEW_TOKEN });

    await svc.api.patch(`${SENDERS}/${sender.id}`, { state: 'paused' });
    const still = await svc.api.patch(`${SENDERS}/${sender.id}`, { credentials: { FONNTE_TOKEN: TOKEN } });
    assert.equal(still.status, 200);
    assert.equal(still.body.data.state, 'paused');
    assert.equal(still.body.data.paused_by, 'admin');
  });

  it('a new daily cap or resuming ends a rest after the cap was reached', async () => {
    const sender = await create(fonnteSender({ daily_cap: 10 }));
    const rest = () => db().updateTable('senders').set({ resting_until: Date.now() + 3_600_000 }).where('id', '=', sender.id).execute();
    await rest();
    assert.ok(isIso((await svc.api.get(`${SENDERS}/${sender.id}`)).body.data.resting_until));
    assert.equal((await svc.api.patch(`${SENDERS}/${sender.id}`, { daily_cap: 20 })).body.data.resting_until, null);
    await rest();
    assert.equal((await svc.api.patch(`${SENDERS}/${sender.id}`, { state: 'active' })).body.data.resting_until, null);
    await rest();
    assert.ok(isIso((await svc.api.patch(`${SENDERS}/${sender.id}`, { name: 'renamed' })).body.data.resting_until), 'a rename does not');
  });

  it("refuses credentials and deletion for the environment's sender, allows the rest", async () => {
    const env = await environmentSender();
    assertError(await svc.api.patch(`${SENDERS}/${env.id}`, { credentials: { FONNTE_TOKEN: TOKEN } }), 409);
    assertError(await svc.api.delete(`${SENDERS}/${env.id}`), 409);
    const paused = await svc.api.patch(`${SENDERS}/${env.id}`, { state: 'paused', name: 'Main number', daily_cap: 1000 });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.data.state, 'paused');
    assert.equal(paused.body.data.name, 'Main number');
    assert.equal(paused.body.data.source, 'environment');
    const resumed = await svc.api.patch(`${SENDERS}/${env.id}`, { state: 'active', daily_cap: null });
    assert.equal(resumed.body.data.state, 'active');
    assert.equal((await svc.api.get(`${SENDERS}/${env.id}`)).status, 200);
  });

  it('activeSenderIdsExist names the existing, undeleted senders among the ids', async () => {
    const env = await environmentSender();
    const kept = await create(fonnteSender());
    const gone = await create(fonnteSender());
    await svc.api.delete(`${SENDERS}/${gone.id}`);
    assert.deepEqual((await activeSenderIdsExist(db(), [env.id, kept.id, gone.id, 999_999])).sort((a, b) => a - b), [env.id, kept.id]);
    assert.deepEqual(await activeSenderIdsExist(db(), []), []);
  });
});

describe('senders API without SECRET_KEY', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SECRET_KEY: undefined });
  });
  after(() => svc.stop());

  it('refuses credentials with 503 and stores nothing', async () => {
    const before = (await svc.api.get(SENDERS)).body.data.length;
    const res = await svc.api.post(SENDERS, fonnteSender());
    assertError(res, 503);
    assert.match(res.body.message, /SECRET_KEY/);
    assert.equal((await svc.api.get(SENDERS)).body.data.length, before);
    const { n } = await svc.service.database.db
      .selectFrom('senders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(n), before);
  });

  it('adds a sender whose provider needs no credentials', async () => {
    const res = await svc.api.post(SENDERS, { provider: 'log', display_number: '081234567890' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.data.provider, 'log');
    assert.equal(res.body.data.has_credentials, false);
    assert.equal(res.body.data.name, null);
    assertError(await svc.api.patch(`${SENDERS}/${res.body.data.id}`, { credentials: { TOKEN: 'x' } }), 422, 'credentials.TOKEN');
  });
});

describe("the environment's sender across a restart with new credentials", () => {
  it("keeps an admin's pause (only a provider's pause is lifted by new credentials)", async () => {
    const env = (token: string) => ({ WA_GATEWAY: 'fonnte', FONNTE_TOKEN: token, FONNTE_BASE_URL: 'http://127.0.0.1:9' });
    const first = await startTestService(env('first-token-aaaa'));
    try {
      const own = (await first.api.get('/api/v1/senders')).body.data.find((s: { source: string }) => s.source === 'environment');
      assert.equal((await first.api.patch(`/api/v1/senders/${own.id}`, { state: 'paused', paused_reason: 'number under review' })).status, 200);
      await first.service.stop();
      const second = await startTestService(env('second-token-bbbb'), first.db);
      try {
        const after = (await second.api.get(`/api/v1/senders/${own.id}`)).body.data;
        assert.deepEqual([after.state, after.paused_by, after.paused_reason], ['paused', 'admin', 'number under review']);
      } finally {
        await second.service.stop();
      }
    } finally {
      await first.db.drop();
    }
  });
});
