import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assertError, startTestService, type ApiResponse, type TestService } from '../helpers.js';

const SENDERS = '/api/v1/senders';

const meta = (extra: Record<string, unknown> = {}) => ({
  provider: 'meta',
  display_number: '0812-3456-7001',
  credentials: { META_ACCESS_TOKEN: `meta-token-${randomBytes(8).toString('hex')}`, META_PHONE_NUMBER_ID: '1065403522' },
  ...extra,
});
const fonnte = (extra: Record<string, unknown> = {}) => ({
  provider: 'fonnte',
  display_number: '0812-3456-7002',
  credentials: { FONNTE_TOKEN: `fonnte-token-${randomBytes(8).toString('hex')}` },
  ...extra,
});

const rateOf = (s: Record<string, unknown>) => [s.max_in_flight, s.max_per_second, s.pause_min_ms, s.pause_max_ms];

describe('senders API: a rate per sending number', () => {
  let svc: TestService;
  before(async () => {
    // No SEND_* pacing variables: every sender shows its provider's defaults.
    svc = await startTestService({
      SECRET_KEY: randomBytes(32).toString('hex'),
      SEND_DELAY_MIN_MS: undefined,
      SEND_DELAY_MAX_MS: undefined,
      SEND_MAX_PER_SECOND: undefined,
    });
  });
  after(() => svc.stop());

  async function rows(): Promise<unknown[]> {
    return svc.service.database.db.selectFrom('senders').selectAll().orderBy('id').execute();
  }

  async function rejected(send: () => Promise<ApiResponse>, field: string): Promise<void> {
    const before = await rows();
    assertError(await send(), 422, field);
    assert.deepEqual(await rows(), before, 'a rejected request must change nothing');
  }

  it("shows each provider's default rate, and the log gateway's for the environment's sender", async () => {
    const m = await svc.api.post(SENDERS, meta());
    assert.equal(m.status, 201, JSON.stringify(m.body));
    assert.deepEqual(rateOf(m.body.data), [32, 80, 0, 0]);
    assert.equal(m.body.data.slowed_down, null);
    const f = await svc.api.post(SENDERS, fonnte());
    assert.deepEqual(rateOf(f.body.data), [1, 1, 3000, 5000]);
    const list = (await svc.api.get(SENDERS)).body.data as Record<string, unknown>[];
    assert.deepEqual(rateOf(list.find((s) => s.source === 'environment')!), [1, 1, 3000, 5000]);
  });

  it('takes its own max_in_flight and max_per_second on POST and PATCH; null goes back to the default', async () => {
    const created = await svc.api.post(SENDERS, meta({ display_number: '0812-3456-7003', max_in_flight: 20, max_per_second: 250 }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(rateOf(created.body.data), [20, 250, 0, 0]);
    const id = created.body.data.id;
    const patched = await svc.api.patch(`${SENDERS}/${id}`, { max_per_second: 1000 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(rateOf(patched.body.data), [20, 1000, 0, 0]);
    // 0: no limit on starts per second (max_in_flight and the pause alone pace the number).
    const unlimited = await svc.api.patch(`${SENDERS}/${id}`, { max_per_second: 0 });
    assert.deepEqual(rateOf(unlimited.body.data), [20, 0, 0, 0]);
    const reset = await svc.api.patch(`${SENDERS}/${id}`, { max_in_flight: null, max_per_second: null });
    assert.deepEqual(rateOf(reset.body.data), [32, 80, 0, 0]);
    assert.deepEqual(rateOf((await svc.api.get(`${SENDERS}/${id}`)).body.data), [32, 80, 0, 0]);
  });

  it('refuses values out of range or of the wrong type with a 422 that stores nothing', async () => {
    for (const bad of [0, -1, 101, 1.5, '8', true]) await rejected(() => svc.api.post(SENDERS, meta({ display_number: '0812-3456-7004', max_in_flight: bad })), 'max_in_flight');
    for (const bad of [-1, 1001, 0.5, '80']) await rejected(() => svc.api.post(SENDERS, meta({ display_number: '0812-3456-7004', max_per_second: bad })), 'max_per_second');
    const id = (await svc.api.post(SENDERS, fonnte({ display_number: '0812-3456-7005' }))).body.data.id;
    await rejected(() => svc.api.patch(`${SENDERS}/${id}`, { max_in_flight: 0 }), 'max_in_flight');
    await rejected(() => svc.api.patch(`${SENDERS}/${id}`, { max_per_second: 5000, name: 'changed' }), 'max_per_second');
    // Fonnte's default pause is 3000–5000 ms: a minimum above it alone is refused too.
    await rejected(() => svc.api.patch(`${SENDERS}/${id}`, { pause_min_ms: 6000 }), 'pause_min_ms');
  });
});
