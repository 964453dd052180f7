import { Queue, Worker } from 'bullmq';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { createSendingAgent } from '../src/gateways/http-client.js';
import { Pacer } from '../src/worker/pacer.js';
import { openMinimumQueue, type MinimumDatabase } from './durable-minimum.js';

/**
 * The other side of `npm run bench -- throughput`, in its own process like our service:
 *
 * - `bare`: the same POST our Meta adapter makes, through the same keep-alive client (undici's
 *   Agent), `concurrency` at a time, with no queue and no database: the ceiling.
 * - `bullmq`: the peer. One BullMQ queue per number on the machine's Redis, one job per
 *   message added up front (addBulk), then one Worker per queue with `concurrency` sends at a
 *   time; each job makes that POST, checks Meta's answer and returns the message id, which
 *   BullMQ stores with the completed job (as we store ours on the recipient's row).
 * - `durable`: the minimal durable loop. The same sends as `bullmq` (per number, `concurrency` at a
 *   time), each claimed and its outcome recorded in a table on the engine of the run
 *   (durable-minimum.ts), a slot starting its next request only once the previous outcome in it is
 *   committed: what our crash rule allows at best on that engine, with none of our code.
 * - `paced` (the rate bench's reference): one number's sends started when our own Pacer allows
 *   for `pace.perSecond`, `concurrency` at most in flight, no queue and no database; writes when
 *   each send's request was written (as our Pacer counts it) to `pace.writesFile` (JSON
 *   `[recipient, hrtime ms]` pairs: the clock of the fake's arrivals).
 *
 * Started as `node --import tsx bench/throughput-peer.ts '<json options>'`; prints one line
 * `result <json>` with its own CPU time for the measured part.
 */
interface PeerOptions {
  mode: 'bare' | 'bullmq' | 'durable' | 'paced';
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
  /** `durable`: where its table goes. */
  database?: MinimumDatabase;
  /** `paced`: the limit per second, and the file for its writes. */
  pace?: { perSecond: number; writesFile: string };
}

const options = JSON.parse(process.argv[2] ?? '{}') as PeerOptions;
// Our adapters' client, which reports `onSent` when a request has been written.
const agent = createSendingAgent();

/** What our adapter sends for a free-text message (src/gateways/providers/meta.ts messageBody). */
function body(i: number): string {
  return JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: recipient(i), type: 'text', text: { preview_url: false, body: `Halo Pelanggan ${i}` }, biz_opaque_callback_data: String(i) });
}

const recipient = (i: number) => `62812${String(i).padStart(8, '0')}`;

async function send(number: string, i: number, onSent?: () => void): Promise<string> {
  const init = {
    method: 'POST' as const,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
    body: body(i),
    signal: AbortSignal.timeout(15_000),
    dispatcher: agent,
    onSent,
  };
  const answer = await request(`${options.baseUrl}/${number}/messages`, init);
  const parsed = JSON.parse(await answer.body.text()) as { messages?: { id?: string }[] };
  const id = parsed.messages?.[0]?.id;
  if (answer.statusCode !== 200 || !id) throw new Error(`the fake refused a send: HTTP ${answer.statusCode}`);
  return id;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Connections opened (`parallel` of them), code paths compiled; the fake is reset after it, so none of it counts. */
async function warmUp(parallel = 1): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < 500) await send(options.numbers[0]!, 1_000_000_000 + next++);
    }),
  );
  await request(`${new URL(options.baseUrl).origin}/__reset`, { method: 'POST', dispatcher: agent }).then((r) => r.body.text());
}

async function bare(): Promise<{ cpuMs: number }> {
  const number = options.numbers[0]!;
  await warmUp();
  const before = cpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.count) await send(number, next++);
    }),
  );
  return { cpuMs: cpuMs() - before };
}

/** The machine's monotonic clock in ms, as the fake stamps arrivals (process.hrtime). */
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Starts each send when our own Pacer (src/worker/pacer.ts: the spacing and window margins, the
 * window rule, late starts made up half a spacing apart) allows it, on the monotonic clock, with
 * at most `concurrency` in flight, and tells it when each request was written, as our lanes do.
 * No one-second window of its writes holds more than `perSecond`, so whatever more the fake
 * counts in a window is how requests reach it on this machine, not any sender's code.
 */
async function paced(): Promise<{ cpuMs: number }> {
  const number = options.numbers[0]!;
  const { perSecond, writesFile } = options.pace!;
  // Every connection the run will use is open before it: none is opened in the measured part.
  await warmUp(options.concurrency);
  const before = cpuMs();
  const pacer = new Pacer(
    { maxInFlight: options.concurrency, maxPerSecond: perSecond, pauseMinMs: 0, pauseMaxMs: 0 },
    { nextStartAt: Math.ceil(monotonicMs()) + 100, slowdown: 0, slowdownAt: null },
  );
  const writes: [string, number][] = [];
  const sends: Promise<unknown>[] = [];
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  for (let i = 0; i < options.count; i++) {
    while (inFlight >= options.concurrency) await new Promise<void>((resolve) => (slotFreed = resolve));
    // (nextStartAt is Infinity while a request a window back is not written yet: look again soon.)
    while (monotonicMs() < pacer.nextStartAt) await sleep(Math.min(100, Math.max(1, Math.ceil(pacer.nextStartAt - monotonicMs()))));
    const at = monotonicMs();
    const start = pacer.started(at);
    const entry: [string, number] = [recipient(i), at];
    writes.push(entry);
    inFlight++;
    const written = () => {
      entry[1] = monotonicMs();
      pacer.sent(start, entry[1]);
    };
    sends.push(
      send(number, i, written).finally(() => {
        inFlight--;
        pacer.ended(start, monotonicMs());
        slotFreed?.();
      }),
    );
  }
  await Promise.all(sends);
  const used = cpuMs() - before;
  writeFileSync(writesFile, JSON.stringify(writes));
  return { cpuMs: used };
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

async function durable(): Promise<{ cpuMs: number }> {
  const queue = await openMinimumQueue(options.database!, options.count, options.numbers.length);
  await warmUp();
  const before = cpuMs();
  await Promise.all(options.numbers.map((number, q) => durableLane(number, (sent, limit) => queue.commit(q, sent, limit))));
  const used = cpuMs() - before;
  await queue.close();
  return { cpuMs: used };
}

/**
 * One number's sends: whenever outcomes are waiting (or slots are free) and no commit of the
 * number is running, one commit records them all and claims a row for every free slot.
 */
function durableLane(number: string, commit: (sent: { id: number; providerId: string }[], limit: number) => Promise<number[]>): Promise<void> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let committing = false;
    let exhausted = false;
    let done: { id: number; providerId: string }[] = [];
    const pump = (): void => {
      if (committing) return;
      const free = exhausted ? 0 : options.concurrency - inFlight;
      if (done.length === 0 && free === 0) {
        if (exhausted && inFlight === 0) resolve();
        return;
      }
      committing = true;
      const recording = done;
      done = [];
      commit(recording, free).then((ids) => {
        committing = false;
        if (ids.length < free) exhausted = true;
        for (const id of ids) {
          inFlight++;
          send(number, id).then((providerId) => {
            inFlight--;
            done.push({ id, providerId });
            pump();
          }, reject);
        }
        pump();
      }, reject);
    };
    pump();
  });
}

const modes = { bare, bullmq, durable, paced };
const result = await modes[options.mode]();
await agent.close();
process.stdout.write(`result ${JSON.stringify(result)}\n`);
process.exit(0);
