import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/db/connection.js';
import { MIGRATIONS } from '../../src/db/migrate.js';
import { createTestDatabase, testEnv, type TestDatabase } from '../helpers.js';
import { spawnService } from '../process-helpers.js';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  it('apply exactly once when several processes start at the same moment', async () => {
    const env = testEnv(db);
    const procs = Array.from({ length: 4 }, () => spawnService(env, 'src/migrate.ts'));
    const codes = await Promise.all(procs.map((p) => p.exited));
    const outputs = procs.map((p) => p.lines.join('\n'));
    assert.deepEqual(codes, [0, 0, 0, 0], outputs.join('\n---\n'));
    assert.equal(outputs.filter((o) => o === `applied: ${Object.keys(MIGRATIONS).join(', ')}`).length, 1, outputs.join(' | '));
    assert.equal(outputs.filter((o) => o === 'database is up to date').length, 3, outputs.join(' | '));

    const database = connect({ databaseUrl: db.url, dataDir: db.dataDir });
    try {
      const tables = (await database.db.introspection.getTables()).map((t) => t.name);
      for (const name of ['admins', 'admin_tokens', 'customers', 'senders', 'blast_senders', 'whatsapp_blasts', 'whatsapp_blast_logs']) {
        assert.ok(tables.includes(name), `table ${name} exists`);
      }
    } finally {
      await database.close();
    }
  });
});
