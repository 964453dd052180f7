import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, type TestService } from '../helpers.js';
import { startMetaService, type FakeMeta } from '../fakes/meta-fake.js';

const TOKEN = 'commit-gather-meta-token';
const METRICS_TOKEN = 'commit-gather-metrics-token-0123456789';
const IN_FLIGHT = 8;

/** Shared commits so far (each of the lane's usual commits is one: worker/shared-statement.ts). */
async function sharedCommits(svc: TestService): Promise<number> {
  const res = await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('whatsapp_blast_shared_commit_lanes_count'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/**
 * A number with several requests in flight and no per-second limit records its outcomes and
 * claims its next recipients in one commit once the requests in flight are back (within
 * COMMIT_GATHER_MS, worker/sender-run.ts), rather than at half of them: one commit, one fsync,
 * for the whole set.
 */
describe('worker: a commit gathers the outcomes of the requests in flight', () => {
  let fake: FakeMeta;
  let svc: TestService;
  let stop: () => Promise<void>;
  before(async () => {
    ({ fake, svc, stop } = await startMetaService({ accessToken: TOKEN, latencyMs: 30 }, {
      SEND_MAX_IN_FLIGHT: String(IN_FLIGHT),
      SEND_MAX_PER_SECOND: '0',
      METRICS_TOKEN,
      GATEWAY_TIMEOUT_MS: '2000',
    }));
  });
  after(() => stop());

  it('records the requests started together in one commit', async () => {
    // The requests started together come back together, however loaded the machine (with
    // answers 30 ms after each request, a busy machine spread them over more than 5 ms).
    fake.answerTogether = IN_FLIGHT;
    const customers = await svc.api.createCustomers(Array.from({ length: 64 }, (_, i) => ({ name: `G${i}`, phone: mobileNumber(6100 + i) })));
    const before = await sharedCommits(svc);
    const blast = await svc.api.waitForBlast(await svc.api.blastTo(customers), undefined, 30_000);
    assert.deepEqual([blast.status, blast.sent_count], ['completed', 64]);
    fake.answerTogether = 0;
    const commits = (await sharedCommits(svc)) - before;
    // 64 / 8 rounds of sends, one commit each, and a few to spare. Committing at half the slots,
    // as before, took two per round: 16.
    assert.ok(commits > 0 && commits <= 64 / IN_FLIGHT + 4, `${commits} shared commits for 64 messages, ${IN_FLIGHT} in flight`);
  });

  it('does not hold the others up for a request that does not come back', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 40 }, (_, i) => ({ name: `W${i}`, phone: mobileNumber(6300 + i) })));
    // As the adapter sends it (and the blast's log keeps it): 628…
    const slow = mobileNumber(6303).replace(/^0/, '62');
    fake.behaviour = (request) => (request.json?.to === slow ? 'hang' : undefined);
    try {
      const blastId = await svc.api.blastTo(customers);
      await svc.api.waitForBlast(blastId, undefined, 30_000);
      const logs = await svc.api.allLogs(blastId);
      const hung = fake.requests.find((r) => r.json?.to === slow)!;
      const others = logs.filter((l) => l.phone_number !== slow);
      assert.equal(others.length, 39);
      assert.ok(others.every((l) => l.status === 'sent'), 'everyone else sent');
      // At 30 ms a round, the other 39 take ~0.2 s; held for the hung request, they would wait
      // its 2 s time-out.
      const last = Math.max(...others.map((l) => Date.parse(l.sent_at)));
      assert.ok(last - hung.at < 1_500, `the others were sent up to ${last - hung.at} ms after the hung request started`);
    } finally {
      fake.behaviour = undefined;
    }
  });
});
