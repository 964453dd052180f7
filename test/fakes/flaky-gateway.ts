import { startFakeFonnte, type FakeAnswer, type FakeFonnte } from './fonnte-fake.js';

/**
 * A Fonnte fake that misbehaves on a share of requests, the ways a real gateway does, and
 * remembers what it did to each number — so a test can tell a duplicate (a number that may
 * have received two messages) from a legitimate retry (a request the gateway refused):
 * - `503`: refused, nothing sent (retried later);
 * - `429`: refused with `Retry-After: 1` (retried after it; the number slows down);
 * - `fail200`: HTTP 200 carrying `status:false` and a reason (a final failure of that recipient);
 * - `hang`: never answers (past the gateway time-out: the send may have happened);
 * - `reset`: reads the request, then destroys the connection (likewise).
 */
export type Fault = '503' | '429' | 'fail200' | 'hang' | 'reset';
export const FAULTS: readonly Fault[] = ['503', '429', 'fail200', 'hang', 'reset'];
export const FAIL_200_REASON = 'target not registered on whatsapp';

export interface FlakyGateway {
  fake: FakeFonnte;
  /** Every answer per number, in order: a fault, or the message id of a success. */
  readonly answers: Map<string, ({ fault: Fault } | { sent: string })[]>;
  /** Faults injected so far, by kind. */
  readonly injected: Record<Fault, number>;
  /** Every request in arrival order: when, to whom, and what the fake did (for correlating a run's logs). */
  readonly journal: { at: number; target: string; answer: Fault | 'sent'; id?: string }[];
  /** Requests received so far. */
  readonly count: () => number;
  close(): Promise<void>;
}

/** A fault on about `rate` of requests (seeded, so a failing run can be replayed); a number is refused at most twice. */
export async function startFlakyGateway(options: { token: string; rate: number; seed: number; latencyMs?: number }): Promise<FlakyGateway> {
  const random = mulberry32(options.seed);
  const answers = new Map<string, ({ fault: Fault } | { sent: string })[]>();
  const injected = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
  const journal: FlakyGateway['journal'] = [];
  let nextId = 900_000_000;

  const fake = await startFakeFonnte({
    token: options.token,
    latencyMs: options.latencyMs ?? 0,
    behaviour: (request): FakeAnswer => {
      const target = request.form.target ?? '';
      const history = answers.get(target) ?? [];
      answers.set(target, history);
      const refusals = history.filter((a) => 'fault' in a && (a.fault === '503' || a.fault === '429')).length;
      let fault: Fault | undefined;
      if (random() < options.rate) {
        fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
        if ((fault === '503' || fault === '429') && refusals >= 2) fault = undefined;
      }
      if (!fault) {
        const id = String(nextId++);
        history.push({ sent: id });
        journal.push({ at: request.at, target, answer: 'sent', id });
        return { http: 200, body: { detail: 'success! message in queue', id: [id], process: 'pending', status: true, target: [target] } };
      }
      history.push({ fault });
      journal.push({ at: request.at, target, answer: fault });
      injected[fault] += 1;
      switch (fault) {
        case '503':
          return { http: 503, body: 'Service Unavailable' };
        case '429':
          return { http: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' };
        case 'fail200':
          return { fail: FAIL_200_REASON };
        case 'hang':
          return 'hang';
        case 'reset':
          return 'destroy';
      }
    },
  });
  return { fake, answers, injected, journal, count: () => fake.requests.length, close: () => fake.close() };
}

/** A small seeded PRNG (public domain, Tommy Ettinger): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
