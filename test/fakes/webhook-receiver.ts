import { createHmac, timingSafeEqual } from 'node:crypto';
import { startFakeServer, writeHttpAnswer, type FakeHttpAnswer, type FakeRequestBase, type FakeServer, type FakeSocketAnswer } from './fake-server.js';

/** An integrator's endpoint for outbound webhooks: records every request, answers as told. */
export interface ReceivedRequest extends FakeRequestBase {
  body: string;
  events: ReceivedEvent[];
}

export interface ReceivedEvent {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, any>;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/hook */
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Every event of every request, in arrival order (repeats included). */
  events(): ReceivedEvent[];
  answer: FakeHttpAnswer | FakeSocketAnswer;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1: `port` (to come back where a stopped receiver was), or one the OS picks. */
export async function startWebhookReceiver(options: { port?: number } = {}): Promise<WebhookReceiver> {
  let answer: FakeHttpAnswer | FakeSocketAnswer = { http: 200, body: { received: true } };
  const server: FakeServer<ReceivedRequest> = await startFakeServer<ReceivedRequest, FakeHttpAnswer>({
    port: options.port,
    latencyMs: () => 0,
    decode: (base, body) => {
      const text = body.toString('utf8');
      let events: ReceivedEvent[] = [];
      try {
        events = (JSON.parse(text) as { events: ReceivedEvent[] }).events;
      } catch {
        /* recorded as is */
      }
      return { ...base, body: text, events };
    },
    decide: () => answer,
    write: (res, a) => writeHttpAnswer(res, a),
  });
  return {
    url: `${server.origin}/hook`,
    port: Number(new URL(server.origin).port),
    requests: server.requests,
    events: () => server.requests.flatMap((r) => r.events),
    get answer() {
      return answer;
    },
    set answer(value) {
      answer = value;
    },
    close: () => server.close(),
  };
}

/** The receiver's side of docs/webhooks.md: the same steps as its Node snippet. */
export function verifySignature(secret: string, header: string | undefined, body: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
