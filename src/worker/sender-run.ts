import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { describeDatabaseError } from '../db/unavailable.js';
import { localDay } from '../schedule/local-time.js';
import type { Pacing } from '../senders/pacing.js';
import type { SenderGateway } from '../senders/sender-gateways.js';
import { Pacer, type StartRecord } from './pacer.js';
import * as queue from './queue.repository.js';
import type { SharedStatement } from './shared-statement.js';
import { loadWindowBlasts, messageFor, sendOne, type SendResult, type WindowBlasts } from './send-one.js';
import { WorkSignal } from './work-signal.js';
import type { WorkerDeps } from './worker.js';

/**
 * A number whose next send is further away than this is handed back rather than waited for
 * (a one-phone gateway's 3–5 s pause): the lane serves other numbers meanwhile.
 */
const HOLD_FOR_MS = 1_000;

/**
 * Claims are made this long before the start they are for, so that their commit has ended when
 * the start is due (a commit takes ~1–30 ms; more on a loaded machine).
 */
const CLAIM_AHEAD_MS = 100;

/**
 * A commit that is due waits up to this long for the number's other requests in flight to come
 * back, so that one commit (and on SQLite one fsync) records them all: with 8 in flight and no
 * per-second limit a commit covered 4 messages instead of 8, and the service spent 15–25 % more
 * CPU a message (docs/benchmarks.md). Short beside any real provider's answer (~250 ms), so a
 * slow request holds the others' outcomes up no longer than this.
 */
const COMMIT_GATHER_MS = 5;

/** How often a run pushes out its number's lease (2 × GATEWAY_TIMEOUT_MS + 5 s long) and sees whether an admin paused the number. */
const SENDER_CHECK_MS = 1_000;

export interface SenderRunContext {
  deps: WorkerDeps;
  /** Owner of the sender's lease and of every claim of this run. */
  owner: string;
  sender: queue.LeasedSender;
  gateway: SenderGateway;
  pacing: Pacing;
  /** The blasts this number may send for, oldest first (their status is updated as they start). */
  blasts: queue.SendableBlast[];
  /** Requests the number may still make today (daily cap, warm-up). */
  requestsLeft: number;
  leaseMs: number;
  /** The end of the run's first stretch: claims stop then, unless `renew` gives it another. */
  claimUntil: number;
  /**
   * At the end of a stretch, while sends go on: another stretch (the blasts to send for, the
   * requests left today, its end), or none (the lane lets its sends end and hands the number
   * back). `requests`: the sends finished and not yet counted in the day's; `counted` says how
   * many it counted.
   */
  renew(requests: number, now: number): Promise<Renewal>;
  isStopping(): boolean;
  /**
   * Runs a write until the database takes it (outcomes exist only in this process until then),
   * pushing out the leases of the rows held once `leaseExpiresAt` (the earliest of them) nears.
   */
  persist<T>(what: string, write: () => Promise<T>, leaseExpiresAt: number): Promise<T>;
  /** The usual commits, shared with the process's other lanes of the same blast. */
  sharedStatement: SharedStatement;
  /** Records the number's stop by the provider in the transaction that pauses it. */
  announcePause(trx: Kysely<DB>, reason: string, now: number): Promise<void>;
}

/** What a renewal answers: see SenderRunContext.renew. */
export interface Renewal {
  counted: number;
  stretch?: { blasts: queue.SendableBlast[]; requestsLeft: number; claimUntil: number };
}

/** What a commit answers: the recipients it claimed, with their lease and the blasts new to the run. */
interface Committed {
  claimed: queue.ClaimedRecipient[];
  leaseExpiresAt: number | undefined;
  blasts: WindowBlasts | undefined;
  /** The number's lease was pushed out, or needed no pushing (false: lost, or the number paused). */
  kept: boolean;
  /** When the number's lease was pushed out, if it was. */
  checkedAt: number | undefined;
  /** Claimed nothing, but another commit may claim from the run's other blasts. */
  claimAgain: boolean;
}

/**
 * One lease of one sending number, from the first claim to the hand-back. The number sends up
 * to `maxInFlight` requests at once, started no faster than the Pacer allows; at no moment are
 * more than `maxInFlight` of its recipients claimed (`sending`), so a crash leaves at most that
 * many "delivery unknown". Finished outcomes are recorded and the next recipients claimed in one
 * commit, which runs while the sends already claimed go on: one commit at a time, once half the
 * slots' worth is waiting and the other requests in flight are back or COMMIT_GATHER_MS have
 * passed (#commitDue), claiming a little ahead of the starts (CLAIM_AHEAD_MS) so that a start
 * need not wait for it. An outcome is in the database before it is counted in metrics.
 */
export class SenderRun {
  readonly #ctx: SenderRunContext;
  readonly #pacer: Pacer;
  readonly #ended = new WorkSignal();
  /** Claimed, not started. */
  #queued: queue.ClaimedRecipient[] = [];
  /** The blasts of the recipients claimed, as their sends need them. */
  #blasts: WindowBlasts = new Map();
  /** Started, not finished. */
  #flying = new Set<number>();
  /** Finished, not yet recorded. */
  #done: queue.Outcome[] = [];
  /** The commit running now, if any. */
  #committing: Promise<void> | undefined;
  /** A commit failed for a reason other than the database being unreachable: the run ends with it. */
  #commitFailure: { error: unknown } | undefined;
  #requests = 0;
  #accountFailure: string | undefined;
  #throttled = false;
  /** No more claims: nothing due to claim, the number was paused or the lease lost. */
  #noMoreClaims = false;
  #claimedAny = false;
  /** When the number's lease was last pushed out (taken: at the start of the run). */
  #senderCheckedAt: number;
  /** When the claim of each row held runs out. */
  #leases = new Map<number, number>();
  /** The recipient of each row held (for the events of PostgreSQL's one-statement commit). */
  #recipients = new Map<number, queue.RecipientOfRow>();
  /** A one-statement commit claimed nothing from the first blast: the ordinary commit tries them all from now on. */
  #firstBlastEmpty = false;
  /** The blasts this number sends for, oldest first: the context's, then each renewal's. */
  #runBlasts: queue.SendableBlast[];
  /** Requests the number may still make today beyond #requests. */
  #requestsLeft: number;
  /** Claims stop after this, unless a renewal moves it. */
  #claimUntil: number;
  /** The renewal running now, if any. */
  #renewing: Promise<void> | undefined;
  /** A renewal said no (or failed): this is the last stretch. */
  #lastStretch = false;
  /** Since when a commit has been due, while it waits for the requests in flight (COMMIT_GATHER_MS). */
  #commitDueSince: number | undefined;

  constructor(ctx: SenderRunContext) {
    this.#ctx = ctx;
    const { sender } = ctx;
    this.#senderCheckedAt = ctx.deps.clock.now();
    this.#runBlasts = ctx.blasts;
    this.#requestsLeft = ctx.requestsLeft;
    this.#claimUntil = ctx.claimUntil;
    this.#pacer = new Pacer(ctx.pacing, { nextStartAt: sender.next_send_at, slowdown: sender.slowdown, slowdownAt: sender.slowdown_at });
  }

  /** Sends until there is nothing more to do in this lease, then records everything and hands the number back; answers whether anything was claimed. */
  async run(): Promise<boolean> {
    const { clock } = this.#ctx.deps;
    // Nothing may await between reading the state and waiting on #ended: a send or commit that
    // ends meanwhile would notify nobody.
    for (;;) {
      if (this.#commitFailure) {
        // Nothing more starts; the sends in flight end first, so the number is never handed on
        // with requests of ours still out (its in-flight limit and its window hold).
        if (this.#flying.size === 0) {
          await this.#renewing;
          await this.#handBackUnstarted();
          throw this.#commitFailure.error;
        }
        await this.#ended.wait(this.#ctx.deps.settings.gatewayTimeoutMs);
        continue;
      }
      const now = clock.now();
      if (this.#mustStopStarting()) this.#releaseQueued();
      this.#startDue(now);
      if (this.#renewDue(now)) this.#renewing = this.#renew(now);
      if (!this.#committing) {
        const claim = this.#claimable(now);
        if (this.#commitDue(claim, now)) {
          this.#commitDueSince = undefined;
          this.#committing = this.#commit(claim).then(
            () => this.#commitEnded(undefined),
            (error: unknown) => this.#commitEnded({ error }),
          );
          continue;
        }
        if (this.#queued.length + this.#flying.size === 0) {
          if (this.#renewing) {
            await this.#ended.wait(this.#ctx.deps.settings.gatewayTimeoutMs);
            continue;
          }
          // Nothing claimed: wait until the next start may be claimed if that is near and claims may follow, else hand back.
          const wait = this.#claimAt() - now;
          if (this.#mayClaim(now) && wait > 0 && wait <= HOLD_FOR_MS) {
            await this.#ended.wait(wait);
            continue;
          }
          break;
        }
      }
      await this.#ended.wait(this.#nextWakeIn(now));
    }
    await this.#handBack();
    return this.#claimedAny;
  }

  /**
   * Whether to commit now, given `claim` recipients claimable: when half the slots' worth of
   * outcomes or claims is waiting (so that a commit covers several messages), when a paced
   * number's queue is empty and its next start near, or when nothing else is going on; and then
   * once no request is in flight or COMMIT_GATHER_MS have passed.
   */
  #commitDue(claim: number, now: number): boolean {
    if (!this.#hasCommitWaiting(claim)) {
      this.#commitDueSince = undefined;
      return false;
    }
    this.#commitDueSince ??= now;
    return this.#flying.size === 0 || now - this.#commitDueSince >= COMMIT_GATHER_MS;
  }

  /** Whether outcomes or claims are waiting for a commit (see #commitDue), in flight or not. */
  #hasCommitWaiting(claim: number): boolean {
    const batch = Math.max(1, Math.ceil(this.#pacer.current.maxInFlight / 2));
    const idle = this.#queued.length + this.#flying.size === 0;
    if (this.#done.length >= batch || claim >= batch) return true;
    if (claim > 0 && this.#queued.length === 0 && (idle || this.#pacer.spacingMs > 0)) return true;
    return idle && this.#done.length > 0;
  }

  /** The stretch is over and claims could go on: time to ask for another (SenderRunContext.renew). */
  #renewDue(now: number): boolean {
    return !this.#renewing && !this.#lastStretch && now >= this.#claimUntil && !this.#noMoreClaims && !this.#mustStopStarting();
  }

  /** Asks for another stretch while the sends go on; without one, this stretch is the last. */
  async #renew(now: number): Promise<void> {
    const requests = this.#requests;
    try {
      const renewal = await this.#ctx.renew(requests, now);
      this.#requests -= renewal.counted;
      if (renewal.stretch) {
        this.#runBlasts = renewal.stretch.blasts;
        this.#requestsLeft = renewal.stretch.requestsLeft;
        this.#claimUntil = renewal.stretch.claimUntil;
        this.#firstBlastEmpty = false;
      } else {
        this.#lastStretch = true;
      }
    } catch (error) {
      // The run ends as it would have without renewals. If the count's write took effect unheard,
      // the hand-back counts those requests again: the stored day's count errs high (a number may
      // rest early), never low.
      this.#lastStretch = true;
      this.#ctx.deps.logger.warn({ sender: this.#ctx.sender.key, ...describeDatabaseError(error) }, 'could not keep the number for another stretch; handing it back');
    } finally {
      this.#renewing = undefined;
      this.#ended.notify();
    }
  }

  #commitEnded(failure: { error: unknown } | undefined): void {
    this.#committing = undefined;
    this.#commitFailure ??= failure;
    this.#ended.notify();
  }

  /** How long to wait for the next thing to do, short of a send or the commit ending (which wake the run). */
  #nextWakeIn(now: number): number {
    const { maxInFlight } = this.#pacer.current;
    let at = now + this.#ctx.deps.settings.gatewayTimeoutMs;
    if (this.#queued.length > 0 && this.#flying.size < maxInFlight) at = Math.min(at, this.#pacer.nextStartAt);
    if (!this.#committing && this.#mayClaim(now) && this.#queued.length + this.#flying.size < maxInFlight) at = Math.min(at, this.#claimAt());
    if (!this.#committing && this.#commitDueSince !== undefined) at = Math.min(at, this.#commitDueSince + COMMIT_GATHER_MS);
    return Math.max(1, at - now);
  }

  #mustStopStarting(): boolean {
    return this.#accountFailure !== undefined || this.#throttled || this.#ctx.isStopping();
  }

  #mayClaim(now: number): boolean {
    return !this.#noMoreClaims && !this.#mustStopStarting() && now < this.#claimUntil;
  }

  /** When the next claim is due: CLAIM_AHEAD_MS before the start it would take (after those queued already). */
  #claimAt(): number {
    return this.#pacer.nextStartAt + this.#queued.length * this.#pacer.spacingMs - CLAIM_AHEAD_MS;
  }

  /**
   * How many recipients to claim now: the slots not queued or in flight (the finished ones are
   * recorded in the same commit), once the next claim is due, within the day's cap.
   */
  #claimable(now: number): number {
    if (!this.#mayClaim(now) || this.#claimAt() > now) return 0;
    const held = this.#queued.length + this.#flying.size;
    const free = this.#pacer.current.maxInFlight - held;
    if (free <= 0) return 0;
    // Claims are leased for leaseMs: never claim more than can start within half of it.
    const spacing = this.#pacer.spacingMs;
    const startsInHalfALease = spacing === 0 ? Infinity : Math.max(1, Math.floor(this.#ctx.leaseMs / 2 / spacing)) - this.#queued.length;
    return Math.max(0, Math.min(free, this.#requestsLeft - this.#requests - held, startsInHalfALease));
  }

  /** Starts every queued send that the pacing allows now. */
  #startDue(now: number): void {
    while (this.#queued.length > 0 && this.#flying.size < this.#pacer.current.maxInFlight && this.#pacer.nextStartAt <= now && !this.#mustStopStarting()) {
      const recipient = this.#queued.shift()!;
      const prepared = messageFor(this.#ctx.deps, recipient, this.#blasts);
      if ('skipped' in prepared) {
        // No request: it takes no slot of the number's rate and no pause (a phone rests after a message, not after a skip).
        this.#done.push(prepared.skipped);
        continue;
      }
      this.#flying.add(recipient.id);
      const start = this.#pacer.started(now);
      const { clock } = this.#ctx.deps;
      const written = () => {
        if (this.#pacer.sent(start, clock.now())) this.#ended.notify();
      };
      void sendOne(this.#ctx.deps, this.#ctx.gateway, recipient, prepared.message, written).then(
        (result) => this.#finished(recipient.id, start, result),
        // sendOne classifies every gateway failure; anything else is a bug, and the send may have happened.
        (error: unknown) => {
          this.#ctx.deps.logger.error({ err: error, recipient: recipient.id }, 'send failed unexpectedly');
          this.#finished(recipient.id, start, { outcome: { id: recipient.id, blastId: recipient.blast_id, kind: 'failed', reason: 'delivery unknown: the worker failed while sending' } });
        },
      );
    }
  }

  #finished(id: number, start: StartRecord, result: SendResult): void {
    const now = this.#ctx.deps.clock.now();
    this.#flying.delete(id);
    this.#done.push(result.outcome);
    // Every send made a request (skips never start): what a daily cap counts.
    this.#requests += 1;
    this.#pacer.ended(start, now);
    if (result.accountFailure !== undefined) this.#accountFailure ??= result.accountFailure;
    if (result.throttledMs !== undefined) {
      // Every request in flight may hit the same limit: the rate halves once per lease.
      if (!this.#throttled) this.#ctx.deps.logger.warn({ sender: this.#ctx.sender.key, wait_ms: result.throttledMs }, 'provider throughput limit: the number slows down');
      this.#pacer.throttle(now, result.throttledMs, !this.#throttled);
      this.#throttled = true;
    } else if (result.outcome.kind === 'sent') {
      this.#pacer.rampUp(now);
    }
    this.#ended.notify();
  }

  /** Claimed recipients that will not be started in this lease go back to pending, untried. */
  #releaseQueued(): void {
    for (const r of this.#queued) this.#done.push({ id: r.id, blastId: r.blast_id, kind: 'released' });
    this.#queued = [];
  }

  /** One commit: the finished outcomes and the next claims, with the sender's lease pushed out. */
  async #commit(claim: number): Promise<void> {
    const { deps, owner, sender } = this.#ctx;
    const { database, clock } = deps;
    // Taken out before the first await: sends that end meanwhile go to the next commit.
    const outcomes = this.#done;
    this.#done = [];
    let attempt = 0;
    const committed = await this.#ctx.persist<Committed>('record outcomes', () => {
      // A retry after a commit whose answer was lost goes the ordinary way, which hands back its claims.
      if ((attempt += 1) === 1 && this.#mayCommitAtOnce(claim)) return this.#commitAtOnce(outcomes, claim);
      // Shared with other lanes' commits on SQLite: its commit runs at the end of this turn of
      // the event loop, after the requests just started are written to their sockets.
      return database.sharedCommit(async (trx) => {
        const now = clock.now();
        // A retry after a commit whose answer was lost: its claims may have happened; hand them back.
        if (attempt > 1) await queue.releaseClaimsOf(trx, owner, [...this.#heldIds(), ...outcomes.map((o) => o.id)]);
        const counts = await queue.recordOutcomes(trx, owner, outcomes, now);
        const next = claim === 0 ? { claimed: [], leaseExpiresAt: undefined, blasts: undefined, kept: true, checkedAt: undefined } : await this.#claimNext(trx, now, claim);
        // Last: every lane of a blast updates its counters' row and holds it until the commit.
        await queue.applyCounterDeltas(trx, counts, now);
        return { ...next, claimAgain: false };
      });
    }, this.#earliestLease());
    for (const o of outcomes) {
      this.#leases.delete(o.id);
      this.#recipients.delete(o.id);
    }
    for (const r of committed.claimed) {
      this.#leases.set(r.id, committed.leaseExpiresAt ?? 0);
      this.#recipients.set(r.id, r);
    }
    deps.metrics?.recordOutcomes(outcomes, { provider: sender.provider, sender: sender.key });
    if (claim > 0 && committed.claimed.length === 0 && !committed.claimAgain) this.#noMoreClaims = true;
    if (!committed.kept) this.#noMoreClaims = true;
    if (committed.checkedAt !== undefined) this.#senderCheckedAt = committed.checkedAt;
    if (committed.blasts) {
      // Their first claims started the blasts that were queued: no more locking them to start them.
      const started = new Set(committed.claimed.map((r) => r.blast_id));
      for (const blast of this.#runBlasts) if (started.has(blast.id)) blast.status = 'processing';
      for (const [id, b] of committed.blasts) this.#blasts.set(id, b);
      this.#queued.push(...committed.claimed);
      this.#claimedAny = true;
    }
  }

  /**
   * Whether this commit can be shared with the process's other lanes of its blast
   * (shared-statement.ts: PostgreSQL's one statement, SQLite's merged statements): the usual
   * commit of a number sending one started blast. Not when the number's lease is due to be pushed
   * out, nor for a blast's first claims in this run (its message is read with them) or a queued
   * blast (starting it is a transaction of its own).
   */
  #mayCommitAtOnce(claim: number): boolean {
    const { deps } = this.#ctx;
    const blasts = this.#runBlasts;
    if (deps.clock.now() - this.#senderCheckedAt >= SENDER_CHECK_MS) return false;
    if (claim === 0) return true;
    const first = blasts[0];
    return !this.#firstBlastEmpty && first !== undefined && first.status === 'processing' && this.#blasts.has(first.id);
  }

  /**
   * The commit shared with the other lanes of the blast in this process (PostgreSQL's one
   * statement, in autocommit; SQLite's merged statements, in the group commit); what it leaves
   * (PostgreSQL, rarely anything) after it, in a transaction.
   */
  async #commitAtOnce(outcomes: queue.Outcome[], claim: number): Promise<Committed> {
    const { deps, owner, sender, leaseMs, sharedStatement } = this.#ctx;
    const blasts = this.#runBlasts;
    const now = deps.clock.now();
    const blastId = blasts[0]?.id ?? 0;
    const done = await sharedStatement.commit(blastId, {
      owner,
      outcomes,
      recipients: this.#recipients,
      claim: claim > 0 ? { blastId, senderId: sender.id, leaseExpiresAt: now + leaseMs, limit: claim } : undefined,
    });
    const late = outcomes.filter((o) => !done.recorded.has(o.id));
    // PostgreSQL's statement leaves the rows the recovery failed meanwhile (SQLite's merged
    // statements correct them themselves): recorded the ordinary way, on the ordinary connections
    // (only the marked statements are to be planned generically), where recordOutcomes corrects them.
    if (late.length > 0) await deps.database.db.transaction().execute(async (trx) => queue.applyCounterDeltas(trx, await queue.recordOutcomes(trx, owner, late, now), now));
    // Nothing more in the first blast: the other blasts of the run are tried the ordinary way.
    const claimAgain = claim > 0 && done.claimed.length === 0 && blasts.length > 1;
    if (claimAgain) this.#firstBlastEmpty = true;
    return { claimed: done.claimed, leaseExpiresAt: now + leaseMs, blasts: done.claimed.length > 0 ? new Map() : undefined, kept: true, checkedAt: undefined, claimAgain };
  }

  /** The next claims, with the number's lease pushed out (and its pause or deletion by an admin noticed) once a second, not every commit. */
  async #claimNext(trx: Kysely<DB>, now: number, claim: number) {
    const { owner, sender, leaseMs } = this.#ctx;
    const checks = now - this.#senderCheckedAt >= SENDER_CHECK_MS;
    const kept = !checks || (await queue.keepSenderLease(trx, { id: sender.id, owner, now, expiresAt: now + leaseMs }));
    const claimed = kept ? await this.#claim(trx, now, now + leaseMs, claim) : [];
    return { claimed, leaseExpiresAt: now + leaseMs, blasts: claimed.length > 0 ? await loadWindowBlasts(trx, claimed, this.#blasts) : undefined, kept, checkedAt: checks ? now : undefined };
  }

  /** When the first claim held runs out (a lease's length from now when none is held). */
  #earliestLease(): number {
    return Math.min(this.#ctx.deps.clock.now() + this.#ctx.leaseMs, ...this.#leases.values());
  }

  /** Every row this run holds: queued, in flight, or finished and not yet recorded. */
  #heldIds(): number[] {
    return [...this.#queued.map((r) => r.id), ...this.#flying, ...this.#done.map((o) => o.id)];
  }

  async #claim(trx: Kysely<DB>, now: number, leaseExpiresAt: number, limit: number): Promise<queue.ClaimedRecipient[]> {
    const { deps, owner, sender } = this.#ctx;
    const blasts = this.#runBlasts;
    for (const blast of blasts) {
      if (blast.status !== 'processing') await queue.lockBlast(trx, deps.database.engine, blast.id);
      const claimed = await queue.claimRecipients(trx, deps.database.engine, { blastId: blast.id, senderId: sender.id, owner, now, leaseExpiresAt, limit });
      if (claimed.length > 0) {
        if (blast.status !== 'processing') await queue.markBlastStarted(trx, blast.id, now);
        return claimed;
      }
    }
    return [];
  }

  /**
   * After a failed commit the run ends without its hand-back, and the recovery will call every row
   * it still holds "delivery unknown" once the lease runs out. That is the truth for the sends whose
   * outcome was not recorded, but not for the recipients claimed and never started: those go back
   * to pending, untried, in a write of their own. Best effort: if that fails too, the recovery
   * (which says "unknown" rather than guess "not sent") has them.
   */
  async #handBackUnstarted(): Promise<void> {
    const { deps, owner } = this.#ctx;
    const unstarted = this.#queued.map((r): queue.Outcome => ({ id: r.id, blastId: r.blast_id, kind: 'released' }));
    this.#queued = [];
    if (unstarted.length === 0) return;
    const now = deps.clock.now();
    await deps.database.sharedCommit(async (trx) => queue.applyCounterDeltas(trx, await queue.recordOutcomes(trx, owner, unstarted, now), now)).catch((error: unknown) => {
      deps.logger.warn({ sender: this.#ctx.sender.key, recipients: unstarted.length, ...describeDatabaseError(error) }, 'could not hand back the recipients claimed and never started; the recovery will mark them');
    });
  }

  /** Records what is left and hands the number back with its schedule, its day's count and its slowdown. */
  async #handBack(): Promise<void> {
    const { deps, owner, sender } = this.#ctx;
    const { database, clock, settings, logger } = deps;
    const outcomes = this.#done;
    this.#done = [];
    const reason = this.#accountFailure;
    await this.#ctx.persist('record outcomes', () =>
      database.sharedCommit(async (trx) => {
        const now = clock.now();
        const counts = await queue.recordOutcomes(trx, owner, outcomes, now);
        // Claims whose commit answer was lost: nothing of this run is in flight any more.
        await queue.releaseClaimsOf(trx, owner);
        await queue.releaseSender(trx, {
          id: sender.id,
          owner,
          now,
          nextSendAt: Math.max(this.#pacer.handOverAt, sender.next_send_at),
          pausedReason: reason,
          slowdown: this.#pacer.slowdown,
          requests: { day: localDay(now, settings.timeZone), count: this.#requests },
        });
        if (reason) await this.#ctx.announcePause(trx, reason, now);
        await queue.applyCounterDeltas(trx, counts, now);
      }),
      this.#earliestLease(),
    );
    this.#leases.clear();
    this.#recipients.clear();
    deps.metrics?.recordOutcomes(outcomes, { provider: sender.provider, sender: sender.key });
    if (reason) logger.error({ sender: sender.key, reason }, 'sending number stopped');
  }
}
