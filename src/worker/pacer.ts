import type { Pacing } from '../senders/pacing.js';
import { MAX_SLOWDOWN, slowedDown } from '../senders/pacing.js';
import { randomPauseMs } from './retry-policy.js';

/**
 * Once the provider has been quiet this long, one halving of the rate is undone: a number that
 * hit its throughput limit climbs back to full speed in steps rather than hitting it again at once.
 */
export const RAMP_UP_MS = 2_000;

/**
 * Up to this much of a start's lateness is made up by the starts after it, which may then come
 * closer together than the spacing (CATCH_UP_SPACING; never more than the rate in any one-second window). A
 * longer gap (nothing to send, every slot busy) is not made up with a burst.
 */
export const CATCH_UP_MS = 100;

/**
 * Made-up starts come at least this share of a spacing apart (at twice the rate), never all at
 * once. A burst of starts left together and reached the provider within a few ms, and the window
 * rule lets a burst through again one window later (its starts are a window after the first
 * burst's): with the requests' uneven delays the provider then saw up to 88 in one second.
 */
export const CATCH_UP_SPACING = 0.5;

/**
 * Added to the window rule's second: start i comes at least 1000 ms + this after start i − R,
 * counted from when the requests were written. As they leave this machine (the kernel's time of
 * each packet) the window then always holds; the margin is for the way to the provider: two
 * requests written 1000 ms apart can reach it closer. 5 ms is a trade: it covers the 99th
 * percentile of that unevenness on a busy 2-core machine (1.9–2.6 ms from a sender to a local
 * provider's event loop), not its worst (up to ~17 ms, docs/benchmarks.md), let alone the
 * internet's; a wider margin costs the rate (8 and 9 ms left 0.1 % for everything else in the
 * 1 % the rate may fall short). What slips through, the provider answers with a throughput
 * error, and the number slows down (throttle).
 */
export const WINDOW_MARGIN_MS = 5;

/**
 * Added to R spacings of the schedule: (1000 + this) / R ms apart. More than WINDOW_MARGIN_MS, so
 * that a start a millisecond or so late (timers fire late, the lane was busy) does not hold back
 * the start a window after it; held back, the lateness would add up, start after start, and
 * the rate would fall below the schedule's. The rate is 0.6 % under the limit for it.
 */
export const SPACING_MARGIN_MS = 6;

/**
 * One start as the window rule counts it: from when its request was written to the provider's
 * connection (the provider counts arrivals, and a request may leave well after its start: a new
 * connection's handshake, an image upload before it, a busy event loop). Until then it is
 * `waiting`, and may leave at any moment; a send that ended without writing its request (a
 * refused connection) counts from its start. A recipient skipped without a request never starts.
 */
export interface StartRecord {
  at: number;
  waiting: boolean;
}

/**
 * When the sends of one number may start, for the lease holder of that number. Starts follow a
 * fractional schedule (1000 + SPACING_MARGIN_MS) / maxPerSecond ms apart, so whole-millisecond
 * clocks lose no rate, and under a window rule: with R = maxPerSecond, start i is never earlier
 * than 1000 ms (plus WINDOW_MARGIN_MS) after start i − R, so no one-second window [t, t+1000) ever
 * holds more than R starts (a start counts from when its request was written, once it was:
 * StartRecord). A start that
 * comes late (a timer fired late, the lane was recording) keeps its slot: the rate is not lost,
 * the window rule alone holds the next starts back. The schedule is handed to the next lease
 * holder (whatever process) as the sender's `next_send_at` (handOverAt), so the window holds
 * across processes.
 *
 * The pause counts from the end of the previous send when one request is in flight at a time
 * (one phone: it rests after each message), from the previous start otherwise.
 */
export class Pacer {
  /** The earliest next slot, in fractional epoch ms. */
  #next: number;
  /** The latest starts, oldest first: as many as one window may hold. */
  #recent: StartRecord[] = [];
  #slowdown: number;
  #slowdownAt: number | undefined;

  constructor(
    private readonly pacing: Pacing,
    state: { nextStartAt: number; slowdown: number; slowdownAt: number | null },
  ) {
    this.#next = state.nextStartAt;
    this.#slowdown = Math.min(state.slowdown, MAX_SLOWDOWN);
    this.#slowdownAt = state.slowdownAt ?? undefined;
  }

  /** The pacing in effect now (lower after throughput errors). */
  get current(): Pacing {
    return slowedDown(this.pacing, this.#slowdown);
  }

  /**
   * The first whole millisecond at which the next send may start; Infinity while the start a
   * window before it has not been written yet (sent or ended will tell).
   */
  get nextStartAt(): number {
    const { ms } = this.#window();
    const windowStart = this.#windowStart();
    if (windowStart?.waiting) return Infinity;
    const windowFloor = windowStart ? windowStart.at + ms : -Infinity;
    const catchUpFloor = (this.#recent.at(-1)?.at ?? -Infinity) + this.spacingMs * CATCH_UP_SPACING;
    return Math.ceil(Math.max(this.#next, windowFloor, catchUpFloor));
  }

  /**
   * The `next_send_at` to hand the number over with. The next holder knows only this time, and
   * its k-th start comes at least k spacings after it; that start must still be a window after
   * the start of ours that it pushes out of the window (the k-th of our last R). Called with no
   * send in flight, so no start is waiting.
   */
  get handOverAt(): number {
    let at = this.nextStartAt;
    const { starts, ms } = this.#window();
    const first = this.#recent.length - starts;
    for (let k = Math.max(0, -first); k < starts; k++) at = Math.max(at, Math.ceil(this.#recent[first + k]!.at + ms - k * this.spacingMs));
    return at;
  }

  get slowdown(): { level: number; at: number | null } {
    return { level: this.#slowdown, at: this.#slowdownAt ?? null };
  }

  /** The least time between two slots (0: no rate limit). */
  get spacingMs(): number {
    const { maxPerSecond } = this.current;
    return maxPerSecond > 0 ? (1000 + SPACING_MARGIN_MS) / maxPerSecond : 0;
  }

  /** A send started at `at` (never before nextStartAt); tell `sent` when its request was written, and `ended` when it ended. */
  started(at: number): StartRecord {
    const slot = Math.max(this.#next, at - CATCH_UP_MS);
    this.#next = slot + this.spacingMs;
    const record = { at, waiting: true };
    this.#recent.push(record);
    // The rate never rises above the configured one: its window is the longest to remember.
    if (this.#recent.length > Math.max(1, Math.floor(this.pacing.maxPerSecond))) this.#recent.shift();
    if (this.current.maxInFlight > 1 && this.pacing.pauseMaxMs > 0) this.#next = Math.max(this.#next, at + this.#pause());
    return record;
  }

  /**
   * The request of the send started as `record` was written at `at`: the window counts it from
   * then. True when the next start was waiting for this write (nextStartAt was Infinity).
   */
  sent(record: StartRecord, at: number): boolean {
    const awaited = record.waiting && this.#windowStart() === record;
    record.at = Math.max(record.at, at);
    record.waiting = false;
    return awaited;
  }

  /** The send started as `record` ended at `at` (if its request was never written, it counts from its start). */
  ended(record: StartRecord, at: number): void {
    record.waiting = false;
    if (this.current.maxInFlight === 1) this.#next = Math.max(this.#next, at + this.#pause());
  }

  /**
   * The provider said "too fast": wait `waitMs` before the next start, and halve the rate unless
   * this is another answer to the same burst (`halve` false).
   */
  throttle(at: number, waitMs: number, halve = true): void {
    if (halve) {
      this.#slowdown = Math.min(this.#slowdown + 1, MAX_SLOWDOWN);
      this.#slowdownAt = at;
    }
    this.#next = Math.max(this.#next, at + waitMs);
  }

  /** Undoes one halving when the provider has been quiet for RAMP_UP_MS (called after good answers). */
  rampUp(at: number): void {
    if (this.#slowdown === 0) return;
    if (this.#slowdownAt !== undefined && at - this.#slowdownAt < RAMP_UP_MS) return;
    this.#slowdown -= 1;
    this.#slowdownAt = at;
  }

  /** The start that the next one must come a window after (the R-th latest), if R were made. */
  #windowStart(): StartRecord | undefined {
    const { starts } = this.#window();
    return starts > 0 && this.#recent.length >= starts ? this.#recent[this.#recent.length - starts] : undefined;
  }

  /** R starts per window of R × (1000 + WINDOW_MARGIN_MS) / maxPerSecond ms (1005 ms for a whole rate; slowed-down rates may be fractional). */
  #window(): { starts: number; ms: number } {
    const { maxPerSecond } = this.current;
    if (maxPerSecond <= 0) return { starts: 0, ms: 0 };
    const starts = Math.max(1, Math.floor(maxPerSecond));
    return { starts, ms: (starts * (1000 + WINDOW_MARGIN_MS)) / maxPerSecond };
  }

  #pause(): number {
    const { pauseMinMs, pauseMaxMs } = this.pacing;
    return pauseMaxMs === 0 ? 0 : randomPauseMs(pauseMinMs, pauseMaxMs);
  }
}
