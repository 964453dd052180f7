import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/connection.js';
import { requeueFailedRecipients } from '../../src/blasts/lifecycle.repository.js';
import { expandNextBlast } from '../../src/worker/expansion.js';
import { recordAndClaimMerged } from '../../src/worker/merged-commit.js';
import { recordAndClaimAtOnce, type LaneCommit, type LaneCommitted } from '../../src/worker/one-statement-commit.js';
import { MAX_ROWS_PER_SHARED_COMMIT, SharedStatement, type LanesCommit } from '../../src/worker/shared-statement.js';
import * as queue from '../../src/worker/queue.repository.js';
import { ENGINE, mobileNumber, openMigratedDatabase } from '../helpers.js';

const NOW = 1_700_000_000_000;

/**
 * The lanes' shared commit (PostgreSQL: one statement; SQLite: merged statements) against the
 * ordinary commit it stands in for: two blasts set up alike, one recorded the ordinary way
 * (recordOutcomes, claimRecipients, applyCounterDeltas in a transaction), the other the shared
 * way; every row, counter, event and claim must agree.
 */
describe(`the lanes' shared commit (${ENGINE === 'postgres' ? 'one statement' : 'merged statements'})`, () => {
  let database: Database;
  let close: () => Promise<void>;
  let admin: number;
  before(async () => {
    ({ database, close } = await openMigratedDatabase());
    admin = await addAdmin(database, 'one-statement');
    await database.db
      .insertInto('webhook_subscriptions')
      .values({ url: 'http://127.0.0.1:9/hook', events: JSON.stringify(['message.sent', 'message.failed', 'blast.completed', 'blast.failed']), secret: 's', active: 1, created_at: 1, updated_at: 1 })
      .execute();
  });
  after(() => close());

  /** A started blast of `size` recipients (customers of their own group, the same numbers in every group). */
  async function sendingBlast(group: string, size: number): Promise<{ blastId: number; firstCustomer: number }> {
    let firstCustomer = 0;
    for (let from = 0; from < size; from += 500) {
      const customers = Array.from({ length: Math.min(500, size - from) }, (_, k) => from + k).map((i) => ({
        name: `C${i}`,
        status: group,
        phone: mobileNumber(8000 + i),
        phone_normalized: mobileNumber(8000 + i).replace(/^0/, '62'),
        phone_error: null,
        attributes: JSON.stringify({ n: i }),
        created_at: NOW,
        updated_at: NOW,
        opted_out_at: null,
      }));
      const rows = await database.db.insertInto('customers').values(customers).returning('id').execute();
      if (from === 0) firstCustomer = Math.min(...rows.map((r) => Number(r.id)));
    }
    const blastId = await addBlast(database, admin, 'queued', { target_type: 'filter', target_params: JSON.stringify({ status: group }) });
    assert.equal((await expandNextBlast(database, NOW))?.blastId, blastId);
    await database.db.updateTable('whatsapp_blasts').set({ status: 'processing', started_at: NOW }).where('id', '=', blastId).execute();
    return { blastId, firstCustomer };
  }

  const claim = (blastId: number, owner: string, limit: number, leaseExpiresAt: number, now = NOW) =>
    queue.claimRecipients(database.db, ENGINE, { blastId, senderId: 1, owner, now, leaseExpiresAt, limit });

  /** Lanes' commits as the worker shares them on this engine (worker.ts). */
  const commitLanes: LanesCommit = (now, lanes) =>
    ENGINE === 'postgres' ? recordAndClaimAtOnce(database.prepared!, { now, lanes }) : database.sharedCommit((trx) => recordAndClaimMerged(trx, { now, lanes }));

  /** One lane's commit, alone. */
  const atOnceAlone = async (now: number, lane: LaneCommit) => (await commitLanes(now, [lane]))[0]!;

  /** One outcome of every kind for the first six claimed rows; the sixth was failed by the recovery meanwhile. */
  function outcomesOf(claimed: queue.ClaimedRecipient[]): queue.Outcome[] {
    const [a, b, c, d, e, f] = claimed.map((r) => ({ id: r.id, blastId: r.blast_id }));
    return [
      { ...a!, kind: 'sent', providerMessageId: "wamid.it's", at: NOW + 10 },
      { ...b!, kind: 'failed', reason: 'bad number \\ "quoted"' },
      { ...c!, kind: 'skipped', reason: 'no value for {city}' },
      { ...d!, kind: 'retry', reason: 'timeout; retrying', nextAttemptAt: NOW + 60_000 },
      { ...e!, kind: 'released' },
      { ...f!, kind: 'sent', providerMessageId: 'wamid.late', at: NOW + 20 },
    ];
  }

  async function snapshot(blastId: number, firstCustomer: number, owner: string) {
    const rows = await database.db.selectFrom('whatsapp_blast_logs').selectAll().where('blast_id', '=', blastId).orderBy('id').execute();
    const firstLog = Number(rows[0]!.id);
    const blast = await database.db
      .selectFrom('whatsapp_blasts')
      .select(['status', 'status_reason', 'target_count', 'pending_count', 'sent_count', 'failed_count', 'skipped_count', 'completed_at'])
      .where('id', '=', blastId)
      .executeTakeFirstOrThrow();
    const events = await database.db.selectFrom('webhook_deliveries').select(['type', 'event_id', 'payload', 'created_at']).where('blast_id', '=', blastId).orderBy('id').execute();
    return {
      rows: rows.map((r) => ({
        ...r,
        id: Number(r.id) - firstLog,
        blast_id: undefined,
        customer_id: Number(r.customer_id) - firstCustomer,
        claim_owner: r.claim_owner === owner ? 'OWNER' : r.claim_owner,
      })),
      blast,
      events: events.map((e) => {
        const payload = JSON.parse(e.payload);
        assert.equal(payload.id, e.event_id);
        return { type: e.type, created_at: e.created_at, data: { ...payload.data, blast_id: undefined, customer_id: payload.data.customer_id - firstCustomer } };
      }),
    };
  }

  it('records every kind of outcome, its events and counters, and claims, exactly as the ordinary commit does', async () => {
    const ordinary = await sendingBlast('ordinary', 10);
    const atOnce = await sendingBlast('at-once', 10);
    const claims = new Map<number, queue.ClaimedRecipient[]>();
    for (const { blastId } of [ordinary, atOnce]) {
      const owner = `owner-${blastId}`;
      // The sixth is claimed with a lease already over: the recovery fails it as "delivery unknown".
      claims.set(blastId, [...(await claim(blastId, owner, 5, NOW + 30_000)), ...(await claim(blastId, owner, 1, NOW - 1))]);
    }
    await database.db.transaction().execute((trx) => queue.failExpiredClaims(trx, NOW));

    const ordinaryOutcomes = outcomesOf(claims.get(ordinary.blastId)!);
    const ordinaryClaimed = await database.db.transaction().execute(async (trx) => {
      const counts = await queue.recordOutcomes(trx, `owner-${ordinary.blastId}`, ordinaryOutcomes, NOW + 100);
      const claimed = await queue.claimRecipients(trx, ENGINE, { blastId: ordinary.blastId, senderId: 1, owner: `owner-${ordinary.blastId}`, now: NOW + 100, leaseExpiresAt: NOW + 90_000, limit: 3 });
      await queue.applyCounterDeltas(trx, counts, NOW + 100);
      return claimed;
    });

    const atOnceOutcomes = outcomesOf(claims.get(atOnce.blastId)!);
    const owner = `owner-${atOnce.blastId}`;
    const done = await atOnceAlone(NOW + 100, {
      owner,
      outcomes: atOnceOutcomes,
      recipients: new Map(claims.get(atOnce.blastId)!.map((r) => [r.id, r])),
      claim: { blastId: atOnce.blastId, senderId: 1, leaseExpiresAt: NOW + 90_000, limit: 3 },
    });
    // The recovered row is not ours any more: PostgreSQL's statement leaves it to the ordinary
    // recording, SQLite's merged statements correct it themselves.
    const late = atOnceOutcomes.filter((o) => !done.recorded.has(o.id));
    assert.deepEqual(late.map((o) => o.id), ENGINE === 'postgres' ? [atOnceOutcomes[5]!.id] : []);
    await database.db.transaction().execute(async (trx) => queue.applyCounterDeltas(trx, await queue.recordOutcomes(trx, owner, late, NOW + 100), NOW + 100));

    const normalise = (claimed: queue.ClaimedRecipient[], { blastId, firstCustomer }: { blastId: number; firstCustomer: number }) =>
      claimed.map((r) => ({ ...r, id: r.id - claims.get(blastId)![0]!.id, blast_id: undefined, customer_id: r.customer_id - firstCustomer, customer: { ...r.customer!, status: undefined } }));
    const ordinaryClaims = normalise(ordinaryClaimed, ordinary);
    const atOnceClaims = normalise(done.claimed, atOnce);
    assert.deepEqual(ordinaryClaims.map((r) => r.id), [4, 6, 7]);
    const expected = await snapshot(ordinary.blastId, ordinary.firstCustomer, `owner-${ordinary.blastId}`);
    const actual = await snapshot(atOnce.blastId, atOnce.firstCustomer, owner);
    if (ENGINE === 'postgres') {
      // The same claims, but for the row released in this very commit: the statement claims what
      // was pending when it began, so that row waits for the next claim (the ordinary commit, which
      // records first, takes it back at once).
      assert.deepEqual(atOnceClaims.map((r) => r.id), [6, 7, 8]);
      assert.deepEqual(atOnceClaims.slice(0, 2), ordinaryClaims.slice(1));
      assert.deepEqual(done.claimed[0]!.customer, { name: 'C6', phone: mobileNumber(8006), status: 'at-once', attributes: { n: 6 }, opted_out_at: null });
      // Row 8 is claimed by the statement alone (above); the rest must agree.
      assert.deepEqual(actual.rows.filter((r) => r.id !== 8 && r.id !== 4), expected.rows.filter((r) => r.id !== 8 && r.id !== 4));
      assert.deepEqual(actual.rows[4], { ...expected.rows[4], status: 'pending', attempts: 0, claim_owner: null, lease_expires_at: null, sender_id: actual.rows[4]!.sender_id });
    } else {
      // Recorded first, as the ordinary commit: the same claims, the same rows.
      assert.deepEqual(atOnceClaims, ordinaryClaims);
      assert.deepEqual(done.claimed[1]!.customer, { name: 'C6', phone: mobileNumber(8006), status: 'at-once', attributes: JSON.stringify({ n: 6 }), opted_out_at: null });
      assert.deepEqual(actual.rows, expected.rows);
    }
    assert.deepEqual(actual.blast, expected.blast);
    assert.deepEqual(actual.events, expected.events);
    // What the ordinary commit did, so that agreeing with it means something.
    assert.deepEqual([expected.blast.sent_count, expected.blast.failed_count, expected.blast.skipped_count, expected.blast.pending_count].map(Number), [2, 1, 1, 6]);
    assert.deepEqual(expected.events.map((e) => e.type), ['message.failed', 'message.sent', 'message.failed', 'message.sent']);
    assert.deepEqual(expected.rows.slice(0, 6).map((r) => r.status), ['sent', 'failed', 'skipped', 'pending', 'sending', 'sent']);
  });

  it('claims nothing from a blast no longer sending', async () => {
    const { blastId } = await sendingBlast('paused', 2);
    const owner = `owner-${blastId}`;
    const [first, second] = await claim(blastId, owner, 2, NOW + 30_000);
    await database.db.updateTable('whatsapp_blasts').set({ status: 'paused' }).where('id', '=', blastId).execute();
    const whilePaused = await atOnceAlone(NOW + 100, {
      owner,
      recipients: new Map([first!, second!].map((r) => [r.id, r])),
      outcomes: [{ id: first!.id, blastId, kind: 'retry', reason: 'timeout; retrying', nextAttemptAt: NOW }],
      claim: { blastId, senderId: 1, leaseExpiresAt: NOW + 90_000, limit: 5 },
    });
    // The retried row is pending and due, but the blast is paused: nothing is claimed.
    assert.deepEqual(whilePaused, { recorded: new Set([first!.id]), claimed: [] });
  });

  it("records several lanes' outcomes in one commit, each only on rows it holds, and deals out their claims in turn", async () => {
    const { blastId } = await sendingBlast('two-lanes', 12);
    const [a1, a2, b1, c1] = [await claim(blastId, 'lane-a', 2, NOW + 30_000), await claim(blastId, 'lane-b', 1, NOW + 30_000), await claim(blastId, 'lane-c', 1, NOW + 30_000)].flat();
    const recipients = new Map([a1!, a2!, b1!, c1!].map((r) => [r.id, r]));
    const [a, b] = await commitLanes(NOW + 100, [
        {
          owner: 'lane-a',
          recipients,
          // c1 is another lane's row: lane a's outcome for it must not be recorded.
          outcomes: [
            { id: a1!.id, blastId, kind: 'sent', providerMessageId: 'wamid.a1', at: NOW + 50 },
            { id: c1!.id, blastId, kind: 'failed', reason: 'not yours' },
          ],
          claim: { blastId, senderId: 1, leaseExpiresAt: NOW + 60_000, limit: 2 },
        },
        {
          owner: 'lane-b',
          recipients,
          outcomes: [{ id: b1!.id, blastId, kind: 'failed', reason: 'bad number' }],
          claim: { blastId, senderId: 2, leaseExpiresAt: NOW + 70_000, limit: 3 },
        },
    ]);
    // SQLite's merged statements answer every outcome as dealt with (nothing for the caller to record).
    assert.deepEqual(a!.recorded, new Set(ENGINE === 'postgres' ? [a1!.id] : [a1!.id, c1!.id]));
    assert.deepEqual(b!.recorded, new Set([b1!.id]));
    // The first due rows to the first lane, the next ones to the second, none to both.
    const firstDue = c1!.id + 1;
    assert.deepEqual(a!.claimed.map((r) => r.id), [firstDue, firstDue + 1]);
    assert.deepEqual(b!.claimed.map((r) => r.id), [firstDue + 2, firstDue + 3, firstDue + 4]);
    assert.ok(a!.claimed.every((r) => r.customer !== null && !('claim_owner' in r)));
    const rows = await database.db.selectFrom('whatsapp_blast_logs').select(['id', 'status', 'claim_owner', 'sender_id', 'lease_expires_at']).where('blast_id', '=', blastId).orderBy('id').execute();
    assert.deepEqual(
      rows.slice(0, 9).map((r) => [r.status, r.claim_owner, r.sender_id === null ? null : Number(r.sender_id), r.lease_expires_at === null ? null : Number(r.lease_expires_at)]),
      [
        ['sent', null, 1, null],
        ['sending', 'lane-a', 1, NOW + 30_000],
        ['failed', null, 1, null],
        ['sending', 'lane-c', 1, NOW + 30_000],
        ['sending', 'lane-a', 1, NOW + 60_000],
        ['sending', 'lane-a', 1, NOW + 60_000],
        ['sending', 'lane-b', 2, NOW + 70_000],
        ['sending', 'lane-b', 2, NOW + 70_000],
        ['sending', 'lane-b', 2, NOW + 70_000],
      ],
    );
    const blast = await database.db.selectFrom('whatsapp_blasts').select(['sent_count', 'failed_count', 'pending_count']).where('id', '=', blastId).executeTakeFirstOrThrow();
    assert.deepEqual([blast.sent_count, blast.failed_count, blast.pending_count].map(Number), [1, 1, 10]);
  });

  for (const order of ['the late outcome last', 'the late outcome first']) {
    it(`records a row named in two lanes' outcomes for the lane that holds it only (${order})`, async () => {
      // Lane A outlives its claim, the recovery fails the row, the failed recipients are retried,
      // and lane B claims and sends the row before A's late outcome is recorded.
      const { blastId } = await sendingBlast(`two-owners-${order.split(' ').at(-1)}`, 2);
      const [stale] = await claim(blastId, 'lane-a', 1, NOW - 1);
      await database.db.transaction().execute((trx) => queue.failExpiredClaims(trx, NOW));
      await database.db.transaction().execute((trx) => requeueFailedRecipients(trx, blastId, undefined, NOW));
      const [again] = await claim(blastId, 'lane-b', 1, NOW + 30_000);
      assert.equal(again!.id, stale!.id);
      const recipients = new Map([[again!.id, again!]]);
      const sent: LaneCommit = { owner: 'lane-b', recipients, outcomes: [{ id: again!.id, blastId, kind: 'sent', providerMessageId: 'wamid.b', at: NOW + 50 }] };
      const late: LaneCommit = { owner: 'lane-a', recipients, outcomes: [{ id: stale!.id, blastId, kind: 'sent', providerMessageId: 'wamid.a', at: NOW + 40 }] };
      await commitLanes(NOW + 100, order === 'the late outcome last' ? [sent, late] : [late, sent]);
      const row = await database.db.selectFrom('whatsapp_blast_logs').select(['status', 'claim_owner', 'provider_message_id']).where('id', '=', again!.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'sent', claim_owner: null, provider_message_id: 'wamid.b' });
      const events = await database.db.selectFrom('webhook_deliveries').select(['type', 'payload']).where('blast_id', '=', blastId).where('type', 'like', 'message.%').orderBy('id').execute();
      // The recovery's "delivery unknown", then lane B's send; nothing of lane A's late outcome.
      assert.deepEqual(
        events.map((e) => [e.type, JSON.parse(e.payload).data.provider_message_id ?? JSON.parse(e.payload).data.reason]),
        [
          ['message.failed', queue.DELIVERY_UNKNOWN],
          ['message.sent', 'wamid.b'],
        ],
      );
      const blast = await database.db.selectFrom('whatsapp_blasts').select(['status', 'sent_count', 'failed_count', 'pending_count']).where('id', '=', blastId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...blast, sent_count: Number(blast.sent_count), failed_count: Number(blast.failed_count), pending_count: Number(blast.pending_count) }, {
        status: 'processing',
        sent_count: 1,
        failed_count: 0,
        pending_count: 1,
      });
    });
  }

  it('splits many lanes asked for together into shared commits of a bounded size, and records and claims for all of them', async () => {
    const lanes = 50;
    const { blastId } = await sendingBlast('many-lanes', lanes * 100 * 2);
    const held = await Promise.all(Array.from({ length: lanes }, (_, i) => claim(blastId, `many-${i}`, 100, NOW + 30_000)));
    const runs: number[] = [];
    const shared = new SharedStatement((now, parts) => (runs.push(parts.reduce((n, p) => n + p.outcomes.length + (p.claim?.limit ?? 0), 0)), commitLanes(now, parts)), { now: () => NOW + 100 });
    // 50 lanes of 100 outcomes and 100 claims: at one set of statements, SQLite could not bind the
    // parameters, and PostgreSQL's statement took seconds.
    const done = await Promise.all(
      held.map((rows, i) =>
        shared.commit(blastId, {
          owner: `many-${i}`,
          recipients: new Map(rows.map((r) => [r.id, r])),
          outcomes: rows.map((r) => ({ id: r.id, blastId, kind: 'sent' as const, providerMessageId: `wamid.${r.id}`, at: NOW + 50 })),
          claim: { blastId, senderId: i + 1, leaseExpiresAt: NOW + 60_000, limit: 100 },
        }),
      ),
    );
    assert.ok(runs.length > 1 && runs.every((rows) => rows <= MAX_ROWS_PER_SHARED_COMMIT), `rows per shared commit: ${runs.join(', ')}`);
    assert.equal(runs.reduce((a, b) => a + b, 0), lanes * 200);
    assert.equal(done.reduce((n, d) => n + d.recorded.size, 0), lanes * 100);
    assert.deepEqual(new Set(done.map((d) => d.claimed.length)), new Set([100]));
    assert.equal(new Set(done.flatMap((d) => d.claimed.map((r) => r.id))).size, lanes * 100);
    const blast = await database.db.selectFrom('whatsapp_blasts').select(['sent_count', 'pending_count']).where('id', '=', blastId).executeTakeFirstOrThrow();
    assert.deepEqual([blast.sent_count, blast.pending_count].map(Number), [lanes * 100, lanes * 100]);
    const statuses = await database.db.selectFrom('whatsapp_blast_logs').select(['status']).select((eb) => eb.fn.countAll().as('n')).where('blast_id', '=', blastId).groupBy('status').orderBy('status').execute();
    assert.deepEqual(statuses.map((r) => [r.status, Number(r.n)]), [['sending', lanes * 100], ['sent', lanes * 100]]);
  });

  it("runs the commits of one blast's lanes asked for together as one, and other blasts' apart", async () => {
    const [one, other] = [await sendingBlast('shared-one', 6), await sendingBlast('shared-other', 6)];
    const runs: number[] = [];
    const shared = new SharedStatement((now, lanes) => (runs.push(lanes.length), commitLanes(now, lanes)), { now: () => NOW + 100 });
    const lane = (owner: string, blastId: number, senderId: number) => ({ owner, outcomes: [], recipients: new Map(), claim: { blastId, senderId, leaseExpiresAt: NOW + 60_000, limit: 2 } });
    const done = await Promise.all([
      shared.commit(one.blastId, lane('one-a', one.blastId, 1)),
      shared.commit(one.blastId, lane('one-b', one.blastId, 2)),
      shared.commit(one.blastId, lane('one-c', one.blastId, 3)),
      shared.commit(other.blastId, lane('other-a', other.blastId, 1)),
    ]);
    assert.deepEqual(runs, [3, 1]);
    assert.deepEqual(done.map((d) => d.claimed.length), [2, 2, 2, 2]);
    assert.equal(new Set(done.flatMap((d) => d.claimed.map((r) => r.id))).size, 8);
    // Asked for while a statement of its blast runs: waits for it, then goes in the next one.
    const first = shared.commit(one.blastId, lane('one-d', one.blastId, 4));
    await new Promise(setImmediate);
    const second = shared.commit(one.blastId, lane('one-e', one.blastId, 5));
    const third = shared.commit(one.blastId, lane('one-f', one.blastId, 6));
    assert.deepEqual((await Promise.all([first, second, third])).map((d) => d.claimed.length), [0, 0, 0]);
    assert.deepEqual(runs, [3, 1, 1, 2]);
  });

  it('waits for a cancel that holds the blast, then claims nothing: it locks no pending row before the blast (no deadlock)', { skip: ENGINE === 'sqlite' && 'SQLite has one writer: nothing runs beside a cancel' }, async () => {
    const { blastId } = await sendingBlast('cancelled-meanwhile', 6);
    const [held] = await claim(blastId, 'lane-a', 1, NOW + 30_000);
    let statement: Promise<LaneCommitted[]> | undefined;
    await database.db.transaction().execute(async (trx) => {
      // As a cancel does: the blast's row first, then its pending rows.
      await trx.updateTable('whatsapp_blasts').set({ status: 'cancelled' }).where('id', '=', blastId).execute();
      statement = recordAndClaimAtOnce(database.prepared!, {
        now: NOW + 100,
        lanes: [{ owner: 'lane-a', recipients: new Map([[held!.id, held!]]), outcomes: [{ id: held!.id, blastId, kind: 'sent', providerMessageId: 'wamid.x', at: NOW }], claim: { blastId, senderId: 1, leaseExpiresAt: NOW + 60_000, limit: 4 } }],
      });
      // The statement is waiting for the blast's row before the cancel goes on.
      for (let i = 0; i < 200; i++) {
        const waiting = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db);
        if (Number(waiting.rows[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await trx.updateTable('whatsapp_blast_logs').set({ status: 'cancelled' }).where('blast_id', '=', blastId).where('status', '=', 'pending').execute();
    });
    const [done] = await statement!;
    assert.deepEqual(done, { recorded: new Set([held!.id]), claimed: [] });
    const rows = await database.db.selectFrom('whatsapp_blast_logs').select('status').where('blast_id', '=', blastId).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => r.status), ['sent', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  });

  // Kept by a blast that sent something: every character JSON must escape, and some it need not.
  const REASON = 'said "hi" \\ back\nthen \u0001 ☺ \u2028 done';
  for (const { finish, kinds } of [
    { finish: 'completed', kinds: ['sent', 'failed'] },
    { finish: 'failed', kinds: ['failed', 'failed'] },
  ] as const) {
    it(`finishes in the same commit a blast it leaves with nothing pending (${finish}), as completeIfDone does, with the same event`, async () => {
      const finishing: Record<string, { blastId: number; firstCustomer: number; owner: string }> = {};
      for (const way of ['ordinary', 'at-once']) {
        const { blastId, firstCustomer } = await sendingBlast(`finish-${finish}-${way}`, 2);
        await database.db.updateTable('whatsapp_blasts').set({ status_reason: REASON }).where('id', '=', blastId).execute();
        finishing[way] = { blastId, firstCustomer, owner: `owner-${blastId}` };
      }
      const outcomesFor = async (way: string): Promise<queue.Outcome[]> => {
        const { blastId, owner } = finishing[way]!;
        const claimed = await claim(blastId, owner, 2, NOW + 30_000);
        return claimed.map((r, i) => (kinds[i] === 'sent' ? { id: r.id, blastId, kind: 'sent', providerMessageId: `wamid.${i}`, at: NOW + 250 } : { id: r.id, blastId, kind: 'failed', reason: 'bad number' }));
      };
      const ordinary = finishing['ordinary']!;
      const ordinaryOutcomes = await outcomesFor('ordinary');
      await database.db.transaction().execute(async (trx) => queue.applyCounterDeltas(trx, await queue.recordOutcomes(trx, ordinary.owner, ordinaryOutcomes, NOW + 300), NOW + 300));
      const atOnce = finishing['at-once']!;
      const atOnceOutcomes = await outcomesFor('at-once');
      const recipients = new Map((await database.db.selectFrom('whatsapp_blast_logs').selectAll().where('blast_id', '=', atOnce.blastId).execute()).map((r) => [Number(r.id), { customer_id: Number(r.customer_id), phone_number: r.phone_number! }]));
      const last = await atOnceAlone(NOW + 300, { owner: atOnce.owner, recipients, outcomes: atOnceOutcomes });
      assert.equal(last.recorded.size, 2);

      const expected = await snapshot(ordinary.blastId, ordinary.firstCustomer, ordinary.owner);
      const actual = await snapshot(atOnce.blastId, atOnce.firstCustomer, atOnce.owner);
      assert.deepEqual(actual.blast, expected.blast);
      assert.deepEqual(actual.events, expected.events);
      // What completeIfDone did, so that agreeing with it means something.
      assert.equal(expected.blast.status, finish);
      assert.equal(expected.blast.status_reason, finish === 'completed' ? REASON : "no message could be sent: see the recipients' errors");
      assert.equal(Number(expected.blast.completed_at), NOW + 300);
      assert.deepEqual(expected.events.map((e) => e.type).at(-1), `blast.${finish}`);
      // The body byte for byte as JSON.stringify writes it (the same keys, order and escapes).
      const bodies = await database.db.selectFrom('webhook_deliveries').select('payload').where('blast_id', '=', atOnce.blastId).where('type', 'like', 'blast.%').execute();
      assert.equal(bodies.length, 1);
      assert.equal(bodies[0]!.payload, JSON.stringify(JSON.parse(bodies[0]!.payload)));
      assert.equal(JSON.parse(bodies[0]!.payload).data.reason, finish === 'completed' ? REASON : expected.blast.status_reason);
    });
  }
});

async function addAdmin(database: Database, name: string): Promise<number> {
  const row = await database.db
    .insertInto('admins')
    .values({ email: `${name}@example.test`, name, password_hash: 'x', created_at: NOW })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function addBlast(database: Database, admin: number, status: string, values: Record<string, unknown>): Promise<number> {
  const row = await database.db
    .insertInto('whatsapp_blasts')
    .values({ admin_id: admin, title: 't', message_template: 'Halo {name}', target_type: 'all', status: status as 'queued', created_at: NOW, ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
