import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { busiestWindow, mobileNumber, TINY_PNG, type TestService } from '../helpers.js';
import { startMetaService, type FakeMeta } from '../fakes/meta-fake.js';

const TOKEN = 'rate-at-provider-meta-token';
const RATE = 10;
/** How much closer than their departures two arrivals may come (the trip through the fake's event loop). */
const ARRIVAL_JITTER_MS = 50;

/**
 * The rate a provider enforces counts requests as they arrive. With the image uploaded first
 * (META_IMAGE_MODE=upload) and the upload slow, the first sends of a blast start on schedule but
 * their messages all leave when the upload is answered; counted from their starts, the sends
 * after them would crowd the same second at the provider. With more in flight than the rate
 * allows in a second, some leave more than a window after their start: the starts after them
 * wait for them to be written.
 */
const cases = [
  { inFlight: 8, uploadMs: 700 },
  { inFlight: 32, uploadMs: 1_500 },
];
for (const { inFlight, uploadMs } of cases) {
  describe(`worker: a number's rate counts each send from when its request left (${inFlight} in flight, a ${uploadMs} ms upload)`, () => {
    let fake: FakeMeta;
    let svc: TestService;
    let stop: () => Promise<void>;
    before(async () => {
      ({ fake, svc, stop } = await startMetaService({ accessToken: TOKEN, latencyMs: 20, uploadLatencyMs: uploadMs }, {
        META_IMAGE_MODE: 'upload',
        SEND_MAX_PER_SECOND: String(RATE),
        SEND_MAX_IN_FLIGHT: String(inFlight),
      }));
    });
    after(() => stop());

    it(`no second holds more than ${RATE} messages at the provider when the first ones waited for the upload`, async () => {
      const customers = await svc.api.createCustomers(Array.from({ length: 30 }, (_, i) => ({ name: `P${i}`, phone: mobileNumber(5000 + i) })));
      const form = new FormData();
      form.set('target_type', 'selected');
      form.set('customer_ids', JSON.stringify(customers.map((c) => c.id)));
      form.set('message', 'Promo untuk {name}');
      form.set('image', new Blob([TINY_PNG]), 'promo.png');
      const posted = await svc.api.request('POST', '/api/v1/whatsapp/blast', undefined, { raw: form });
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
      const blast = await svc.api.waitForBlast(posted.body.blast_id, undefined, 30_000);
      assert.deepEqual([blast.status, blast.sent_count], ['completed', 30]);

      const messages = fake.requests.filter((r) => r.path.endsWith('/messages'));
      assert.equal(new Set(messages.map((r) => r.json?.to)).size, 30, 'everyone once');
      assert.equal(fake.requests.filter((r) => r.path.endsWith('/media')).length, 1);
      // The first messages left together when the upload was answered, long after they started.
      const arrivals = messages.map((r) => r.at);
      const shown = arrivals.map((a) => a - arrivals[0]!).join(', ');
      assert.ok(busiestWindow(arrivals, 100) >= 5, `the first messages did not leave together: ${shown}`);
      const most = busiestWindow(arrivals, 1000 - ARRIVAL_JITTER_MS);
      assert.ok(most <= RATE, `${most} messages within ${1000 - ARRIVAL_JITTER_MS} ms: ${shown}`);
    });
  });
}
