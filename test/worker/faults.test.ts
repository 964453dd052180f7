import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE } from '../helpers.js';
import { runFaultScenario } from '../fault-scenario.js';
import { FAULTS } from '../fakes/flaky-gateway.js';
import { pgClusterUnavailable } from '../pg-cluster.js';

/**
 * Issue 10's fault injection, short. In the PostgreSQL pass it brings its own cluster (never
 * the machine's server) and restarts it mid-blast; in the embedded pass there is no server to
 * restart, so the same kills and flaky gateway run against the SQLite file, which several
 * processes share too. The long run is `npm run bench -- faults` (docs/reliability.md).
 */
describe(`faults: kills, ${ENGINE === 'postgres' ? 'a PostgreSQL restart, ' : ''}a flaky gateway`, { skip: ENGINE === 'postgres' ? pgClusterUnavailable() : undefined }, () => {
  it('the blast finishes by itself: nobody twice, nobody lost, counters = rows, every "unknown" explained', async () => {
    const lines: string[] = [];
    const report = await runFaultScenario({
      engine: ENGINE,
      recipients: 240,
      senders: 3,
      workers: 3,
      kills: 4,
      restarts: 1,
      faultRate: 0.12,
      seed: 10,
      timeoutMs: 100_000,
      log: (line) => lines.push(line),
    });
    const context = `${JSON.stringify(report)}\n${lines.join('\n')}`;
    assert.deepEqual(report.problems, [], context);
    assert.equal(report.duplicates, 0, context);
    assert.deepEqual([report.kills, report.restarts], [4, ENGINE === 'postgres' ? 1 : 0], context);
    for (const fault of FAULTS) assert.ok(report.injected[fault] > 0, `no ${fault} injected: ${context}`);
    // Every recipient got a final answer, and most were sent despite everything.
    assert.equal(report.sent + report.failed + report.skipped, 240, context);
    assert.ok(report.sent >= 180, context);
  });
});
