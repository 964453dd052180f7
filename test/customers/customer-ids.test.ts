import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { assertError, ENGINE, mobileNumber, startTestService, type ApiResponse, type TestService } from '../helpers.js';

const CUSTOMERS = '/api/v1/customers';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The integrator's own customer ids: create, upsert, ids the service gives, and blasts by those ids. */
describe('customers with the integrator’s own ids', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  const db = () => svc.service.database.db;

  async function total(): Promise<number> {
    return (await svc.api.get(`${CUSTOMERS}?per_page=1`)).body.meta.total as number;
  }

  async function saved(body: unknown, status: number): Promise<any> {
    const res = await svc.api.post(CUSTOMERS, body);
    assert.equal(res.status, status, JSON.stringify(res.body).slice(0, 500));
    return res.body;
  }

  /** The row's physical version on PostgreSQL (changes on every write), its updated_at on SQLite. */
  async function version(id: number): Promise<string> {
    const query = ENGINE === 'postgres'
      ? sql<{ v: string }>`SELECT xmin::text || '/' || updated_at AS v FROM customers WHERE id = ${id}`
      : sql<{ v: string }>`SELECT updated_at AS v FROM customers WHERE id = ${id}`;
    return String((await query.execute(db())).rows[0]?.v);
  }

  it('creates customers under the ids given, and blasts take those ids unchanged', async () => {
    const body = await saved({
      customers: [
        { id: 101, name: 'Budi', phone: mobileNumber(101) },
        { id: 102, name: 'Siti', phone: mobileNumber(102) },
        { id: 105, name: 'Agus', phone: mobileNumber(105) },
      ],
    }, 201);
    assert.deepEqual(body.data.map((c: any) => c.id), [101, 102, 105]);
    assert.deepEqual([body.created, body.updated, body.unchanged], [3, 0, 0]);

    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [101, 102, 105], message: 'Halo {name}' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const done = await svc.api.waitForBlast(res.body.blast_id);
    assert.deepEqual([done.status, done.sent_count], ['completed', 3]);
    const logs = await svc.api.allLogs(res.body.blast_id);
    assert.deepEqual(
      logs.map((l) => [l.customer_id, l.phone_number, l.status]).sort((a, b) => a[0] - b[0]),
      [[101, '6281200000101', 'sent'], [102, '6281200000102', 'sent'], [105, '6281200000105', 'sent']],
    );
    assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [101, 103], message: 'Halo' }), 422, 'customer_ids');
  });

  it('the same id again replaces that customer; identical values are not written at all', async () => {
    await saved({ id: 201, name: 'Dewi', phone: mobileNumber(201), status: 'vip', attributes: { city: 'Bandung', tier: 2 } }, 201);
    const first = await version(201);
    await sleep(5);

    // Identical (attribute keys in another order): 200, unchanged, the row untouched.
    const same = await saved({ id: 201, name: 'Dewi', phone: mobileNumber(201), status: 'vip', attributes: { tier: 2, city: 'Bandung' } }, 200);
    assert.deepEqual([same.created, same.updated, same.unchanged], [0, 0, 1]);
    assert.equal(same.data[0].id, 201);
    assert.equal(same.data[0].name, 'Dewi');
    assert.equal(await version(201), first, 'an unchanged customer must not be rewritten');

    // Changed: replaced by what is sent; a field left out takes its default.
    const changed = await saved({ id: 201, name: 'Dewi Lestari', phone: mobileNumber(202), attributes: { city: 'Bogor' } }, 200);
    assert.deepEqual([changed.created, changed.updated, changed.unchanged], [0, 1, 0]);
    const c = changed.data[0];
    assert.deepEqual([c.id, c.name, c.whatsapp_number, c.status, c.attributes], [201, 'Dewi Lestari', '6281200000202', 'active', { city: 'Bogor' }]);
    assert.notEqual(await version(201), first);
    assert.equal((await svc.api.get(`${CUSTOMERS}/201`)).body.data.name, 'Dewi Lestari');
  });

  it('a re-sync checks each phone that differs from its own stored one, and keeps the check of one that does not', async () => {
    const good = mobileNumber(301);
    const bad = '0812-ABC';
    const first = await saved({ customers: [{ id: 271, name: 'Ani', phone: good }, { id: 272, name: 'Bayu', phone: bad }] }, 201);
    assert.deepEqual(first.data.map((c: any) => [c.whatsapp_number, c.phone_error]), [['6281200000301', null], [null, 'phone number contains letters']]);

    // The numbers swap owners: each customer's new phone is checked, not taken from the other.
    const swapped = await saved({ customers: [{ id: 271, name: 'Ani', phone: bad }, { id: 272, name: 'Bayu', phone: good }] }, 200);
    assert.deepEqual([swapped.created, swapped.updated, swapped.unchanged], [0, 2, 0]);
    assert.deepEqual(swapped.data.map((c: any) => [c.id, c.whatsapp_number, c.phone_error]), [[271, null, 'phone number contains letters'], [272, '6281200000301', null]]);

    // The same phones again, one with blanks around it (stored trimmed): nothing changes.
    const again = await saved({ customers: [{ id: 271, name: 'Ani', phone: bad }, { id: 272, name: 'Bayu', phone: `  ${good} ` }] }, 200);
    assert.deepEqual([again.created, again.updated, again.unchanged], [0, 0, 2]);
    assert.deepEqual(again.data.map((c: any) => [c.whatsapp_number, c.phone_error]), [[null, 'phone number contains letters'], ['6281200000301', null]]);
  });

  it('with Prefer: return=minimal answers the counts only', async () => {
    const post = () => svc.api.request('POST', CUSTOMERS, { customers: [{ id: 251, name: 'Min' }, { id: 252, name: 'Imal' }] }, { headers: { prefer: 'return=minimal' } });
    const first = await post();
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(first.body, { success: true, created: 2, updated: 0, unchanged: 0 });
    assert.equal(first.headers.get('preference-applied'), 'return=minimal');
    const again = await post();
    assert.deepEqual([again.status, again.body], [200, { success: true, created: 0, updated: 0, unchanged: 2 }]);
    assert.equal((await svc.api.get(`${CUSTOMERS}/252`)).body.data.name, 'Imal');
  });

  it('keeps an opt-out across a sync', async () => {
    await saved({ id: 301, name: 'Rina', phone: mobileNumber(301) }, 201);
    assert.equal((await svc.api.patch(`${CUSTOMERS}/301`, { opted_out: true })).status, 200);
    const body = await saved({ id: 301, name: 'Rina Wati', phone: mobileNumber(301) }, 200);
    assert.equal(body.data[0].opted_out, true);
    assert.equal(body.updated, 1);
  });

  it('counts created, updated and unchanged in one request, with and without ids, in the order given', async () => {
    await saved({ customers: [{ id: 401, name: 'A', phone: mobileNumber(401) }, { id: 402, name: 'B', phone: mobileNumber(402) }] }, 201);
    const body = await saved({
      customers: [
        { id: 402, name: 'B2', phone: mobileNumber(402) },
        { name: 'No id', phone: mobileNumber(499) },
        { id: 401, name: 'A', phone: mobileNumber(401) },
        { id: 403, name: 'C', phone: mobileNumber(403) },
      ],
    }, 201);
    assert.deepEqual([body.created, body.updated, body.unchanged], [2, 1, 1]);
    assert.deepEqual(body.data.map((c: any) => c.name), ['B2', 'No id', 'A', 'C']);
    assert.deepEqual([body.data[0].id, body.data[2].id, body.data[3].id], [402, 401, 403]);
    assert.ok(![401, 402, 403].includes(body.data[1].id));
  });

  it('a given id whose number another customer has is its own customer (numbers are not unique in the API)', async () => {
    await saved({ id: 501, name: 'Ayah', phone: mobileNumber(501) }, 201);
    const body = await saved({ id: 502, name: 'Ibu', phone: mobileNumber(501) }, 201);
    assert.equal(body.data[0].id, 502);
    assert.equal((await svc.api.get(`${CUSTOMERS}/501`)).body.data.name, 'Ayah', 'never merged into the customer with the same number');
  });

  it('gives customers without an id ids above every id given, never reusing one', async () => {
    await saved({ id: 1_000_000, name: 'High', phone: mobileNumber(600) }, 201);
    const auto = (await saved({ name: 'Auto', phone: mobileNumber(601) }, 201)).data[0].id;
    assert.equal(auto, 1_000_001);
    assert.equal((await svc.api.delete(`${CUSTOMERS}/${auto}`)).status, 200);
    const next = (await saved({ name: 'Auto 2', phone: mobileNumber(602) }, 201)).data[0].id;
    assert.equal(next, 1_000_002, 'the id of a deleted customer is not given again');
  });

  it('given and generated ids never collide when requests run at the same time', async () => {
    const requests: Promise<ApiResponse>[] = [];
    for (let round = 0; round < 6; round++) {
      // Each given batch lies above every id so far, so each one must move the id sequence while
      // creates without ids draw from it.
      const base = 2_000_000 + round * 1_000 + 1;
      requests.push(svc.api.post(CUSTOMERS, { customers: Array.from({ length: 20 }, (_, i) => ({ id: base + i * 3, name: `Given ${base + i * 3}` })) }));
      requests.push(svc.api.post(CUSTOMERS, { customers: Array.from({ length: 20 }, (_, i) => ({ name: `Auto ${round}.${i}` })) }));
    }
    const answers = await Promise.all(requests);
    const ids: number[] = [];
    answers.forEach((res, i) => {
      assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
      assert.deepEqual([res.body.created, res.body.updated], [20, 0], `request ${i}`);
      ids.push(...res.body.data.map((c: any) => c.id));
    });
    assert.equal(new Set(ids).size, ids.length, 'every customer got its own id');
    const given = answers.filter((_, i) => i % 2 === 0).flatMap((res) => res.body.data.map((c: any) => [c.id, c.name]));
    assert.ok(given.every(([id, name]) => name === `Given ${id}`), 'given ids kept');
    const after = (await saved({ name: 'After' }, 201)).data[0].id;
    assert.ok(after > Math.max(...ids), `${after} above every id so far`);
  });

  // Last: ids the service gives would come after 2^53 − 1 from here on.
  it('accepts the largest id clients read exactly, 2^53 − 1; after it, a customer without an id is a 409 that stores nothing', async () => {
    const top = await saved({ id: Number.MAX_SAFE_INTEGER, name: 'Top', phone: mobileNumber(603) }, 201);
    assert.equal(top.data[0].id, Number.MAX_SAFE_INTEGER);
    assert.equal((await svc.api.get(`${CUSTOMERS}/${Number.MAX_SAFE_INTEGER}`)).body.data.name, 'Top');
    const before = await total();
    assertError(await svc.api.post(CUSTOMERS, { customers: [{ id: 800, name: 'Given' }, { name: 'No id left' }] }), 409, 'id');
    assert.equal(await total(), before);
    assert.equal((await svc.api.get(`${CUSTOMERS}/800`)).status, 404);
  });

  describe('bad ids: 422, nothing stored', () => {
    const cases: [string, unknown][] = [
      ['0', 0],
      ['negative', -5],
      ['a fraction', 101.5],
      ['a string', '101'],
      ['above 2^53 − 1', 9_007_199_254_740_992],
      ['beyond bigint', 1e20],
      ['null', null],
    ];
    for (const [what, id] of cases) {
      it(`${what}`, async () => {
        const before = await total();
        const res = await svc.api.post(CUSTOMERS, { customers: [{ id: 700, name: 'Valid' }, { id, name: 'Bad' }] });
        assertError(res, 422, 'customers[1].id');
        assert.equal(await total(), before);
        assert.equal((await svc.api.get(`${CUSTOMERS}/700`)).status, 404);
      });
    }

    it('an id beyond bigint written out in full (not rounded by the client)', async () => {
      const before = await total();
      const res = await svc.api.request('POST', CUSTOMERS, undefined, {
        raw: '{"id": 99999999999999999999999, "name": "Huge"}',
        headers: { 'content-type': 'application/json' },
      });
      assertError(res, 422, 'id');
      assert.equal(await total(), before);
    });

    it('one id twice in a request, naming both places', async () => {
      const before = await total();
      const res = await svc.api.post(CUSTOMERS, { customers: [{ id: 701, name: 'One' }, { name: 'No id' }, { id: 701, name: 'Two' }] });
      assertError(res, 422, 'customers[2].id');
      assert.match(JSON.stringify(res.body.errors), /customers\[0\]\.id/);
      assert.equal(await total(), before);
    });

    it('an id in PATCH is not a field', async () => {
      await saved({ id: 702, name: 'Patch me' }, 201);
      assertError(await svc.api.patch(`${CUSTOMERS}/702`, { id: 703 }), 422, 'id');
    });

    it('blast customer_ids beyond the id range → 422, not a database error', async () => {
      assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [1e20], message: 'Halo' }), 422, 'customer_ids[0]');
    });
  });
});
