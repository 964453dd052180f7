import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { spawnNode } from '../test/process-helpers.js';
import { int } from './util.js';

/**
 * Which HTTP client the gateway adapters should use (issue 11): the same Meta send call to the
 * throughput bench's fake (its own process), 1 and 8 at a time, through
 * - node:http with a keep-alive Agent,
 * - undici's `request` on a keep-alive Agent (what src/gateways/http-client.ts uses),
 * - Node's global `fetch` (what the adapters used before).
 * Each with GATEWAY_TIMEOUT_MS's AbortSignal and the answer parsed, after 500 warm-up calls.
 *
 * `npx tsx bench/http-clients.ts [count]` (default 20000 per client and concurrency).
 */
const count = Number(process.argv[2] ?? 20_000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'bench-meta-token';

const fake = spawnNode(['--import', 'tsx', path.join(ROOT, 'bench', 'throughput-fake.ts'), TOKEN], {});
const port = Number(/listening (\d+)/.exec(await fake.waitForLine(/listening \d+/))![1]);
const url = `http://127.0.0.1:${port}/v21.0/1000001/messages`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
const body = (i: number) => JSON.stringify({ messaging_product: 'whatsapp', to: `62812${String(i).padStart(8, '0')}`, type: 'text', text: { body: `Halo ${i}` } });
const check = (status: number, text: string) => {
  if (status !== 200 || !(JSON.parse(text) as { messages?: unknown[] }).messages) throw new Error(`the fake refused a send: ${status}`);
};

const nodeAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const viaNodeHttp = (i: number) =>
  new Promise<void>((resolve, reject) => {
    const payload = body(i);
    const req = http.request(url, { method: 'POST', agent: nodeAgent, signal: AbortSignal.timeout(15_000), headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          check(res.statusCode ?? 0, text);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });

const undiciAgent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
const viaUndici = async (i: number) => {
  const res = await request(url, { method: 'POST', headers, body: body(i), signal: AbortSignal.timeout(15_000), dispatcher: undiciAgent });
  check(res.statusCode, await res.body.text());
};

const viaFetch = async (i: number) => {
  const res = await fetch(url, { method: 'POST', headers, body: body(i), signal: AbortSignal.timeout(15_000) });
  check(res.status, await res.text());
};

async function measure(name: string, send: (i: number) => Promise<void>, concurrency: number): Promise<void> {
  for (let i = 0; i < 500; i++) await send(i);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${name.padEnd(22)} ${String(concurrency).padStart(2)} at a time: ${int(count / seconds).padStart(6)}/s, ${int((used.user + used.system) / count).padStart(4)} µs CPU per call (client side)\n`);
}

for (const concurrency of [1, 8]) {
  await measure('node:http keep-alive', viaNodeHttp, concurrency);
  await measure('undici request + Agent', viaUndici, concurrency);
  await measure('global fetch', viaFetch, concurrency);
}
nodeAgent.destroy();
await undiciAgent.close();
fake.child.kill('SIGTERM');
await fake.exited;
