import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { Metrics } from '../metrics/metrics.js';
import { expandNextBlast, hasUnexpandedBlast } from './expansion.js';
import * as queue from './queue.repository.js';
import type { LeasedSender } from './queue.repository.js';
import type { RetrySettings } from './retry-policy.js';
import { randomPauseMs } from './retry-policy.js';
import { SenderRun, type Renewal } from './sender-run.js';
import { SharedStatement, type LanesCommit } from './shared-statement.js';
import { recordAndClaimAtOnce } from './one-statement-commit.js';
import { recordAndClaimMerged } from './merged-commit.js';
import { pacingOf, type EnvironmentPacing } from '../senders/pacing.js';
import { databaseBackoffMs, describeDatabaseError, isDatabaseUnavailable, isTransientConflict, whileDatabaseUnavailable, type DatabaseRetry } from '../db/unavailable.js';
import { remainingToday } from '../senders/daily-cap.js';
import type { SenderGateways } from '../senders/sender-gateways.js';
import { defaultSenderIds } from '../senders/default-pool.js';
import { localDay, startOfNextLocalDay } from '../schedule/local-time.js';
import { quietHoursOf, quietUntil, type QuietHours } from '../schedule/quiet-hours.js';
import { WorkSignal } from './work-signal.js';
import { applyBacklog } from '../webhooks/receipts.service.js';
import { deliverOnce, type EventDeliverySettings } from '../events/delivery.js';
import { recordEvents } from '../events/outbox.repository.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface WorkerSettings extends RetrySettings {
  /** SEND_* pacing variables as set; each sender's own settings and its provider's defaults fill the rest. */
  sendPacing: EnvironmentPacing;
  concurrency: number;
  gatewayTimeoutMs: number;
  publicBaseUrl: string | undefined;
  /** Longest sleep of an idle loop; work from this process wakes it at once. */
  idlePollMs: number;
  /** Longest a lane keeps one number with work, stretch after stretch, before handing it back (0: after each). */
  holdMs: number;
  /** Default quiet hours (null: none) and the zone they and daily caps are counted in. */
  quietHours: QuietHours | null;
  timeZone: string;
  /** Backoff while the database is unreachable. */
  databaseRetry: DatabaseRetry;
}

export interface WorkerDeps {
  database: Database;
  senderGateways: SenderGateways;
  clock: Clock;
  logger: Logger;
  /** Counts outcomes and times gateway calls, when given. */
  metrics?: Metrics;
  settings: WorkerSettings;
  /** Outbound webhooks: delivered by lanes of their own, apart from sending. */
  events?: EventDeliverySettings;
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
  /** Numbers each lane turn: its claims and its sender lease carry `${id}#${turn}` as owner. */
  #turns = 0;
  /** The usual commits of the lanes, shared by the lanes of a blast. */
  readonly #sharedStatement: SharedStatement;

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
    const { database } = deps;
    const { prepared } = database;
    const commitLanes: LanesCommit = prepared
      ? (now, lanes) => recordAndClaimAtOnce(prepared, { now, lanes })
      : (now, lanes) => database.sharedCommit((trx) => recordAndClaimMerged(trx, { now, lanes }));
    this.#sharedStatement = new SharedStatement(async (now, lanes) => {
      const committed = await commitLanes(now, lanes);
      deps.metrics?.recordSharedCommit(lanes.length);
      return committed;
    }, deps.clock);
    // A window sends for at most one gateway time-out, and its last send may take one more.
    this.#leaseMs = 2 * deps.settings.gatewayTimeoutMs + 5_000;
  }

  start(): void {
    const { concurrency } = this.#deps.settings;
    this.#stopping = false;
    this.#loops = [
      this.#loop('expand', () => this.#expand()),
      this.#loop('recover', (afterOutage) => this.#recover(afterOutage)),
      ...Array.from({ length: concurrency }, (_, i) => this.#loop(`lane ${i}`, () => this.#sendOnce())),
      ...this.#eventLanes(),
    ];
    this.#deps.logger.info({ worker: this.id, lanes: concurrency }, 'worker started');
  }

  /** Lanes that push outbound webhook events; they never share a lane with sending. */
  #eventLanes(): Promise<void>[] {
    const { events, database, clock, logger } = this.#deps;
    if (!events) return [];
    const deps = { database, clock, logger, settings: events, owner: this.id };
    return Array.from({ length: events.concurrency }, (_, i) => this.#loop(`webhooks ${i}`, () => deliverOnce(deps)));
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

  /**
   * Runs `step` until stopped; `step` answers how long to sleep (0: go again at once). It is told
   * whether its last run failed because the database was unreachable.
   */
  async #loop(name: string, step: (afterOutage: boolean) => Promise<number>): Promise<void> {
    const { logger, settings } = this.#deps;
    let unreachable = 0;
    while (!this.#stopping) {
      let sleepMs: number;
      try {
        sleepMs = await step(unreachable > 0);
        if (unreachable > 0) logger.info({ loop: name, failures: unreachable }, 'database reachable again; carrying on');
        unreachable = 0;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          // A restart or a network cut: back off (every loop of every worker would otherwise
          // hammer the server as it comes back), say so once, carry on when it answers.
          unreachable += 1;
          sleepMs = databaseBackoffMs(unreachable, settings.databaseRetry);
          if (unreachable === 1) logger.warn({ loop: name, ...describeDatabaseError(error) }, 'database unreachable; retrying with backoff');
        } else if (isTransientConflict(error)) {
          // A collision with another transaction, rolled back whole (a lane's commit that kept
          // colliding was already logged as an error where it gave up).
          logger.warn({ loop: name, ...describeDatabaseError(error) }, 'worker loop step failed on a conflict; retrying shortly');
          sleepMs = settings.idlePollMs;
        } else {
          logger.error({ err: error, loop: name }, 'worker loop failed; retrying shortly');
          sleepMs = settings.idlePollMs;
        }
      }
      if (sleepMs > 0 && !this.#stopping) await this.#signal.wait(sleepMs);
    }
  }

  /**
   * Writes what only this process knows (outcomes the gateway gave, claims to hand back) until
   * the database takes it: kept in memory and retried with backoff while the database is
   * unreachable. Past the claim's lease the recovery may have marked the rows "delivery
   * unknown"; the write then still replaces that guess with the truth (recordOutcomes). When
   * the process is stopping, it gives up at `deadline` rather than never exit.
   */
  #persist<T>(what: string, write: () => Promise<T>, deadline: number, extendLease?: () => Promise<unknown>): Promise<T> {
    const { clock, logger, settings } = this.#deps;
    return whileDatabaseUnavailable(
      async () => {
        // Half the lease gone: push it further first, so the recovery of other workers leaves
        // these rows alone while we keep trying (a no-op write when the database is still down).
        if (extendLease && clock.now() > deadline - this.#leaseMs / 2) {
          const extendedTo = clock.now() + this.#leaseMs;
          if (await extendLease().then(() => true, () => false)) deadline = extendedTo;
        }
        return write();
      },
      // A write rolled back by a deadlock or serialization failure wrote nothing: running it again is
      // safe (a lane's retry hands back the claims it may have made), and the outcomes it carries
      // would otherwise be left to the recovery's "delivery unknown".
      { what, retry: settings.databaseRetry, logger, giveUp: () => this.#stopping && clock.now() > deadline, retryConflicts: true },
    );
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

  async #recover(afterOutage: boolean): Promise<number> {
    const { database, clock, logger, settings } = this.#deps;
    const now = clock.now();
    const pause = Math.min(5_000, this.#leaseMs / 4);
    // Receipts that arrived before their send was recorded (see webhooks/receipts.service).
    await applyBacklog(database.db, now);
    // The database is back after an outage that may have outlasted live workers' leases: their
    // lanes, which retried as often as this loop, push their leases out or record what they hold
    // at their next retry. Give them two retry intervals before guessing "delivery unknown".
    if (afterOutage) return Math.max(pause, 2 * settings.databaseRetry.maxMs);
    if (!(await queue.hasExpiredClaims(database.db, now))) return pause;
    const recovered = await database.db.transaction().execute((trx) => queue.failExpiredClaims(trx, now));
    if (recovered > 0) logger.warn({ recipients: recovered }, 'recovered recipients held by a stopped worker (delivery unknown)');
    // Which number claimed them is not recorded on the rows.
    this.#deps.metrics?.recordMessages('delivery-unknown', { provider: 'unknown', sender: 'unknown' }, recovered);
    return pause;
  }

  /**
   * One turn of a lane: find the blasts that may send now, lease one of their senders that may
   * send now, and send from it (SenderRun: claim, send, record, in stretches while it keeps the
   * number) until it hands the sender back.
   */
  async #sendOnce(): Promise<number> {
    const { database, clock, settings } = this.#deps;
    const { db, engine } = database;
    const now = clock.now();
    const { open, opensAt } = await this.#openBlasts(now);
    if (open.length === 0) return this.#sleepUntil(opensAt);

    const { sendersOf, senderIds } = await this.#sendersOf(open);
    // One owner per turn: if a commit's answer is lost (the server died after committing), the
    // rows or the lease it took can be found and handed back by this name.
    const owner = `${this.id}#${++this.#turns}`;
    const leaseExpiresAt = now + this.#leaseMs;
    let sender: LeasedSender | undefined;
    try {
      sender = await queue.leaseDueSender(db, engine, { owner, now, expiresAt: leaseExpiresAt, ids: senderIds });
    } catch (error) {
      if (isDatabaseUnavailable(error)) await this.#persist('hand back a sender lease', () => queue.releaseSenderLeasesOf(db, owner), leaseExpiresAt);
      throw error;
    }
    if (!sender) return this.#sleepUntil(await queue.nextSenderDueAt(db, senderIds, now));
    const leased = sender;

    let handedBack = false;
    const handBack = async (release: Omit<queue.SenderRelease, 'id' | 'owner'>, trx = db) => {
      await queue.releaseSender(trx, { id: leased.id, owner, ...release });
      handedBack = true;
    };
    const pacing = pacingOf(sender, settings.sendPacing, sender.provider);
    try {
      let senderGateway;
      try {
        senderGateway = await this.#deps.senderGateways.get(sender);
      } catch (error) {
        const reason = (error as Error).message;
        await db.transaction().execute(async (trx) => {
          await handBack({ now, pausedReason: reason }, trx);
          await this.#announceProviderPause(trx, sender.id, reason, open.filter((b) => sendersOf(b).includes(sender.id)), sendersOf, now);
        });
        this.#deps.logger.error({ sender: sender.key, reason }, 'sending number stopped');
        return 0;
      }
      const remaining = remainingToday(sender, now, settings.timeZone);
      if (remaining <= 0) {
        await handBack({ now, restingUntil: startOfNextLocalDay(now, settings.timeZone) });
        this.#deps.logger.info({ sender: sender.key }, 'daily cap reached; the number rests until tomorrow');
        return 0;
      }
      const allowed = open.filter((b) => sendersOf(b).includes(leased.id));
      // The blasts of the stretch under way, as the last renewal read them (a run may go on for hours).
      let stretch = { blasts: allowed, sendersOf };
      const run = new SenderRun({
        deps: this.#deps,
        owner,
        sender: leased,
        gateway: senderGateway,
        pacing,
        blasts: allowed,
        requestsLeft: remaining,
        leaseMs: this.#leaseMs,
        // Like a lease's sends: claims stop after one gateway time-out, and the last send may take one more.
        claimUntil: now + settings.gatewayTimeoutMs,
        renew: async (requests, at) => {
          const renewal = await this.#renew(leased, owner, now, requests, at);
          if (renewal.stretch) stretch = renewal.stretch;
          return renewal;
        },
        isStopping: () => this.#stopping,
        sharedStatement: this.#sharedStatement,
        persist: (what, write, leaseExpiresAt) =>
          this.#persist(what, write, leaseExpiresAt, () => queue.extendLeases(db, { owner, senderId: leased.id, expiresAt: clock.now() + this.#leaseMs })),
        announcePause: (trx, reason, at) => this.#announceProviderPause(trx, leased.id, reason, stretch.blasts, stretch.sendersOf, at),
      });
      const claimed = await run.run();
      handedBack = true;
      return claimed ? 0 : settings.idlePollMs;
    } finally {
      if (!handedBack) {
        // Something failed before the number was handed back: keep its schedule, let the lease
        // lapse for the recipients (recovery marks them "delivery unknown"), free the number.
        const later = Math.max(clock.now() + randomPauseMs(pacing.pauseMinMs, pacing.pauseMaxMs), leased.next_send_at);
        await queue.releaseSender(db, { id: leased.id, owner, nextSendAt: later, now: clock.now() }).catch(() => {});
      }
    }
  }

  /** The senders each of `open` may use (its own, or every real sender when it names none), and all of them. */
  async #sendersOf(open: queue.SendableBlast[]): Promise<{ sendersOf: (blast: queue.SendableBlast) => number[]; senderIds: number[] }> {
    const pool = open.some((b) => b.sender_ids === null) ? defaultSenderIds(await queue.existingSenders(this.#deps.database.db)) : [];
    const sendersOf = (blast: queue.SendableBlast) => blast.sender_ids ?? pool;
    return { sendersOf, senderIds: [...new Set(open.flatMap(sendersOf))] };
  }

  /**
   * At the end of a run's stretch: whether its lane keeps the number for another one, its sends
   * going on meanwhile. Yes while the number has blasts that may send, no other number of the
   * open blasts is due and free (waiting for a lane: it gets its turn), the number's settings are
   * still those the run paces by (else the next lease takes the new ones), and it was leased less
   * than WORKER_HOLD_MS ago (`leasedAt`: now and then it goes back, so that the lanes of other
   * processes get it too). Counts the day's requests so far in the same write that pushes the
   * lease out, so a run that goes on for hours keeps the daily cap and the counts others read up
   * to date.
   *
   * Why: handing the number back means letting its requests end first (the in-flight limit
   * holds across holders), and at full rate that pause is lost for good — the window rule
   * allows no making up (docs/benchmarks.md, rate per number).
   */
  async #renew(leased: LeasedSender, owner: string, leasedAt: number, requests: number, now: number): Promise<StretchRenewal> {
    const { database, settings, clock } = this.#deps;
    if (now - leasedAt >= settings.holdMs) return { counted: 0 };
    const { open } = await this.#openBlasts(now);
    const { sendersOf, senderIds } = await this.#sendersOf(open);
    const blasts = open.filter((b) => sendersOf(b).includes(leased.id));
    if (blasts.length === 0) return { counted: 0 };
    const others = senderIds.filter((id) => id !== leased.id);
    const otherDueAt = others.length > 0 ? await queue.nextSenderDueAt(database.db, others, now) : undefined;
    if (otherDueAt !== undefined && otherDueAt <= now) return { counted: 0 };
    const day = localDay(now, settings.timeZone);
    const sender = await queue.renewSenderLease(database.db, { id: leased.id, owner, expiresAt: now + this.#leaseMs, requests: { day, count: requests } });
    if (!sender) return { counted: 0 };
    if (!samePacingAndCredentials(leased, sender)) return { counted: requests };
    // The stretch counts from the answer: a slow renewal does not shorten it.
    const stretch = { blasts, sendersOf, requestsLeft: remainingToday(sender, now, settings.timeZone), claimUntil: clock.now() + settings.gatewayTimeoutMs };
    return { counted: requests, stretch };
  }

  /**
   * The blasts that may send now (scheduled time passed, outside their quiet hours), and when
   * the earliest of the others opens. Scheduled blasts whose time has come are queued here.
   */
  async #openBlasts(now: number): Promise<{ open: queue.SendableBlast[]; opensAt?: number }> {
    const { database, settings } = this.#deps;
    const blasts = await queue.sendableBlasts(database.db);
    if (blasts.some((b) => b.status === 'scheduled' && b.send_at! <= now)) {
      await database.db.transaction().execute((trx) => queue.queueDueScheduledBlasts(trx, now));
    }
    const open: queue.SendableBlast[] = [];
    let opensAt: number | undefined;
    const later = (at: number) => (opensAt = opensAt === undefined ? at : Math.min(opensAt, at));
    for (const blast of blasts) {
      if (blast.status === 'scheduled' && blast.send_at! > now) {
        later(blast.send_at!);
        continue;
      }
      const quietEnd = quietUntil(quietHoursOf(blast.quiet_hours, settings.quietHours), now, settings.timeZone);
      if (quietEnd !== undefined) later(quietEnd);
      else open.push(blast);
    }
    return { open, opensAt };
  }

  /**
   * A provider stopped a sending number: each of `blasts` left with no number that can send is
   * announced as `blast.paused` (its status stays processing; it goes on by itself when the
   * number gets new credentials or an admin resumes one of its numbers).
   */
  async #announceProviderPause(
    trx: Kysely<DB>,
    senderId: number,
    reason: string,
    blasts: queue.SendableBlast[],
    sendersOf: (blast: queue.SendableBlast) => number[],
    now: number,
  ): Promise<void> {
    const usable = await queue.usableSenderIds(trx, [...new Set(blasts.flatMap(sendersOf))], now);
    const stopped = blasts.filter((b) => !sendersOf(b).some((id) => usable.has(id)));
    const why = `the sending number (sender ${senderId}) was stopped by the provider: ${reason}`;
    await recordEvents(
      trx,
      stopped.map((b) => ({ type: 'blast.paused', blastId: b.id, data: { blast_id: b.id, status: 'processing', reason: why, paused_by: 'provider', sender_id: senderId } })),
      now,
    );
  }

  /** How long to sleep for something due at `at` (never longer than an idle poll, which sees new work). */
  #sleepUntil(at: number | undefined): number {
    const { clock, settings } = this.#deps;
    return at === undefined ? settings.idlePollMs : Math.min(settings.idlePollMs, Math.max(1, at - clock.now()));
  }

}

/** A renewal as the run sees it, its stretch with the numbers of each of its blasts (for announcing a provider's pause). */
type StretchRenewal = Renewal & { stretch?: NonNullable<Renewal['stretch']> & { sendersOf: (blast: queue.SendableBlast) => number[] } };

/** Whether a sender's row still has the settings a run of it was started with (an admin may change them at any time). */
function samePacingAndCredentials(a: LeasedSender, b: LeasedSender): boolean {
  return (
    a.credentials === b.credentials &&
    a.pause_min_ms === b.pause_min_ms &&
    a.pause_max_ms === b.pause_max_ms &&
    a.max_in_flight === b.max_in_flight &&
    a.max_per_second === b.max_per_second
  );
}
