import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, startTestService, type ApiResponse, type TestService, assertError } from '../helpers.js';


const isIso = (value: unknown) => typeof value === 'string' && new Date(value).toISOString() === value;

describe('customers API', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  async function total(): Promise<number> {
    const res = await svc.api.get('/api/v1/customers?per_page=1');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.meta.total as number;
  }

  /** Sends a request that must be rejected with `status`, and checks that nothing was stored. */
  async function rejected(send: () => Promise<ApiResponse>, status: number, field?: string): Promise<ApiResponse> {
    const before = await total();
    const res = await send();
    assertError(res, status, field);
    assert.equal(await total(), before, 'a rejected request must store nothing');
    return res;
  }

  describe('create', () => {
    it('creates one customer: 201, sanitised whatsapp_number, phone kept as entered', async () => {
      const res = await svc.api.post('/api/v1/customers', {
        name: 'Budi Santoso',
        phone: '+62 812-3456.7890',
        attributes: { city: 'Bandung', points: 120 },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.success, true);
      assert.ok(Array.isArray(res.body.data));
      assert.equal(res.body.data.length, 1);
      const c = res.body.data[0];
      assert.equal(typeof c.id, 'number');
      assert.equal(c.name, 'Budi Santoso');
      assert.equal(c.phone, '+62 812-3456.7890');
      assert.equal(c.whatsapp_number, '6281234567890');
      assert.equal(c.phone_error, null);
      assert.equal(c.status, 'active');
      assert.deepEqual(c.attributes, { city: 'Bandung', points: 120 });
      assert.ok(isIso(c.created_at));
    });

    it('turns a leading 0 into the country code', async () => {
      const [c] = (await svc.api.post('/api/v1/customers', { name: 'Siti', phone: '0812 0000 0042' })).body.data;
      assert.equal(c.whatsapp_number, '6281200000042');
      assert.equal(c.phone_error, null);
    });

    it('stores an invalid phone with phone_error and no whatsapp_number (not rejected)', async () => {
      const res = await svc.api.post('/api/v1/customers', { name: 'Wrong Number', phone: '12345' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const c = res.body.data[0];
      assert.equal(c.whatsapp_number, null);
      assert.equal(typeof c.phone_error, 'string');
      assert.ok(c.phone_error.length > 0);
      assert.equal(c.phone, '12345');
      const stored = await svc.api.get(`/api/v1/customers/${c.id}`);
      assert.equal(stored.status, 200);
      assert.equal(stored.body.data.whatsapp_number, null);
      assert.equal(stored.body.data.phone_error, c.phone_error);
    });

    it('stores a customer without a phone, saying so', async () => {
      const res = await svc.api.post('/api/v1/customers', { name: 'No Phone' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.data[0].whatsapp_number, null);
      assert.equal(typeof res.body.data[0].phone_error, 'string');
    });

    it('creates 5,000 customers (the most per request) in one request; 5,001 → 422', async () => {
      const before = await total();
      const customers = Array.from({ length: 5_000 }, (_, i) => ({
        name: `Bulk ${i}`,
        phone: mobileNumber(100_000 + i),
        status: 'bulk',
        attributes: { batch: 'b1', n: i },
      }));
      const res = await svc.api.post('/api/v1/customers', { customers });
      assert.equal(res.status, 201, typeof res.body === 'string' ? res.body : JSON.stringify(res.body).slice(0, 500));
      assert.equal(res.body.success, true);
      assert.equal(res.body.data.length, 5_000);
      assert.deepEqual([res.body.created, res.body.updated, res.body.unchanged], [5_000, 0, 0]);
      const ids = res.body.data.map((c: { id: number }) => c.id);
      assert.ok(ids.every((id: unknown) => typeof id === 'number'));
      assert.equal(new Set(ids).size, 5_000, 'every customer gets its own id');
      assert.ok(res.body.data.every((c: { phone_error: unknown }) => c.phone_error === null));
      assert.equal(await total(), before + 5_000);
      const listed = await svc.api.get('/api/v1/customers?status=bulk&per_page=1');
      assert.equal(listed.body.meta.total, 5_000);
      await rejected(() => svc.api.post('/api/v1/customers', { customers: [...customers, { name: 'One too many' }] }), 422, 'customers');
    });
  });

  describe('list', () => {
    before(async () => {
      await svc.api.createCustomers([
        { name: 'Zebulon Alpha', phone: mobileNumber(501), status: 'vip-list' },
        { name: 'Zebulon Beta', phone: mobileNumber(502), status: 'vip-list' },
        { name: 'Yolanda Gamma', phone: mobileNumber(503), status: 'vip-list' },
        { name: 'Zebulon Delta', phone: mobileNumber(504), status: 'lapsed-list' },
      ]);
    });

    it('returns pagination meta {page, per_page, total} with the defaults', async () => {
      const res = await svc.api.get('/api/v1/customers');
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.equal(res.body.meta.page, 1);
      assert.equal(res.body.meta.per_page, 20);
      assert.equal(typeof res.body.meta.total, 'number');
      assert.ok(res.body.meta.total >= 5_004);
      assert.equal(res.body.data.length, 20);
    });

    it('filters by status', async () => {
      const res = await svc.api.get('/api/v1/customers?status=vip-list');
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 3);
      assert.deepEqual(res.body.data.map((c: { name: string }) => c.name).sort(), ['Yolanda Gamma', 'Zebulon Alpha', 'Zebulon Beta']);
      assert.ok(res.body.data.every((c: { status: string }) => c.status === 'vip-list'));
    });

    it('searches by name, case-insensitively', async () => {
      const res = await svc.api.get('/api/v1/customers?search=zebulon');
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 3);
      assert.ok(res.body.data.every((c: { name: string }) => c.name.startsWith('Zebulon')));
    });

    it('searches by phone number', async () => {
      const res = await svc.api.get(`/api/v1/customers?search=${encodeURIComponent(mobileNumber(503))}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 1);
      assert.equal(res.body.data[0].name, 'Yolanda Gamma');
    });

    it('combines status and search', async () => {
      const res = await svc.api.get('/api/v1/customers?status=vip-list&search=Zebulon');
      assert.equal(res.body.meta.total, 2);
      assert.deepEqual(res.body.data.map((c: { name: string }) => c.name).sort(), ['Zebulon Alpha', 'Zebulon Beta']);
    });

    it('treats % and _ in search as text, not wildcards', async () => {
      const res = await svc.api.get(`/api/v1/customers?search=${encodeURIComponent('%')}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 0);
    });

    it('pages: page 2 of per_page=2 holds the rest, meta echoes the request', async () => {
      const first = await svc.api.get('/api/v1/customers?status=vip-list&per_page=2&page=1');
      const second = await svc.api.get('/api/v1/customers?status=vip-list&per_page=2&page=2');
      assert.deepEqual(first.body.meta, { page: 1, per_page: 2, total: 3 });
      assert.deepEqual(second.body.meta, { page: 2, per_page: 2, total: 3 });
      assert.equal(first.body.data.length, 2);
      assert.equal(second.body.data.length, 1);
      const ids = [...first.body.data, ...second.body.data].map((c: { id: number }) => c.id);
      assert.equal(new Set(ids).size, 3, 'pages must not overlap');
      const third = await svc.api.get('/api/v1/customers?status=vip-list&per_page=2&page=3');
      assert.equal(third.status, 200);
      assert.deepEqual(third.body.data, []);
    });

    it('per_page 100 is allowed, 101 → 422 naming per_page', async () => {
      const ok = await svc.api.get('/api/v1/customers?per_page=100');
      assert.equal(ok.status, 200);
      assert.equal(ok.body.data.length, 100);
      assertError(await svc.api.get('/api/v1/customers?per_page=101'), 422, 'per_page');
    });

    it('page 0 and non-numeric page → 422', async () => {
      assertError(await svc.api.get('/api/v1/customers?page=0'), 422, 'page');
      assertError(await svc.api.get('/api/v1/customers?page=abc'), 422, 'page');
    });

    it('an unknown query parameter → 422', async () => {
      assertError(await svc.api.get('/api/v1/customers?stauts=vip-list'), 422, 'stauts');
    });
  });

  describe('get / patch / delete', () => {
    let id: number;
    before(async () => {
      const [c] = await svc.api.createCustomers([{ name: 'Rina', phone: mobileNumber(601), attributes: { city: 'Medan' } }]);
      id = c!.id;
    });

    it('gets one customer', async () => {
      const res = await svc.api.get(`/api/v1/customers/${id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.equal(res.body.data.id, id);
      assert.equal(res.body.data.name, 'Rina');
      assert.equal(res.body.data.whatsapp_number, '6281200000601');
      assert.deepEqual(res.body.data.attributes, { city: 'Medan' });
    });

    it('patches fields; others stay', async () => {
      const res = await svc.api.patch(`/api/v1/customers/${id}`, { name: 'Rina Wijaya', status: 'vip', attributes: { city: 'Surabaya' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.name, 'Rina Wijaya');
      const got = await svc.api.get(`/api/v1/customers/${id}`);
      assert.equal(got.body.data.name, 'Rina Wijaya');
      assert.equal(got.body.data.status, 'vip');
      assert.deepEqual(got.body.data.attributes, { city: 'Surabaya' });
      assert.equal(got.body.data.whatsapp_number, '6281200000601', 'the phone was not in the patch');
    });

    it('patching the phone re-checks it', async () => {
      const bad = await svc.api.patch(`/api/v1/customers/${id}`, { phone: '999' });
      assert.equal(bad.status, 200, JSON.stringify(bad.body));
      assert.equal(bad.body.data.whatsapp_number, null);
      assert.equal(typeof bad.body.data.phone_error, 'string');
      const good = await svc.api.patch(`/api/v1/customers/${id}`, { phone: '0812-0000-0602' });
      assert.equal(good.body.data.whatsapp_number, '6281200000602');
      assert.equal(good.body.data.phone_error, null);
    });

    it('a bad patch → 422 and changes nothing', async () => {
      const before = (await svc.api.get(`/api/v1/customers/${id}`)).body.data;
      assertError(await svc.api.patch(`/api/v1/customers/${id}`, { name: 5 }), 422, 'name');
      assertError(await svc.api.patch(`/api/v1/customers/${id}`, { nmae: 'x' }), 422, 'nmae');
      const blank = await svc.api.patch(`/api/v1/customers/${id}`, { name: '   ' });
      assertError(blank, 422, 'name');
      assert.deepEqual(blank.body.errors, [{ field: 'name', message: 'must not be blank' }]);
      assertError(await svc.api.patch(`/api/v1/customers/${id}`, { attributes: { status: 'x' } }), 422, 'attributes.status');
      assertError(await svc.api.patch(`/api/v1/customers/${id}`, {}), 422);
      assert.deepEqual((await svc.api.get(`/api/v1/customers/${id}`)).body.data, before);
    });

    it('deletes one customer; it is gone afterwards', async () => {
      const [c] = await svc.api.createCustomers([{ name: 'Temporary', phone: mobileNumber(603) }]);
      const before = await total();
      const res = await svc.api.delete(`/api/v1/customers/${c!.id}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.success, true);
      assertError(await svc.api.get(`/api/v1/customers/${c!.id}`), 404);
      assert.equal(await total(), before - 1);
      assertError(await svc.api.delete(`/api/v1/customers/${c!.id}`), 404);
    });

    it('unknown id → 404 on get, patch and delete', async () => {
      assertError(await svc.api.get('/api/v1/customers/99999999'), 404);
      assertError(await svc.api.patch('/api/v1/customers/99999999', { name: 'Ghost' }), 404);
      assertError(await svc.api.delete('/api/v1/customers/99999999'), 404);
    });

    it('non-numeric id → 404 on get, patch and delete', async () => {
      assertError(await svc.api.get('/api/v1/customers/abc'), 404);
      assertError(await svc.api.patch('/api/v1/customers/abc', { name: 'Ghost' }), 404);
      assertError(await svc.api.delete('/api/v1/customers/abc'), 404);
      assertError(await svc.api.get('/api/v1/customers/1.5'), 404);
      assertError(await svc.api.get('/api/v1/customers/0'), 404);
    });
  });

  describe('bad input: 4xx in the error shape, nothing stored', () => {
    it('missing name → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { phone: mobileNumber(701) }), 422, 'name');
    });

    it('name of the wrong type → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: 12345, phone: mobileNumber(702) }), 422, 'name');
    });

    it('empty name → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: '', phone: mobileNumber(702) }), 422, 'name');
    });

    it('a name of only spaces → 422 (it would be stored as an empty name)', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: '   ', phone: mobileNumber(704) }), 422, 'name');
    });

    it('attributes with a nested object → 422', async () => {
      await rejected(
        () => svc.api.post('/api/v1/customers', { name: 'Nested', attributes: { address: { city: 'Bandung' } } }),
        422,
        'attributes.address',
      );
    });

    it('attribute key "name" (reserved) → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: 'Reserved', attributes: { name: 'Other' } }), 422, 'attributes.name');
    });

    it('unknown top-level field → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: 'Extra', phone: mobileNumber(703), email: 'x@example.com' }), 422, 'email');
    });

    it('malformed JSON → 400', async () => {
      await rejected(
        () => svc.api.request('POST', '/api/v1/customers', undefined, { headers: { 'content-type': 'application/json' }, raw: '{"name":' }),
        400,
      );
    });

    it('empty bulk array → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { customers: [] }), 422, 'customers');
    });

    it('a bulk where one item of many has a wrong type → 422 naming it, none of the batch stored', async () => {
      const customers: Record<string, unknown>[] = Array.from({ length: 50 }, (_, i) => ({ name: `Batch A ${i}`, phone: mobileNumber(800 + i) }));
      customers[37] = { name: 42, phone: mobileNumber(837) };
      await rejected(() => svc.api.post('/api/v1/customers', { customers }), 422, 'customers[37].name');
      const search = await svc.api.get('/api/v1/customers?search=Batch%20A');
      assert.equal(search.body.meta.total, 0);
    });

    it('a bulk where one item of many uses a reserved attribute → 422 naming it, none of the batch stored', async () => {
      const customers: Record<string, unknown>[] = Array.from({ length: 50 }, (_, i) => ({ name: `Batch B ${i}`, phone: mobileNumber(900 + i) }));
      customers[12] = { name: 'Batch B bad', attributes: { phone: '123' } };
      await rejected(() => svc.api.post('/api/v1/customers', { customers }), 422, 'customers[12].attributes.phone');
      const search = await svc.api.get('/api/v1/customers?search=Batch%20B');
      assert.equal(search.body.meta.total, 0);
    });

    it('a bulk with an unknown field in one item → 422, none stored', async () => {
      const customers: Record<string, unknown>[] = Array.from({ length: 10 }, (_, i) => ({ name: `Batch C ${i}` }));
      customers[9] = { name: 'Batch C 9', phnoe: '0812' };
      await rejected(() => svc.api.post('/api/v1/customers', { customers }), 422, 'customers[9].phnoe');
    });

    it('a bulk body with a field beside customers → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { customers: [{ name: 'X' }], dry_run: true }), 422, 'dry_run');
    });

    it('a JSON array as the body → 4xx', async () => {
      const before = await total();
      const res = await svc.api.post('/api/v1/customers', [{ name: 'Array' }]);
      assertError(res, 422);
      assert.equal(await total(), before);
    });

    it('a boolean attribute value → 422', async () => {
      await rejected(() => svc.api.post('/api/v1/customers', { name: 'Bool', attributes: { vip: true } }), 422, 'attributes.vip');
    });
  });
});
