import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { assertError, ENGINE, mobileNumber, startTestService, waitFor, type TestService } from '../helpers.js';

/**
 * A transaction that PostgreSQL rolls back because it collided with another one (a deadlock,
 * 40P01, or a serialization failure, 40001) wrote nothing. The collisions are injected by a
 * trigger that raises the real error for the first N rows it sees (a sequence counts them: it
 * is not rolled back with the transaction).
 */
describe('a transaction rolled back by a conflict (PostgreSQL)', { skip: ENGINE === 'postgres' ? undefined : 'PostgreSQL only: SQLite has no deadlocks or serialization failures (its busy lock counts as unreachable)' }, () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SEND_MAX_IN_FLIGHT: '4' });
    const { db } = svc.service.database;
    await sql`CREATE SEQUENCE injected_conflicts`.execute(db);
    // The first row raises a deadlock, the second a serialization failure; the rest pass.
    await sql`CREATE FUNCTION inject_conflicts() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE n bigint := nextval('injected_conflicts');
      BEGIN
        IF n = 1 THEN RAISE EXCEPTION 'injected deadlock' USING ERRCODE = 'deadlock_detected'; END IF;
        IF n = 2 THEN RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = 'serialization_failure'; END IF;
        RETURN NEW;
      END $$`.execute(db);
  });
  after(() => svc.stop());

  const injected = async () => Number((await sql<{ last_value: string; is_called: boolean }>`SELECT last_value, is_called FROM injected_conflicts`.execute(svc.service.database.db)).rows[0]!.last_value);

  /**
   * With the first two sends' recording rolled back by a conflict (40P01, then 40001), `count`
   * customers are blasted and must all end sent, once, with nobody "delivery unknown". Answers
   * the blast's rows and the log lines written meanwhile.
   */
  async function blastThroughConflicts(count: number, firstPhone: number, extra: Record<string, unknown> = {}) {
    const { db } = svc.service.database;
    await sql`SELECT setval('injected_conflicts', 1, false)`.execute(db);
    await sql`CREATE TRIGGER inject_conflicts BEFORE UPDATE ON whatsapp_blast_logs FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION inject_conflicts()`.execute(db);
    const from = svc.logs.length;
    try {
      const customers = await svc.api.createCustomers(Array.from({ length: count }, (_, i) => ({ name: `C${firstPhone + i}`, phone: mobileNumber(firstPhone + i) })));
      const blastId = await svc.api.blastTo(customers, extra);
      const blast = await svc.api.waitForBlast(blastId);
      assert.ok((await injected()) >= 3, 'both conflicts were raised');
      assert.deepEqual([blast.status, blast.sent_count, blast.failed_count, blast.pending_count], ['completed', count, 0, 0]);
      const logs = await svc.api.allLogs(blast.id);
      assert.ok(logs.every((l) => l.status === 'sent' && l.attempts === 1 && l.error_message === null), JSON.stringify(logs.filter((l) => l.status !== 'sent')));
      const lines = svc.logs.slice(from);
      const sends = lines.filter((line) => line.includes('would send')).map((line) => (JSON.parse(line) as { to: string }).to);
      assert.equal(sends.length, count, 'nobody sent twice');
      assert.equal(new Set(sends).size, count);
      return { logs, lines };
    } finally {
      await sql`DROP TRIGGER inject_conflicts ON whatsapp_blast_logs`.execute(db);
    }
  }

  const retriedCodes = (lines: string[]) =>
    lines.filter((line) => line.includes('transaction rolled back by a conflict; running it again')).map((line) => (JSON.parse(line) as { code: string }).code);

  it('a worker commit is run again: every outcome recorded as it was, nobody sent twice, nobody "delivery unknown"', async () => {
    const { lines } = await blastThroughConflicts(20, 7300);
    assert.deepEqual(retriedCodes(lines), ['40P01', '40001']);
    assert.ok(!svc.logs.some((line) => line.includes('"level":50')), 'nothing logged as an error');
  });

  it('the same with three numbers on one blast, whose lanes share the statement: every lane of it runs its commit again', async () => {
    const extra = [];
    for (const i of [1, 2]) {
      const res = await svc.api.post('/api/v1/senders', { name: `Spare ${i}`, provider: 'log', display_number: mobileNumber(7600 + i) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      extra.push(res.body.data.id as number);
    }
    const senders = (await svc.api.get('/api/v1/senders')).body.data as { id: number; source: string }[];
    const senderIds = [senders.find((s) => s.source === 'environment')!.id, ...extra];
    const { logs, lines } = await blastThroughConflicts(60, 7700, { sender_ids: senderIds });
    assert.ok(new Set(logs.map((l) => l.sender_id)).size > 1, 'several numbers sent');
    // Each lane whose commit was in the statement that failed runs its own again. (Lanes that
    // waited behind the failed statement may share the next one, and all meet the 40001.)
    const codes = retriedCodes(lines);
    assert.ok(codes.includes('40P01') && codes.includes('40001') && codes.every((c) => c === '40P01' || c === '40001'), codes.join());
  });

  it('a commit that conflicts every time is given up after 6 attempts, logged as an error', async () => {
    const { db } = svc.service.database;
    await sql`CREATE FUNCTION always_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected deadlock, every time' USING ERRCODE = 'deadlock_detected'; END $$`.execute(db);
    await sql`CREATE TRIGGER always_conflict BEFORE UPDATE ON whatsapp_blast_logs FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION always_conflict()`.execute(db);
    const from = svc.logs.length;
    try {
      const customers = await svc.api.createCustomers([{ name: 'Unlucky', phone: mobileNumber(7500) }]);
      await svc.api.blastTo(customers);
      const gaveUp = await waitFor(async () => svc.logs.slice(from).find((line) => line.includes('rolled back by a conflict every time; giving up')), 10_000, 'the give-up');
      assert.deepEqual([JSON.parse(gaveUp).level, JSON.parse(gaveUp).attempts, JSON.parse(gaveUp).code], [50, 6, '40P01']);
      const retries = svc.logs.slice(from).filter((line) => line.includes('transaction rolled back by a conflict; running it again'));
      assert.deepEqual(retries.map((line) => (JSON.parse(line) as { attempts: number }).attempts), [1, 2, 3, 4, 5]);
    } finally {
      await sql`DROP TRIGGER always_conflict ON whatsapp_blast_logs`.execute(db);
    }
  });

  it('an API request answers 503 with Retry-After and changes nothing; the same request then goes through', async () => {
    const { db } = svc.service.database;
    await sql`SELECT setval('injected_conflicts', 1, true)`.execute(db); // the next row raises the serialization failure only
    await sql`CREATE TRIGGER inject_conflicts BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION inject_conflicts()`.execute(db);
    try {
      const body = { customers: [{ name: 'Collided', phone: mobileNumber(7400) }] };
      const refused = await svc.api.post('/api/v1/customers', body);
      assertError(refused, 503);
      assert.match(refused.body.message, /collided with another change/);
      assert.equal(refused.headers.get('retry-after'), '1');
      const named = async () => (await db.selectFrom('customers').select('id').where('name', '=', 'Collided').execute()).length;
      assert.equal(await named(), 0, 'nothing was created');
      const accepted = await svc.api.post('/api/v1/customers', body);
      assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
      assert.equal(await named(), 1);
    } finally {
      await sql`DROP TRIGGER inject_conflicts ON customers`.execute(db);
    }
  });
});
