import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import { expandNextBlast } from '../../src/worker/expansion.js';
import * as queue from '../../src/worker/queue.repository.js';

/**
 * Item 5 of issue 10, on both engines, without a process or an outage: what a worker writes
 * when its claim ran out while it waited for the database (the recovery got there first), and
 * how it hands back a claim whose answer it never heard.
 */
describe('outcomes written after the recovery, claims handed back by owner', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ROLE: 'api' }); // no worker: the test plays it
  });
  after(() => svc.stop());

  async function claimedBlast(size: number, owner: string, now: number) {
    const customers = await svc.api.createCustomers(Array.from({ length: size }, (_, i) => ({ name: `L${i}`, phone: mobileNumber(Math.floor(Math.random() * 1e7) + i) })));
    const blastId = await svc.api.blastTo(customers);
    const { database } = svc.service;
    await expandNextBlast(database, now);
    const [sender] = await queue.existingSenders(database.db);
    const claimed = await queue.claimRecipients(database.db, database.engine, { blastId, senderId: sender!.id, owner, now, leaseExpiresAt: now + 1_000, limit: size });
    assert.equal(claimed.length, size);
    return { blastId, claimed };
  }
  const blast = async (id: number) => (await svc.api.get(`/api/v1/whatsapp/blast/${id}`)).body.data;
  const logs = async (id: number) => new Map((await svc.api.allLogs(id)).map((l) => [l.id as number, l]));

  it('the truth replaces "delivery unknown" for every kind of outcome, and the counters follow', async () => {
    const now = Date.now();
    const owner = 'late-worker#1';
    const { blastId, claimed } = await claimedBlast(5, owner, now);
    const { db } = svc.service.database;
    // The claim ran out while the worker could not reach the database: the recovery guesses.
    assert.equal(await db.transaction().execute((trx) => queue.failExpiredClaims(trx, now + 2_000)), 5);
    assert.deepEqual([(await blast(blastId)).status, (await blast(blastId)).failed_count], ['failed', 5]);

    const [sent, failed, skipped, retry, released] = claimed.map((c) => ({ id: c.id, blastId }));
    await db.transaction().execute(async (trx) => {
      const counts = await queue.recordOutcomes(trx, owner, [
        { ...sent!, kind: 'sent', providerMessageId: 'wamid.late', at: now + 100 },
        { ...failed!, kind: 'failed', reason: 'not a WhatsApp number' },
        { ...skipped!, kind: 'skipped', reason: 'opted out' },
        { ...retry!, kind: 'retry', reason: 'fonnte: HTTP 503; retrying', nextAttemptAt: now + 5_000 },
        { ...released!, kind: 'released' },
      ], now + 3_000);
      await queue.applyCounterDeltas(trx, counts, now + 3_000);
    });
    const rows = await logs(blastId);
    assert.deepEqual([rows.get(sent!.id).status, rows.get(sent!.id).provider_message_id], ['sent', 'wamid.late']);
    assert.deepEqual([rows.get(failed!.id).status, rows.get(failed!.id).error_message], ['failed', 'not a WhatsApp number']);
    assert.deepEqual([rows.get(skipped!.id).status, rows.get(skipped!.id).error_message], ['skipped', 'opted out']);
    // Nothing was sent to these two: final (the blast finished meanwhile), but not "unknown".
    assert.equal(rows.get(retry!.id).status, 'failed');
    assert.equal(rows.get(retry!.id).error_message, queue.notSentAfterRecovery('fonnte: HTTP 503'));
    assert.equal(rows.get(released!.id).error_message, queue.notSentAfterRecovery(undefined));
    const after = await blast(blastId);
    assert.deepEqual([after.sent_count, after.failed_count, after.skipped_count, after.pending_count], [1, 3, 1, 0]);
    // It had failed as "nothing sent"; one message was sent after all.
    assert.deepEqual([after.status, after.status_reason], ['completed', null]);

    // Written twice (the first commit's answer was lost): nothing changes again.
    await db.transaction().execute(async (trx) => {
      const counts = await queue.recordOutcomes(trx, owner, [{ ...sent!, kind: 'sent', providerMessageId: 'wamid.late', at: now + 100 }], now + 4_000);
      await queue.applyCounterDeltas(trx, counts, now + 4_000);
    });
    const again = await blast(blastId);
    assert.deepEqual([again.sent_count, again.failed_count, again.skipped_count], [1, 3, 1]);
  });

  it('a claim whose answer was lost is handed back by its owner name, untried; other owners keep theirs', async () => {
    const now = Date.now();
    const lost = await claimedBlast(3, 'worker-a#7', now);
    const kept = await claimedBlast(2, 'worker-a#8', now);
    const { db } = svc.service.database;
    await queue.releaseClaimsOf(db, 'worker-a#7');
    const back = [...(await logs(lost.blastId)).values()];
    assert.deepEqual(back.map((l) => [l.status, l.attempts]), [['pending', 0], ['pending', 0], ['pending', 0]]);
    assert.ok([...(await logs(kept.blastId)).values()].every((l) => l.status === 'sending'));
  });

  it('a claim handed back after the recovery failed it says "not sent", not "delivery unknown"; the counters stay', async () => {
    const now = Date.now();
    const { blastId, claimed } = await claimedBlast(2, 'worker-d#3', now);
    const { db } = svc.service.database;
    // The hand-back waited for the database past the lease: the recovery guessed first.
    await db.transaction().execute((trx) => queue.failExpiredClaims(trx, now + 2_000));
    const guessed = await logs(blastId);
    assert.ok(claimed.every((c) => guessed.get(c.id).error_message === queue.DELIVERY_UNKNOWN));
    await queue.releaseClaimsOf(db, 'worker-d#3');
    const rows = await logs(blastId);
    assert.deepEqual(claimed.map((c) => [rows.get(c.id).status, rows.get(c.id).error_message]), claimed.map(() => ['failed', queue.notSentAfterRecovery(undefined)]));
    const after = await blast(blastId);
    assert.deepEqual([after.sent_count, after.failed_count, after.pending_count], [0, 2, 0]);
  });

  it('a sender lease whose answer was lost is freed by its owner name', async () => {
    const { db, engine } = svc.service.database;
    const ids = (await queue.existingSenders(db)).map((s) => s.id);
    const now = Date.now();
    const leased = await queue.leaseDueSender(db, engine, { owner: 'worker-b#1', now, expiresAt: now + 60_000, ids });
    assert.ok(leased);
    assert.equal(await queue.leaseDueSender(db, engine, { owner: 'worker-c#1', now, expiresAt: now + 60_000, ids }), undefined);
    await queue.releaseSenderLeasesOf(db, 'worker-b#1');
    assert.ok(await queue.leaseDueSender(db, engine, { owner: 'worker-c#1', now, expiresAt: now + 60_000, ids }));
    await queue.releaseSenderLeasesOf(db, 'worker-c#1');
  });
});
