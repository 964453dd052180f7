import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/connection.js';
import { countAudience, OPTED_OUT } from '../../src/blasts/recipients.repository.js';
import { expandNextBlast } from '../../src/worker/expansion.js';
import { mobileNumber, openMigratedDatabase } from '../helpers.js';

/**
 * The expansion's rules at the repository level, where every case can be set up exactly: who is
 * a duplicate is decided within the blast's audience only, the first (lowest id) customer of a
 * number keeps it even when that customer is skipped for another reason, and the preview's
 * count agrees with what the expansion then writes.
 */
describe('resolving a blast audience into recipients', () => {
  let database: Database;
  let close: () => Promise<void>;
  before(async () => {
    ({ database, close } = await openMigratedDatabase());
  });
  after(() => close());

  async function customer(name: string, status: string, phone: string | null, optedOut = false): Promise<number> {
    const now = Date.now();
    const row = await database.db
      .insertInto('customers')
      .values({
        name,
        status,
        phone,
        phone_normalized: phone,
        phone_error: null,
        attributes: '{}',
        created_at: now,
        updated_at: now,
        opted_out_at: optedOut ? now : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  it('skips later customers of a number within the audience, naming the first, and counts as the preview did', async () => {
    const one = mobileNumber(7001).replace(/^0/, '62');
    const two = mobileNumber(7002).replace(/^0/, '62');
    const three = mobileNumber(7003).replace(/^0/, '62');
    const a = await customer('A', 'vip', one);
    const outside = await customer('B outside the audience', 'active', two);
    const c = await customer('C', 'vip', two);
    const d = await customer('D', 'vip', one);
    const e = await customer('E opted out', 'vip', three, true);
    const f = await customer('F', 'vip', three);
    const g = await customer('G no phone', 'vip', null);

    const target = { target_type: 'filter' as const, target_params: JSON.stringify({ status: 'vip' }) };
    const preview = await countAudience(database.db, database.engine, target);
    const admin = await database.db
      .insertInto('admins')
      .values({ email: 'recipients@example.test', name: 'test', password_hash: 'x', created_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const blast = await database.db
      .insertInto('whatsapp_blasts')
      .values({ admin_id: Number(admin.id), title: 't', message_template: 'Halo', ...target, status: 'queued', created_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow();

    const expanded = await expandNextBlast(database, Date.now());
    assert.deepEqual(expanded, { blastId: Number(blast.id), total: 6, pending: 2 });
    assert.deepEqual(preview, { total: 6, sendable: 2 });

    const logs = await database.db.selectFrom('whatsapp_blast_logs').select(['id', 'customer_id', 'status', 'error_message']).where('blast_id', '=', blast.id).execute();
    const byCustomer = new Map(logs.map((l) => [Number(l.customer_id), [l.status, l.error_message]]));
    assert.equal(byCustomer.has(outside), false);
    assert.deepEqual(byCustomer.get(a), ['pending', null]);
    // B shares C's number but is not in the audience: C is the first of the blast.
    assert.deepEqual(byCustomer.get(c), ['pending', null]);
    assert.deepEqual(byCustomer.get(d), ['skipped', `duplicate number: customer ${a} has the same number`]);
    assert.deepEqual(byCustomer.get(e), ['skipped', OPTED_OUT]);
    // E keeps the number although it is opted out: F is still a duplicate.
    assert.deepEqual(byCustomer.get(f), ['skipped', `duplicate number: customer ${e} has the same number`]);
    assert.deepEqual(byCustomer.get(g), ['skipped', 'no phone number']);

    const counters = await database.db
      .selectFrom('whatsapp_blasts')
      .select(['target_count', 'pending_count', 'skipped_count', 'first_log_id', 'last_log_id'])
      .where('id', '=', blast.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([Number(counters.target_count), Number(counters.pending_count), Number(counters.skipped_count)], [6, 2, 4]);
    // The listings read the blast's rows as this id range: it spans the skipped rows as well.
    const ids = logs.map((l) => Number(l.id));
    assert.deepEqual([Number(counters.first_log_id), Number(counters.last_log_id)], [Math.min(...ids), Math.max(...ids)]);
  });
});
