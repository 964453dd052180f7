import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type TestService } from '../helpers.js';

describe('Idempotency-Key on POST /api/v1/whatsapp/blast', () => {
  let svc: TestService;
  let ids: number[];
  before(async () => {
    svc = await startTestService();
    ids = (await svc.api.createCustomers([0, 1, 2].map((i) => ({ name: `I${i}`, phone: mobileNumber(i) })))).map((c) => c.id);
  });
  after(() => svc.stop());

  const submit = (key: string | undefined, body: Record<string, unknown>) =>
    svc.api.request('POST', '/api/v1/whatsapp/blast', body, { headers: key === undefined ? {} : { 'idempotency-key': key } });
  const total = async () => (await svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total as number;

  it('answers the first blast again for the same key and body, creating nothing', async () => {
    const body = { target_type: 'selected', customer_ids: ids, message: 'Halo {name}' };
    const first = await submit('order-123-blast', body);
    assert.equal(first.status, 202);
    const before = await total();
    // The same body with keys in another order is the same request.
    const again = await submit('order-123-blast', { message: 'Halo {name}', customer_ids: ids, target_type: 'selected' });
    assert.deepEqual([again.status, again.body.blast_id], [202, first.body.blast_id]);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(await total(), before);
    const done = await svc.api.waitForBlast(first.body.blast_id);
    assert.equal(done.sent_count, 3, 'sent once, not twice');
  });

  it('refuses the same key with a different body (409), storing nothing', async () => {
    await submit('key-for-one-body', { target_type: 'all', message: 'Satu' });
    const before = await total();
    assertError(await submit('key-for-one-body', { target_type: 'all', message: 'Dua' }), 409, 'Idempotency-Key');
    assert.equal(await total(), before);
  });

  it('creates one blast for two identical submits at the same moment', async () => {
    const body = { target_type: 'selected', customer_ids: ids, message: 'Serentak {name}' };
    const before = await total();
    const [a, b] = await Promise.all([submit('double-click-1', body), submit('double-click-1', body)]);
    assert.deepEqual([a.status, b.status], [202, 202]);
    assert.equal(a.body.blast_id, b.body.blast_id);
    assert.equal(await total(), before + 1);
  });

  it('keys are per request only when given; a bad key is a 422', async () => {
    const before = await total();
    await submit(undefined, { target_type: 'all', message: 'Tanpa kunci' });
    await submit(undefined, { target_type: 'all', message: 'Tanpa kunci' });
    assert.equal(await total(), before + 2, 'without a key, each submit is a new blast');
    assertError(await submit('has space', { target_type: 'all', message: 'x' }), 422, 'Idempotency-Key');
    assertError(await submit('x'.repeat(256), { target_type: 'all', message: 'x' }), 422, 'Idempotency-Key');
  });
});
