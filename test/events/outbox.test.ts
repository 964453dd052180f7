import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/connection.js';
import { recordEvents } from '../../src/events/outbox.repository.js';
import { ENGINE, openMigratedDatabase } from '../helpers.js';

// recordEvents picks the subscriptions inside its INSERT: which ones get which event, in order.
describe(`the outbox (${ENGINE})`, () => {
  let database: Database;
  let close: () => Promise<void>;
  before(async () => {
    ({ database, close } = await openMigratedDatabase());
  });
  after(() => close());

  const subscribe = async (events: string[], active = 1) =>
    Number(
      (
        await database.db
          .insertInto('webhook_subscriptions')
          .values({ url: 'http://127.0.0.1:9/hook', events: JSON.stringify(events), secret: 's', active, created_at: 1, updated_at: 1 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );

  it('writes each event for the active subscriptions that want its type, in the order of the events', async () => {
    const sentOnly = await subscribe(['message.sent']);
    const several = await subscribe(['blast.completed', 'message.sent', 'message.failed']);
    await subscribe(['message.sent', 'blast.completed'], 0); // inactive: gets nothing
    await subscribe(['message.read']); // wants none of these types
    const events = [
      { type: 'message.sent' as const, blastId: 7, data: { n: 1 } },
      { type: 'message.failed' as const, blastId: 7, data: { n: 2 } },
      { type: 'blast.completed' as const, blastId: 7, data: { n: 3 } },
      { type: 'sender.paused' as const, data: { n: 4 } },
    ];
    await database.db.transaction().execute((trx) => recordEvents(trx, events, 1_700_000_000_000));
    const rows = await database.db.selectFrom('webhook_deliveries').select(['subscription_id', 'event_id', 'type', 'blast_id', 'payload', 'created_at', 'status']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => [Number(r.subscription_id), r.type, JSON.parse(r.payload).data.n]),
      [
        [sentOnly, 'message.sent', 1],
        [several, 'message.sent', 1],
        [several, 'message.failed', 2],
        [several, 'blast.completed', 3],
      ],
    );
    // One event id per event, shared by its subscriptions, and the payload names it.
    assert.equal(rows[0]!.event_id, rows[1]!.event_id);
    assert.notEqual(rows[1]!.event_id, rows[2]!.event_id);
    for (const r of rows) {
      assert.equal(JSON.parse(r.payload).id, r.event_id);
      assert.equal(Number(r.blast_id), 7);
      assert.equal(Number(r.created_at), 1_700_000_000_000);
      assert.equal(r.status, 'pending');
    }
  });

  it('writes nothing for no events, and keeps a blast id of none as NULL', async () => {
    const before = (await database.db.selectFrom('webhook_deliveries').select('id').execute()).length;
    await recordEvents(database.db, [], 1);
    const all = await subscribe(['sender.paused']);
    await recordEvents(database.db, [{ type: 'sender.paused', data: {} }], 2);
    const rows = await database.db.selectFrom('webhook_deliveries').select(['subscription_id', 'blast_id']).where('created_at', '=', 2).execute();
    assert.deepEqual(rows.map((r) => [Number(r.subscription_id), r.blast_id]), [[all, null]]);
    assert.equal((await database.db.selectFrom('webhook_deliveries').select('id').execute()).length, before + 1);
  });
});
