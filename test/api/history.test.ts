import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, startTestService, type ApiResponse, type TestService, assertError } from '../helpers.js';


const isIso = (value: unknown) => typeof value === 'string' && new Date(value).toISOString() === value;
const isIsoOrNull = (value: unknown) => value === null || isIso(value);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

const BLAST = '/api/v1/whatsapp/blast';
const VALID = 250;
const INVALID = 5;
const NO_PHONE = 2;

/** The contract's blast fields; extra fields are allowed. */
function assertContractBlast(b: any): void {
  assert.equal(typeof b.id, 'number');
  assert.ok('title' in b, 'title');
  assert.ok(b.title === null || typeof b.title === 'string');
  assert.equal(typeof b.admin_id, 'number');
  assert.ok(['queued', 'processing', 'completed', 'failed'].includes(b.status), `status ${b.status}`);
  for (const key of ['target_count', 'sent_count', 'failed_count', 'pending_count', 'skipped_count']) {
    assert.ok(isCount(b[key]), `${key} = ${JSON.stringify(b[key])}`);
  }
  assert.ok(isIso(b.created_at), `created_at = ${b.created_at}`);
  assert.ok('started_at' in b && isIsoOrNull(b.started_at), `started_at = ${b.started_at}`);
  assert.ok('completed_at' in b && isIsoOrNull(b.completed_at), `completed_at = ${b.completed_at}`);
}

describe('blast history, detail and logs', () => {
  let svc: TestService;
  let adminId: number;
  let customerIds: number[];
  let invalidIds: number[];
  /** All customers: 250 valid numbers, 5 invalid ones, 2 without a phone. */
  let big: any;
  /** Only customers without a phone: nobody reachable. */
  let unreachable: any;
  /** One selected customer. */
  let single: any;

  before(async () => {
    svc = await startTestService();
    const login = await svc.api.request('POST', '/api/v1/auth/login', { email: 'admin@example.com', password: 'correct horse battery' }, { auth: false });
    adminId = login.body.admin.id;
    const valid = await svc.api.createCustomers(Array.from({ length: VALID }, (_, i) => ({ name: `Pelanggan ${i}`, phone: mobileNumber(i + 1) })));
    const invalid = await svc.api.createCustomers(Array.from({ length: INVALID }, (_, i) => ({ name: `Salah ${i}`, phone: `12${i}45` })));
    const noPhone = await svc.api.createCustomers(Array.from({ length: NO_PHONE }, (_, i) => ({ name: `Tanpa ${i}`, status: 'nophone' })));
    customerIds = [...valid, ...invalid, ...noPhone].map((c) => c.id);
    invalidIds = [...invalid, ...noPhone].map((c) => c.id);

    const post = async (body: unknown) => {
      const res = await svc.api.post(BLAST, body);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body.blast_id as number;
    };
    const bigId = await post({ target_type: 'all', message: 'Halo {name}', title: 'Semua' });
    const unreachableId = await post({ target_type: 'filter', filter_params: { status: 'nophone' }, message: 'Halo {name}' });
    const singleId = await post({ target_type: 'selected', customer_ids: [valid[0]!.id], message: 'Halo {name}' });
    big = await svc.api.waitForBlast(bigId);
    unreachable = await svc.api.waitForBlast(unreachableId);
    single = await svc.api.waitForBlast(singleId);
  });
  after(() => svc.stop());

  it('the blasts finished as expected (fixture check)', () => {
    assert.equal(big.status, 'completed');
    assert.deepEqual(
      [big.target_count, big.sent_count, big.failed_count, big.pending_count, big.skipped_count],
      [VALID + INVALID + NO_PHONE, VALID, 0, 0, INVALID + NO_PHONE],
    );
    assert.equal(unreachable.status, 'failed');
    assert.equal(single.status, 'completed');
  });

  describe('history', () => {
    it('lists newest first with meta {page, per_page, total}', async () => {
      const res = await svc.api.get(`${BLAST}/history`);
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.deepEqual(res.body.meta, { page: 1, per_page: 20, total: 3 });
      assert.deepEqual(res.body.data.map((b: { id: number }) => b.id), [single.id, unreachable.id, big.id]);
    });

    it('each item has the contract fields with the right types and values', async () => {
      const res = await svc.api.get(`${BLAST}/history`);
      assert.equal(res.body.data.length, 3);
      for (const b of res.body.data) {
        assertContractBlast(b);
        assert.equal(b.admin_id, adminId);
      }
      const listed = res.body.data.find((b: { id: number }) => b.id === big.id);
      assert.equal(listed.title, 'Semua');
      assert.equal(listed.status, 'completed');
      assert.equal(listed.sent_count, VALID);
      assert.equal(listed.skipped_count, INVALID + NO_PHONE);
      assert.ok(listed.started_at !== null && listed.completed_at !== null);
      assert.ok(Date.parse(listed.completed_at) >= Date.parse(listed.started_at));
      assert.ok(Date.parse(listed.started_at) >= Date.parse(listed.created_at));
    });

    it('pages: per_page=1 page=2 is the second newest', async () => {
      const res = await svc.api.get(`${BLAST}/history?per_page=1&page=2`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.meta, { page: 2, per_page: 1, total: 3 });
      assert.deepEqual(res.body.data.map((b: { id: number }) => b.id), [unreachable.id]);
    });

    it('?status=completed returns only completed blasts', async () => {
      const res = await svc.api.get(`${BLAST}/history?status=completed`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 2);
      assert.deepEqual(res.body.data.map((b: { id: number }) => b.id), [single.id, big.id]);
      assert.ok(res.body.data.every((b: { status: string }) => b.status === 'completed'));
    });

    it('?status=failed returns only failed blasts', async () => {
      const res = await svc.api.get(`${BLAST}/history?status=failed`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, 1);
      assert.deepEqual(res.body.data.map((b: { id: number }) => b.id), [unreachable.id]);
    });

    it('?status=bogus → 422 naming status', async () => {
      assertError(await svc.api.get(`${BLAST}/history?status=bogus`), 422, 'status');
    });

    it('per_page 101 → 422', async () => {
      assertError(await svc.api.get(`${BLAST}/history?per_page=101`), 422, 'per_page');
    });
  });

  describe('detail', () => {
    it('GET /blast/:id shows the blast plus message_template and image', async () => {
      const res = await svc.api.get(`${BLAST}/${big.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assertContractBlast(res.body.data);
      assert.equal(res.body.data.id, big.id);
      assert.equal(res.body.data.message_template, 'Halo {name}');
      assert.ok('image' in res.body.data);
      assert.equal(res.body.data.image, null);
    });

    it('GET /blast/999999 → 404 in the error shape', async () => {
      assertError(await svc.api.get(`${BLAST}/999999`), 404);
    });

    it('GET /blast/abc → 404', async () => {
      assertError(await svc.api.get(`${BLAST}/abc`), 404);
    });
  });

  describe('logs', () => {
    it('each row has the contract fields', async () => {
      const res = await svc.api.get(`${BLAST}/${big.id}/logs?per_page=5`);
      assert.equal(res.status, 200);
      assert.equal(res.body.success, true);
      assert.equal(res.body.data.length, 5);
      assert.equal(res.body.meta.total, VALID + INVALID + NO_PHONE);
      for (const row of res.body.data) {
        assert.equal(typeof row.id, 'number');
        assert.equal(typeof row.customer_id, 'number');
        assert.ok('phone_number' in row);
        assert.ok(['pending', 'sent', 'failed', 'skipped'].includes(row.status), row.status);
        assert.ok('error_message' in row);
        assert.ok('sent_at' in row && isIsoOrNull(row.sent_at));
      }
    });

    it('?status=skipped returns only the skipped rows, each with its reason', async () => {
      const res = await svc.api.get(`${BLAST}/${big.id}/logs?status=skipped&per_page=100`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, INVALID + NO_PHONE);
      assert.equal(res.body.data.length, INVALID + NO_PHONE);
      assert.ok(res.body.data.every((r: { status: string }) => r.status === 'skipped'));
      assert.ok(res.body.data.every((r: { error_message: unknown }) => typeof r.error_message === 'string' && r.error_message.length > 0));
      assert.ok(res.body.data.every((r: { sent_at: unknown }) => r.sent_at === null));
      assert.deepEqual(res.body.data.map((r: { customer_id: number }) => r.customer_id).sort((a: number, b: number) => a - b), [...invalidIds].sort((a, b) => a - b));
    });

    it('?status=sent returns only the sent rows, with sanitised numbers and sent_at', async () => {
      const res = await svc.api.get(`${BLAST}/${big.id}/logs?status=sent&per_page=100`);
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.total, VALID);
      assert.equal(res.body.data.length, 100);
      for (const row of res.body.data) {
        assert.equal(row.status, 'sent');
        assert.match(row.phone_number, /^628\d+$/);
        assert.ok(isIso(row.sent_at));
        assert.equal(row.error_message, null);
      }
    });

    it('?status=bogus → 422', async () => {
      assertError(await svc.api.get(`${BLAST}/${big.id}/logs?status=bogus`), 422, 'status');
    });

    it('logs of an unknown blast → 404', async () => {
      assertError(await svc.api.get(`${BLAST}/999999/logs`), 404);
    });

    it('cursor paging with per_page=100 returns every row exactly once', async () => {
      const expected = VALID + INVALID + NO_PHONE;
      const seen: any[] = [];
      const cursors: (number | null)[] = [];
      let cursor: number | null = 0;
      for (let page = 0; cursor !== null; page++) {
        assert.ok(page < 10, 'paging does not end');
        const res: ApiResponse = await svc.api.get(`${BLAST}/${big.id}/logs?per_page=100&cursor=${cursor}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.data.length <= 100);
        seen.push(...res.body.data);
        cursor = res.body.meta.next_cursor;
        cursors.push(cursor);
        assert.ok(cursor === null || typeof cursor === 'number');
      }
      assert.equal(cursors.length, Math.ceil(expected / 100), `pages: ${JSON.stringify(cursors)}`);
      assert.equal(seen.length, expected);
      const logIds = seen.map((r) => r.id);
      assert.equal(new Set(logIds).size, expected, 'a row came twice');
      assert.deepEqual(logIds, [...logIds].sort((a, b) => a - b), 'rows come in id order');
      assert.deepEqual(seen.map((r) => r.customer_id).sort((a, b) => a - b), [...customerIds].sort((a, b) => a - b));

      // The same rows as offset paging.
      const byOffset: number[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await svc.api.get(`${BLAST}/${big.id}/logs?per_page=100&page=${page}`);
        byOffset.push(...res.body.data.map((r: { id: number }) => r.id));
      }
      assert.deepEqual(byOffset, logIds);
    });

    it('cursor paging combines with a status filter', async () => {
      const first = await svc.api.get(`${BLAST}/${big.id}/logs?status=sent&per_page=100&cursor=0`);
      const second = await svc.api.get(`${BLAST}/${big.id}/logs?status=sent&per_page=100&cursor=${first.body.meta.next_cursor}`);
      const third = await svc.api.get(`${BLAST}/${big.id}/logs?status=sent&per_page=100&cursor=${second.body.meta.next_cursor}`);
      const rows = [...first.body.data, ...second.body.data, ...third.body.data];
      assert.equal(rows.length, VALID);
      assert.equal(new Set(rows.map((r) => r.id)).size, VALID);
      assert.ok(rows.every((r) => r.status === 'sent'));
      assert.equal(third.body.meta.next_cursor, null);
    });
  });
});
