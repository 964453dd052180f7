import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mobileNumber, startTestService, type TestService } from '../helpers.js';
import { databaseFingerprint } from './hostile-support.js';
import { describeRequest, hostileRequest, operationsOf, sendAndJudge, type Operation } from './fuzz-requests.js';

/**
 * Property: whatever request reaches any route of the OpenAPI document, the service answers in
 * time, never with a 5xx, every 4xx in our error shape and without writing anything, and stays
 * up. The document is read from the running service, so routes added later are fuzzed too.
 *
 * A fixed seed keeps `npm test` repeatable; FUZZ_SEED=random (or a number) explores further, and
 * `npm run bench -- fuzz` runs far more cases (docs/reliability.md).
 */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261203);
const AUTHENTICATED_RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const UNAUTHENTICATED_RUNS = Math.ceil(AUTHENTICATED_RUNS / 3);

describe(`fuzzing every documented route (seed ${SEED})`, () => {
  let svc: TestService;
  let operations: Operation[];
  let ids: string[];

  before(async () => {
    // No worker: the requests are the only writers, so "wrote nothing" can be checked exactly.
    svc = await startTestService({ ROLE: 'api' });
    const customers = await svc.api.createCustomers(Array.from({ length: 5 }, (_, i) => ({ name: `C${i + 1}`, phone: mobileNumber(i + 1), attributes: { city: 'Bandung' } })));
    const blast = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
    assert.equal(blast.status, 202);
    ids = [...new Set(['1', '2', String(customers[0]!.id), String(blast.body.blast_id)])];
    operations = operationsOf((await svc.api.get('/openapi.json')).body);
    assert.ok(operations.length >= 20, `only ${operations.length} operations in the document`);
  });
  after(() => svc?.stop());

  async function fuzz(token: string | undefined, numRuns: number): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    let fingerprint = await databaseFingerprint(svc.service.database);
    await fc.assert(
      fc.asyncProperty(hostileRequest(operations, { ids, token }), async (request) => {
        const verdict = await sendAndJudge(svc.url, request, svc.service.database, fingerprint);
        fingerprint = verdict.after;
        statuses.set(verdict.status, (statuses.get(verdict.status) ?? 0) + 1);
        assert.equal(verdict.finding, undefined, `${verdict.finding}\n  request: ${describeRequest(request)}`);
      }),
      { numRuns, seed: SEED, endOnFailure: true },
    );
    const health = await fetch(`${svc.url}/healthz`);
    assert.equal(health.status, 200, 'the service stopped answering /healthz');
    return statuses;
  }

  it(`answers ${AUTHENTICATED_RUNS} hostile requests with the admin's token: no 5xx, our shape, nothing written, in time`, async () => {
    const statuses = await fuzz(svc.api.token, AUTHENTICATED_RUNS);
    // The generator must reach past authentication and validation, or it proves little.
    const reached = [...statuses].filter(([status]) => status !== 401).reduce((sum, [, n]) => sum + n, 0);
    assert.ok(reached > AUTHENTICATED_RUNS / 2, `statuses: ${JSON.stringify([...statuses])}`);
  });

  it(`answers ${UNAUTHENTICATED_RUNS} hostile requests without a token the same way`, async () => {
    await fuzz(undefined, UNAUTHENTICATED_RUNS);
  });
});
