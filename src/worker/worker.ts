import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { Gateway } from '../gateways/gateway.js';
import type { Metrics } from '../metrics/metrics.js';
import { expandNextBlast, hasUnexpandedBlast } from './expansion.js';
import * as queue from './queue.repository.js';
import type { RetrySettings } from './retry-policy.js';
import { randomPauseMs } from './retry-policy.js';
import { sendWindow } from './send-window.js';
import { WorkSignal } from './work-signal.js';
import { applyBacklog } from '../webhooks/receipts.service.js';

export interface WorkerSettings extends RetrySettings {
  sendDelayMinMs: number;
  sendDelayMaxMs: number;
  concurrency: number;
  gatewayTimeoutMs: number;
  publicBaseUrl: string | undefined;
  /** Longest sleep of an idle loop; work from this process wakes it at once. */
  idlePollMs: number;
}

/**
 * With a pause between sends, one recipient is claimed at a time, so a crash leaves at most one
 * "delivery unknown". Without a pause (bulk tests, benchmarks) a window of recipients is claimed
 * and recorded per commit: far fewer commits, at most a window of "delivery unknown" on a crash.
 */
const UNPACED_WINDOW = 32;

export interface WorkerDeps {
  database: Database;
  gateway: Gateway;
  secrets: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Counts outcomes and times gateway calls, when given. */
  metrics?: Metrics;
  senderKeys: string[];
  settings: WorkerSettings;
}

/**
 * One worker process: a loop that resolves new blasts' recipients, a loop that recovers work of
 * dead workers, and `concurrency` lanes that each lease a sending number, send, and hand it back.
 * Any number of these may run against one database.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #deps: WorkerDeps;
  readonly #signal = new WorkSignal();
  readonly #leaseMs: number;
  #loops: Promise<void>[] = [];
  #stopping = false;

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
    // A window sends for at most one gateway time-out, and its last send may take one more.
    this.#leaseMs = 2 * deps.settings.gatewayTimeoutMs + 5_000;
  }

  start(): void {
    const { concurrency } = this.#deps.settings;
    this.#stopping = false;
    this.#loops = [
      this.#loop('expand', () => this.#expand()),
      this.#loop('recover', () => this.#recover()),
      ...Array.from({ length: concurrency }, (_, i) => this.#loop(`lane ${i}`, () => this.#sendOnce())),
    ];
    this.#deps.logger.info({ worker: this.id, lanes: concurrency }, 'worker started');
  }

  /** New work exists (called by the API in the same process). */
  notify(): void {
    this.#signal.notify();
  }

  /** Stops taking work, lets every in-flight send finish and be recorded, then resolves. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#signal.notify();
    await Promise.all(this.#loops);
    this.#deps.logger.info({ worker: this.id }, 'worker stopped');
  }

  /** Runs `step` until stopped; `step` answers how long to sleep (0: go again at once). */
  async #loop(name: string, step: () => Promise<number>): Promise<void> {
    while (!this.#stopping) {
      let sleepMs: number;
      try {
        sleepMs = await step();
      } catch (error) {
        this.#deps.logger.error({ err: error, loop: name }, 'worker loop failed; retrying shortly');
        sleepMs = this.#deps.settings.idlePollMs;
      }
      if (sleepMs > 0 && !this.#stopping) await this.#signal.wait(sleepMs);
    }
  }

  async #expand(): Promise<number> {
    const { database, clock, logger, settings } = this.#deps;
    if (!(await hasUnexpandedBlast(database.db))) return settings.idlePollMs;
    const expanded = await expandNextBlast(database, clock.now());
    if (expanded) {
      logger.info({ blast: expanded.blastId, recipients: expanded.total, pending: expanded.pending }, 'blast recipients resolved');
      this.#signal.notify();
    }
    return 0;
  }

  async #recover(): Promise<number> {
    const { database, clock, logger } = this.#deps;
    const now = clock.now();
    const pause = Math.min(5_000, this.#leaseMs / 4);
    // Receipts that arrived before their send was recorded (see webhooks/receipts.service).
    await applyBacklog(database.db, now);
    if (!(await queue.hasExpiredClaims(database.db, now))) return pause;
    const recovered = await database.db.transaction().execute((trx) => queue.failExpiredClaims(trx, now));
    if (recovered > 0) logger.warn({ recipients: recovered }, 'recovered recipients held by a stopped worker (delivery unknown)');
    // Which number claimed them is not recorded on the rows.
    this.#deps.metrics?.recordMessages('delivery-unknown', { provider: this.#deps.gateway.provider, sender: 'unknown' }, recovered);
    return pause;
  }

  /** One turn of a lane: lease a number that may send now, send a window, record, hand back. */
  async #sendOnce(): Promise<number> {
    const { database, clock, settings, senderKeys } = this.#deps;
    const { db, engine } = database;
    const blastIds = await queue.activeBlastIds(db);
    if (blastIds.length === 0) return settings.idlePollMs;

    const now = clock.now();
    const sender = await queue.leaseDueSender(db, engine, { owner: this.id, now, expiresAt: now + this.#leaseMs, keys: senderKeys });
    if (!sender) {
      const due = await queue.nextSenderDueAt(db, senderKeys);
      return due === undefined ? settings.idlePollMs : Math.min(settings.idlePollMs, Math.max(1, due - clock.now()));
    }

    let handedBack = false;
    try {
      const claimed = await this.#claim(blastIds, now);
      if (claimed.length === 0) {
        await queue.releaseSender(db, { id: sender.id, owner: this.id, now });
        handedBack = true;
        return settings.idlePollMs;
      }
      const result = await sendWindow(this.#deps, claimed, { budgetMs: settings.gatewayTimeoutMs, isStopping: () => this.#stopping });
      const finished = clock.now();
      const nextSendAt =
        result.lastSendAt === undefined
          ? undefined
          : Math.max(result.lastSendAt + randomPauseMs(settings.sendDelayMinMs, settings.sendDelayMaxMs), finished + (result.rateLimitedMs ?? 0));
      await db.transaction().execute(async (trx) => {
        await queue.recordOutcomes(trx, this.id, result.outcomes, finished);
        if (result.accountFailure) {
          await queue.setBlastReason(trx, claimed[0]!.blast_id, `sending stopped: ${result.accountFailure}`);
        }
        await queue.releaseSender(trx, { id: sender.id, owner: this.id, nextSendAt, pausedReason: result.accountFailure, now: finished });
      });
      handedBack = true;
      this.#deps.metrics?.recordOutcomes(result.outcomes, { provider: this.#deps.gateway.provider, sender: sender.key });
      if (result.accountFailure) this.#deps.logger.error({ sender: sender.key, reason: result.accountFailure }, 'sending number stopped');
      return 0;
    } finally {
      if (!handedBack) {
        // Something failed between sending and recording: keep the pause, let the lease lapse
        // for the recipients (recovery marks them "delivery unknown"), free the number.
        const pause = randomPauseMs(settings.sendDelayMinMs, settings.sendDelayMaxMs);
        await queue.releaseSender(db, { id: sender.id, owner: this.id, nextSendAt: clock.now() + pause, now: clock.now() }).catch(() => {});
      }
    }
  }

  async #claim(blastIds: number[], now: number): Promise<queue.ClaimedRecipient[]> {
    const { database, settings } = this.#deps;
    const limit = settings.sendDelayMaxMs === 0 ? UNPACED_WINDOW : 1;
    for (const blastId of blastIds) {
      const claimed = await queue.claimRecipients(database.db, database.engine, {
        blastId,
        owner: this.id,
        now,
        leaseExpiresAt: now + this.#leaseMs,
        limit,
      });
      if (claimed.length > 0) {
        await queue.markBlastStarted(database.db, blastId, now);
        return claimed;
      }
    }
    return [];
  }
}
