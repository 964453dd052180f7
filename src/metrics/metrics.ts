import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Kysely } from 'kysely';
import type { BlastStatus, DB } from '../db/schema.js';
import type { Outcome } from '../worker/queue.repository.js';
import { blastsByState, pendingRecipients } from './metrics.repository.js';

export type MessageOutcome = 'sent' | 'failed' | 'skipped' | 'retry' | 'released' | 'delivery-unknown';

/** States always exported (0 when none), so a dashboard's series never vanish. */
const KNOWN_STATES: readonly BlastStatus[] = ['scheduled', 'queued', 'processing', 'paused', 'completed', 'cancelled', 'failed'];

/**
 * One Prometheus registry per running service (never prom-client's global one), so several
 * services in one process — tests — keep separate numbers. Counters count what this process
 * did; the queue and blast gauges are read from the database at each scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #messages: Counter<'outcome' | 'provider' | 'sender'>;
  readonly #sendDuration: Histogram<'provider'>;
  readonly #sharedCommitLanes: Histogram;

  constructor(db: Kysely<DB>) {
    collectDefaultMetrics({ register: this.registry });
    this.#messages = new Counter({
      name: 'whatsapp_blast_messages_total',
      help: 'Recipients handled by the workers of this process, by outcome, provider and sending number.',
      labelNames: ['outcome', 'provider', 'sender'],
      registers: [this.registry],
    });
    this.#sendDuration = new Histogram({
      name: 'whatsapp_blast_send_duration_seconds',
      help: 'Duration of one request to the WhatsApp gateway (successful or not).',
      labelNames: ['provider'],
      // From a fast local gateway to the default 15 s gateway time-out.
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30],
      registers: [this.registry],
    });
    this.#sharedCommitLanes = new Histogram({
      name: 'whatsapp_blast_shared_commit_lanes',
      help: 'Lanes (sending numbers) of one blast recorded together by one shared commit of this process.',
      // One lane alone up to the most a process may run (WORKER_CONCURRENCY ≤ 256, 4 by default).
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [this.registry],
    });
    new Gauge({
      name: 'whatsapp_blast_queue_depth',
      help: 'Recipients of queued or processing blasts still waiting to be sent.',
      registers: [this.registry],
      async collect() {
        this.set(await pendingRecipients(db));
      },
    });
    new Gauge({
      name: 'whatsapp_blast_blasts',
      help: 'Blasts by state.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await blastsByState(db);
        this.reset();
        for (const state of KNOWN_STATES) this.set({ state }, counts.get(state) ?? 0);
        for (const [state, count] of counts) this.set({ state }, count);
      },
    });
  }

  /** Called once the outcomes are committed, so the counter never counts a rolled-back send. */
  recordOutcomes(outcomes: readonly Outcome[], labels: { provider: string; sender: string }): void {
    for (const outcome of outcomes) this.#messages.inc({ ...labels, outcome: outcomeLabel(outcome) });
  }

  recordMessages(outcome: MessageOutcome, labels: { provider: string; sender: string }, count = 1): void {
    if (count > 0) this.#messages.inc({ ...labels, outcome }, count);
  }

  /** A shared commit of `lanes` lanes succeeded (called once it has, like recordOutcomes). */
  recordSharedCommit(lanes: number): void {
    this.#sharedCommitLanes.observe(lanes);
  }

  /** Times one gateway call, whether it resolves or throws. */
  async timeSend<T>(provider: string, send: () => Promise<T>): Promise<T> {
    const end = this.#sendDuration.startTimer({ provider });
    try {
      return await send();
    } finally {
      end();
    }
  }

  /** The text exposition, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A failure whose outcome nobody can know (time-out, reset) is its own series: it may have been sent. */
function outcomeLabel(outcome: Outcome): MessageOutcome {
  if (outcome.kind === 'failed' && outcome.reason.startsWith('delivery unknown')) return 'delivery-unknown';
  return outcome.kind;
}
