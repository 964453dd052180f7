import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type TestService } from '../helpers.js';

const logsOf = (id: number, query: string) => `/api/v1/whatsapp/blast/${id}/logs?${query}`;

describe('blast recipients: search by number or name, with the status filter and cursor paging', () => {
  let svc: TestService;
  let blastId: number;

  before(async () => {
    svc = await startTestService();
    await svc.api.createCustomers([
      { name: 'Budi Santoso', phone: mobileNumber(101) },
      { name: 'Siti Budiarti', phone: mobileNumber(102) },
      { name: 'Andi 100%_sure', phone: mobileNumber(103) },
      { name: 'Bad Number', phone: '12345' },
      ...Array.from({ length: 20 }, (_, i) => ({ name: `Pelanggan ${i}`, phone: mobileNumber(200 + i) })),
    ]);
    const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
    assert.equal(res.status, 202);
    blastId = res.body.blast_id;
    await svc.api.waitForBlast(blastId);
  });
  after(() => svc?.stop());

  it('finds recipients by any part of their name, in any case, and names each row', async () => {
    const res = await svc.api.get(logsOf(blastId, 'search=budi'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((r: any) => r.customer_name).sort(), ['Budi Santoso', 'Siti Budiarti']);
    assert.equal(res.body.meta.total, 2);
  });

  it('finds recipients by part of the number sent to, as typed or normalised', async () => {
    const normalised = await svc.api.get(logsOf(blastId, 'search=6281200000102'));
    assert.deepEqual(normalised.body.data.map((r: any) => r.customer_name), ['Siti Budiarti']);
    const local = await svc.api.get(logsOf(blastId, `search=${mobileNumber(103)}`));
    assert.deepEqual(local.body.data.map((r: any) => r.customer_name), ['Andi 100%_sure']);
  });

  it('takes % and _ literally', async () => {
    assert.deepEqual((await svc.api.get(logsOf(blastId, 'search=100%25_')) ).body.data.map((r: any) => r.customer_name), ['Andi 100%_sure']);
    assert.equal((await svc.api.get(logsOf(blastId, 'search=%25%25')) ).body.meta.total, 0);
  });

  it('combines with the status filter: a skipped row keeps its reason', async () => {
    const res = await svc.api.get(logsOf(blastId, 'status=skipped&search=bad'));
    assert.equal(res.body.data.length, 1);
    assert.equal(res.body.data[0].status, 'skipped');
    assert.ok(res.body.data[0].error_message, 'the reason it was skipped');
    assert.equal((await svc.api.get(logsOf(blastId, 'status=sent&search=bad'))).body.meta.total, 0);
  });

  it('pages a search with the cursor, without repeating or losing rows', async () => {
    const seen: string[] = [];
    let cursor: number | null = 0;
    while (cursor !== null) {
      const res: any = await svc.api.get(logsOf(blastId, `search=pelanggan&per_page=7&cursor=${cursor}`));
      assert.equal(res.body.meta.total, 20);
      seen.push(...res.body.data.map((r: any) => r.customer_name));
      cursor = res.body.meta.next_cursor;
    }
    assert.equal(seen.length, 20);
    assert.equal(new Set(seen).size, 20);
  });

  it('refuses an empty or overlong search', async () => {
    assertError(await svc.api.get(logsOf(blastId, 'search=')), 422, 'search');
    assertError(await svc.api.get(logsOf(blastId, `search=${'x'.repeat(201)}`)), 422, 'search');
  });
});
