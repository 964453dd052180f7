import fc from 'fast-check';
import { databaseFingerprint } from '../test/http/hostile-support.js';
import { describeRequest, hostileRequest, operationsOf, sendAndJudge } from '../test/http/fuzz-requests.js';
import { mobileNumber } from '../test/helpers.js';
import { createBenchDatabase } from './db.js';
import { startBenchService } from './service.js';
import type { BenchContext, Result } from './types.js';
import { int, sec } from './util.js';

/**
 * The fuzz test of test/http/fuzz.test.ts at length: `size` hostile requests over every route of
 * the OpenAPI document (three quarters with the admin's token, a quarter without), from a random
 * seed, without stopping at the first finding. A finding is a 5xx, a 4xx not in our shape or
 * that wrote to the database, or no answer within the time limit; /healthz is checked after.
 */
export async function benchFuzz(ctx: BenchContext): Promise<Result[]> {
  const bench = await createBenchDatabase(ctx.engine);
  const service = await startBenchService(bench, 'inproc', { ROLE: 'api' });
  const database = bench.connect();
  try {
    const { api } = service;
    const customers = await api.createCustomers(Array.from({ length: 5 }, (_, i) => ({ name: `C${i + 1}`, phone: mobileNumber(i + 1) })));
    const blast = await api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
    const ids = [...new Set(['1', '2', String(customers[0]!.id), String(blast.body.blast_id)])];
    const operations = operationsOf((await api.get('/openapi.json')).body);
    const seed = Date.now() % 2 ** 31;
    const findings: string[] = [];
    const statuses = new Map<number, number>();
    let fingerprint = await databaseFingerprint(database);
    const started = Date.now();
    let cases = 0;
    for (const [token, runs] of [[api.token, Math.ceil((ctx.size * 3) / 4)], [undefined, Math.floor(ctx.size / 4)]] as const) {
      // Generated in slices, so memory holds a thousand requests at a time, not the whole run.
      for (let done = 0; done < runs; done += 1000) {
        const requests = fc.sample(hostileRequest(operations, { ids, token }), { numRuns: Math.min(1000, runs - done), seed: seed + cases });
        for (const request of requests) {
          const verdict = await sendAndJudge(api.baseUrl, request, database, fingerprint);
          fingerprint = verdict.after;
          cases += 1;
          statuses.set(verdict.status, (statuses.get(verdict.status) ?? 0) + 1);
          if (verdict.finding) {
            findings.push(`${verdict.finding} — ${describeRequest(request)}`);
            ctx.log(`FINDING ${findings.length}: ${findings.at(-1)!.slice(0, 600)}`);
          }
        }
        ctx.log(`${int(cases)} cases, ${findings.length} findings, ${sec(Date.now() - started)}`);
      }
    }
    const ms = Date.now() - started;
    const healthy = (await api.get('/healthz')).status === 200;
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${int(n)}`).join(', ');
    return [
      {
        benchmark: 'fuzz',
        engine: ctx.engine,
        size: ctx.size,
        metric: 'findings (5xx, wrong shape, a write on a 4xx, no answer)',
        value: String(findings.length),
        goal: '0, /healthz answering after',
        pass: findings.length === 0 && healthy,
        detail: `${int(cases)} cases over ${operations.length} operations in ${sec(ms)} (${((cases / ms) * 1000).toFixed(0)}/s), seed ${seed}; statuses ${byStatus}; /healthz after: ${healthy ? 'ok' : 'DOWN'}`,
        raw: { seed, cases, ms, statuses: Object.fromEntries(statuses), findings },
      },
    ];
  } finally {
    await database.close();
    await service.stop();
    await bench.drop();
  }
}
