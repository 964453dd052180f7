import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';

/**
 * The other side of `npm run bench -- throughput`, in its own process like our service:
 *
 * - `bare`: the same POST our Meta adapter makes, through the same keep-alive client (undici's
 *   Agent), `concurrency` at a time, with no queue and no database: the ceiling.
 * - `bullmq`: the peer. One BullMQ queue per number on the machine's Redis, one job per
 *   message added up front (addBulk), then one Worker per queue with `concurrency` sends at a
 *   time; each job makes that POST, checks Meta's answer and returns the message id, which
 *   BullMQ stores with the completed job (as we store ours on the recipient's row).
 *
 * Started as `node --import tsx bench/throughput-peer.ts '<json options>'`; prints one line
 * `result <json>` with its own CPU time for the measured part.
 */
interface PeerOptions {
  mode: 'bare' | 'bullmq';
  /** The fake's base URL with the API version, e.g. http://127.0.0.1:PORT/v21.0. */
  baseUrl: string;
  token: string;
  /** Phone number ids; messages are spread evenly over them. */
  numbers: string[];
  count: number;
  /** Sends at a time per number (bullmq) or in all (bare). */
  concurrency: number;
  redisUrl?: string;
  prefix?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as PeerOptions;
const agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });

/** What our adapter sends for a free-text message (src/gateways/providers/meta.ts messageBody). */
function body(i: number): string {
  const to = `62812${String(i).padStart(8, '0')}`;
  return JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { preview_url: false, body: `Halo Pelanggan ${i}` }, biz_opaque_callback_data: String(i) });
}

async function send(number: string, i: number): Promise<string> {
  const answer = await request(`${options.baseUrl}/${number}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
    body: body(i),
    signal: AbortSignal.timeout(15_000),
    dispatcher: agent,
  });
  const parsed = JSON.parse(await answer.body.text()) as { messages?: { id?: string }[] };
  const id = parsed.messages?.[0]?.id;
  if (answer.statusCode !== 200 || !id) throw new Error(`the fake refused a send: HTTP ${answer.statusCode}`);
  return id;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function bare(): Promise<{ cpuMs: number }> {
  const number = options.numbers[0]!;
  // Warm-up: connections opened, code paths compiled; the fake is reset after it.
  for (let i = 0; i < 500; i++) await send(number, 1_000_000_000 + i);
  await request(`${new URL(options.baseUrl).origin}/__reset`, { method: 'POST', dispatcher: agent }).then((r) => r.body.text());
  const before = cpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.count) await send(number, next++);
    }),
  );
  return { cpuMs: cpuMs() - before };
}

async function bullmq(): Promise<{ cpuMs: number; addMs: number }> {
  const connection = { url: options.redisUrl ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
  const prefix = options.prefix ?? `wb-bench-${process.pid}`;
  const queues = options.numbers.map((number) => new Queue<{ i: number }>(`send-${number}`, { connection, prefix }));
  const addStarted = performance.now();
  for (const [q, queue] of queues.entries()) {
    const mine: number[] = [];
    for (let i = q; i < options.count; i += queues.length) mine.push(i);
    for (let start = 0; start < mine.length; start += 1_000) {
      await queue.addBulk(mine.slice(start, start + 1_000).map((i) => ({ name: 'send', data: { i } })));
    }
  }
  const addMs = performance.now() - addStarted;

  const before = cpuMs();
  let completed = 0;
  let failed = 0;
  const workers: Worker[] = [];
  const done = new Promise<void>((resolve) => {
    const check = () => completed + failed >= options.count && resolve();
    for (const [q, number] of options.numbers.entries()) {
      const worker = new Worker<{ i: number }, string>(`send-${number}`, async (job) => send(number, job.data.i), { connection, prefix, concurrency: options.concurrency });
      worker.on('completed', () => (completed++, check()));
      worker.on('failed', () => (failed++, check()));
      workers[q] = worker;
    }
  });
  await done;
  const used = cpuMs() - before;
  await Promise.all(workers.map((w) => w.close()));
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  if (failed > 0) throw new Error(`${failed} BullMQ jobs failed`);
  return { cpuMs: used, addMs };
}

const result = options.mode === 'bare' ? await bare() : await bullmq();
await agent.close();
process.stdout.write(`result ${JSON.stringify(result)}\n`);
process.exit(0);
