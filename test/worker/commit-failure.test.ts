import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mobileNumber, type TestService } from '../helpers.js';
import { startMetaService, type FakeMeta } from '../fakes/meta-fake.js';

const TOKEN = 'commit-failure-test-meta-token';

/** A trigger that makes every commit recording a send fail (and nothing else). */
async function refuseToRecordSends(svc: TestService): Promise<void> {
  const { db, engine } = svc.service.database;
  if (engine === 'postgres') {
    await sql`CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status = 'sent' THEN RAISE EXCEPTION 'injected: recording a send fails'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_sent BEFORE UPDATE ON whatsapp_blast_logs FOR EACH ROW EXECUTE FUNCTION refuse_sent()`.execute(db);
  } else {
    await sql`CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON whatsapp_blast_logs WHEN NEW.status = 'sent'
      BEGIN SELECT RAISE(ABORT, 'injected: recording a send fails'); END`.execute(db);
  }
}

/**
 * A run whose commit fails for a reason other than the database being unreachable (here a
 * trigger refuses to record "sent") ends, and its lane takes the number again. It must let its
 * own requests in flight end first: handed on at once, the number would have more requests out
 * than its max_in_flight (the old ones and the next run's).
 */
describe('worker: a commit that fails', () => {
  let fake: FakeMeta;
  let svc: TestService;
  let stop: () => Promise<void>;
  before(async () => {
    let sends = 0;
    ({ fake, svc, stop } = await startMetaService({
      accessToken: TOKEN,
      latencyMs: 30,
      // The third and fourth sends hang until the adapter's time-out (GATEWAY_TIMEOUT_MS, 2 s).
      behaviour: (request) => (request.path.endsWith('/messages') && [3, 4].includes(++sends) ? 'hang' : undefined),
    }, {
      SEND_MAX_PER_SECOND: '0',
      SEND_MAX_IN_FLIGHT: '4',
    }));
    await refuseToRecordSends(svc);
  });
  after(() => stop());

  it('lets its sends in flight end before the number is taken again: never more than max_in_flight at the provider', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 20 }, (_, i) => ({ name: `C${i}`, phone: mobileNumber(7100 + i) })));
    await svc.api.blastTo(customers);
    const sends = () => fake.requests.filter((r) => r.path.endsWith('/messages')).length;
    for (const deadline = Date.now() + 10_000; sends() < 4 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sends(), 4);
    // The first two answers' commit fails at once; the lane polls every 50 ms. Two sends are
    // still out for 2 s: nothing more may start meanwhile.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(sends(), 4, 'no new send while the failed run still had two out');
    // Once they have timed out, the lane goes on (and fails again): still never more than 4 out.
    for (const deadline = Date.now() + 10_000; sends() < 8 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    assert.ok(sends() >= 8, `${sends()} sends`);
    assert.ok(svc.logs.some((l) => l.includes('injected: recording a send fails')), 'the commit failed, and the run with it');
    assert.ok(fake.peakInFlight <= 4, `${fake.peakInFlight} in flight at once`);
  });
});

/**
 * A number allowed 2 in flight but 4 starts a second claims both free slots at once and starts
 * the second 250 ms after the first. The first one's commit fails at ~30 ms, so the run ends with
 * the second claimed and never started: it must go back to pending, not be left to the recovery's
 * "delivery unknown" (nothing was sent to it).
 */
describe('worker: a commit that fails hands back the recipients it claimed and never started', () => {
  let fake: FakeMeta;
  let svc: TestService;
  let stop: () => Promise<void>;
  before(async () => {
    ({ fake, svc, stop } = await startMetaService({ accessToken: TOKEN, latencyMs: 30 }, {
      SEND_MAX_PER_SECOND: '4',
      SEND_MAX_IN_FLIGHT: '2',
      // The lease (2 × this + 5 s) after which the recovery fails what the failed runs held.
      GATEWAY_TIMEOUT_MS: '1000',
    }));
    await refuseToRecordSends(svc);
  });
  after(() => stop());

  it('only recipients that were sent to end "delivery unknown"; each is sent once', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 4 }, (_, i) => ({ name: `U${i}`, phone: mobileNumber(7200 + i) })));
    const blastId = await svc.api.blastTo(customers);
    // Every send's outcome is refused, so each ends "delivery unknown" by the recovery; the blast then fails.
    const blast = await svc.api.waitForBlast(blastId, undefined, 40_000);
    const received = fake.requests.filter((r) => r.path.endsWith('/messages')).map((r) => String(r.json?.to));
    assert.equal(new Set(received).size, received.length, `nobody sent twice: ${received.join()}`);
    const logs = await svc.api.allLogs(blast.id);
    const unsent = logs.filter((l) => !received.includes(l.phone_number));
    assert.deepEqual(unsent.map((l) => [l.phone_number, l.status, l.error_message]), [], 'every recipient failed as unknown was sent to');
    assert.equal(received.length, 4);
    assert.ok(logs.every((l) => l.status === 'failed' && l.attempts === 1), JSON.stringify(logs.map((l) => [l.status, l.attempts])));
  });
});
