import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type TestService } from '../helpers.js';

describe('POST /api/v1/whatsapp/blast/preview', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  it('renders the message for the first customers of the audience, sending and storing nothing', async () => {
    const [ok, noPhone, noCity] = await svc.api.createCustomers([
      { name: 'Budi', phone: mobileNumber(1), status: 'preview', attributes: { kota: 'Bandung' } },
      { name: 'Tono', status: 'preview', attributes: { kota: 'Solo' } },
      { name: 'Sari', phone: mobileNumber(3), status: 'preview' },
    ]);
    const historyBefore = (await svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total;
    const res = await svc.api.post('/api/v1/whatsapp/blast/preview?limit=10', {
      target_type: 'filter',
      filter_params: { status: 'preview' },
      message: '{Halo|Hai} {name} dari {kota}',
    });
    assert.equal(res.status, 200);
    const byId = new Map(res.body.data.map((p: { customer_id: number }) => [p.customer_id, p]));
    const first = byId.get(ok!.id) as { would_send: boolean; text: string; whatsapp_number: string };
    assert.equal(first.would_send, true);
    assert.match(first.text, /^(Halo|Hai) Budi dari Bandung$/);
    assert.equal(first.whatsapp_number, '6281200000001');
    assert.deepEqual((byId.get(noPhone!.id) as { would_send: boolean; reason: string }).reason, 'no phone number');
    assert.equal((byId.get(noCity!.id) as { reason: string }).reason, 'no value for {kota}');
    assert.equal((await svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total, historyBefore);
  });

  it('counts the audience and the recipients the blast would really have, before it is sent', async () => {
    const customers = await svc.api.createCustomers([
      { name: 'A', phone: mobileNumber(41), status: 'counted' },
      { name: 'B', phone: mobileNumber(42), status: 'counted' },
      { name: 'B again', phone: mobileNumber(42), status: 'counted' },
      { name: 'No phone', status: 'counted' },
      { name: 'Leaving', phone: mobileNumber(44), status: 'counted' },
      { name: 'Elsewhere', phone: mobileNumber(45), status: 'other' },
    ]);
    assert.equal((await svc.api.patch(`/api/v1/customers/${customers[4]!.id}`, { opted_out: true })).status, 200);
    const request = { target_type: 'filter', filter_params: { status: 'counted' }, message: 'Halo {name}' };
    const preview = await svc.api.post('/api/v1/whatsapp/blast/preview?limit=1', request);
    assert.equal(preview.status, 200);
    assert.equal(preview.body.data.length, 1, 'the sample is limited, the counts are not');
    assert.deepEqual(preview.body.meta.audience, { total: 5, sendable: 2, skipped: 3 });

    const sent = await svc.api.post('/api/v1/whatsapp/blast', request);
    const blast = await svc.api.waitForBlast(sent.body.blast_id);
    assert.equal(blast.target_count, preview.body.meta.audience.total);
    assert.equal(blast.skipped_count, preview.body.meta.audience.skipped);
    assert.equal(blast.sent_count + blast.failed_count, preview.body.meta.audience.sendable);
  });

  it('offers a new blast the placeholders, customer statuses, time zone and default quiet hours that exist', async () => {
    await svc.api.createCustomers([{ name: 'Opsi', phone: mobileNumber(51), status: 'vip', attributes: { kota: 'Medan', tier: 'gold' } }]);
    const res = await svc.api.get('/api/v1/whatsapp/blast/options');
    assert.equal(res.status, 200);
    const { placeholders, customer_statuses, time_zone, quiet_hours } = res.body.data;
    assert.deepEqual(placeholders.slice(0, 3), ['name', 'phone', 'status']);
    assert.ok(placeholders.includes('kota') && placeholders.includes('tier'), JSON.stringify(placeholders));
    assert.ok(customer_statuses.includes('vip') && customer_statuses.includes('preview'), JSON.stringify(customer_statuses));
    assert.deepEqual(customer_statuses, [...customer_statuses].sort(), 'alphabetical');
    assert.equal(time_zone, 'Asia/Jakarta');
    assert.equal(quiet_hours, null, 'QUIET_HOURS=off in tests');
    // Each offered placeholder is one a blast accepts.
    const message = placeholders.map((p: string) => `{${p}}`).join(' ');
    assert.equal((await svc.api.post('/api/v1/whatsapp/blast/preview', { target_type: 'all', message })).status, 200);
    assert.equal((await svc.api.request('GET', '/api/v1/whatsapp/blast/options', undefined, { auth: false })).status, 401);
  });

  it('applies the same validation as a real blast', async () => {
    assertError(await svc.api.post('/api/v1/whatsapp/blast/preview', { target_type: 'all', message: 'Halo {nmae}' }), 422, 'message');
    assertError(await svc.api.post('/api/v1/whatsapp/blast/preview', { target_type: 'selected', customer_ids: [987654], message: 'x' }), 422, 'customer_ids');
    assertError(await svc.api.post('/api/v1/whatsapp/blast/preview?limit=500', { target_type: 'all', message: 'x' }), 422);
  });
});
