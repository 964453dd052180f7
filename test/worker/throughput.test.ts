import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, type TestService } from '../helpers.js';
import { startMetaService, type FakeMeta, type FakeMetaAnswer } from '../fakes/meta-fake.js';

const TOKEN = 'throughput-test-meta-token';

/**
 * The provider's "too fast" answers (Meta 130429, a bare HTTP 429) slow the number down and put
 * the recipient back untried; nobody fails, and the number climbs back to full speed.
 */
describe('worker: throughput errors slow the number down, never fail anyone', () => {
  const cases: [string, FakeMetaAnswer][] = [
    ['Meta 130429', { error: { code: 130429, message: '(#130429) Rate limit hit', httpStatus: 400 }, headers: { 'retry-after': '0.2' } }],
    ['HTTP 429', { http: 429, headers: { 'retry-after': '0.2' }, body: 'Too Many Requests' }],
  ];
  for (const [name, tooFast] of cases) {
    describe(name, () => {
      let fake: FakeMeta;
      let svc: TestService;
      let stop: () => Promise<void>;
      /** Sends answered "too fast" until this time (set at the first request). */
      let tooFastUntil: number | undefined;
      before(async () => {
        ({ fake, svc, stop } = await startMetaService({
          accessToken: TOKEN,
          latencyMs: 30,
          behaviour: (request) => {
            if (!request.path.endsWith('/messages')) return undefined;
            tooFastUntil ??= request.at + 600;
            return request.at < tooFastUntil ? tooFast : undefined;
          },
        }, {
          SEND_MAX_PER_SECOND: '100',
          SEND_MAX_IN_FLIGHT: '8',
        }));
      });
      after(() => stop());

      it('everyone is sent once, no attempt is spent, the slowdown shows and goes away', async () => {
        const customers = await svc.api.createCustomers(Array.from({ length: 120 }, (_, i) => ({ name: `T${i}`, phone: mobileNumber(3000 + i) })));
        const blastId = await svc.api.blastTo(customers);
        const sender = async () => ((await svc.api.get('/api/v1/senders')).body.data as any[]).find((s) => s.source === 'environment');
        // Shown while it lasts: the rate and the requests in flight in effect, both lower.
        let slowed = await sender();
        for (const deadline = Date.now() + 10_000; slowed.slowed_down === null && Date.now() < deadline; slowed = await sender()) await new Promise((r) => setTimeout(r, 10));
        assert.ok(slowed.slowed_down?.max_per_second < 100 && slowed.slowed_down?.max_in_flight < 8, JSON.stringify(slowed.slowed_down));
        const blast = await svc.api.waitForBlast(blastId, undefined, 60_000);
        assert.deepEqual([blast.status, blast.sent_count, blast.failed_count], ['completed', 120, 0]);

        const refused = fake.requests.filter((r) => r.at < tooFastUntil!).length;
        assert.ok(refused >= 1, 'the fake answered "too fast" at least once');
        const accepted = fake.requests.filter((r) => r.at >= tooFastUntil!).map((r) => r.json?.to);
        assert.equal(accepted.length, 120);
        assert.equal(new Set(accepted).size, 120, 'a recipient was sent twice');
        // Released untried: the throughput errors spent none of their attempts.
        const logs = await svc.service.database.db.selectFrom('whatsapp_blast_logs').select(['attempts', 'error_message']).where('blast_id', '=', blastId).execute();
        assert.deepEqual([...new Set(logs.map((l) => Number(l.attempts)))], [1]);
        assert.ok(logs.every((l) => l.error_message === null));
        assert.ok(svc.logs.some((l) => l.includes('provider throughput limit: the number slows down')));

        // The number climbs back to full speed by itself: one halving undone per quiet stretch.
        if ((await sender()).slowed_down !== null) {
          // Ramping up needs sends: a second blast keeps the number busy until it is back at full speed.
          const more = await svc.api.createCustomers(Array.from({ length: 300 }, (_, i) => ({ name: `U${i}`, phone: mobileNumber(4000 + i) })));
          await svc.api.waitForBlast(await svc.api.blastTo(more, { message: 'Halo lagi {name}' }), undefined, 60_000);
        }
        assert.equal((await sender()).slowed_down, null, 'back at full speed');
      });
    });
  }
});
