import type { Pacing } from '../senders/pacing.js';
import { MAX_SLOWDOWN, slowedDown } from '../senders/pacing.js';
import { randomPauseMs } from './retry-policy.js';

/**
 * Once the provider has been quiet this long, one halving of the rate is undone: a number that
 * hit its throughput limit climbs back to full speed in steps rather than hitting it again at once.
 */
export const RAMP_UP_MS = 2_000;

/**
 * When the sends of one number may start, for the lease holder of that number. Starts are at
 * least 1000 / maxPerSecond ms apart, kept on a fractional schedule so whole-millisecond clocks
 * lose no rate: start i+R is never earlier than 1000 ms after start i, so no one-second window
 * [t, t+1000) ever holds more than R starts. The schedule is handed to the next lease holder
 * (whatever process) as the sender's `next_send_at`, so the window holds across processes.
 *
 * The pause counts from the end of the previous send when one request is in flight at a time
 * (one phone: it rests after each message), from the previous start otherwise.
 */
export class Pacer {
  /** The earliest next start, in fractional epoch ms. */
  #next: number;
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

  /** The first whole millisecond at which the next send may start. */
  get nextStartAt(): number {
    return Math.ceil(this.#next);
  }

  get slowdown(): { level: number; at: number | null } {
    return { level: this.#slowdown, at: this.#slowdownAt ?? null };
  }

  /** The least time between two starts (0: no rate limit). */
  get spacingMs(): number {
    const { maxPerSecond } = this.current;
    return maxPerSecond > 0 ? 1000 / maxPerSecond : 0;
  }

  /** A send started at `at` (never before nextStartAt). */
  started(at: number): void {
    // On time: keep the fractional schedule. Late (nothing to send, or every slot busy): the
    // schedule restarts from the real start.
    const scheduled = at <= Math.ceil(this.#next) ? this.#next : at;
    this.#next = scheduled + this.spacingMs;
    if (this.current.maxInFlight > 1) this.#next = Math.max(this.#next, at + this.#pause());
  }

  /** A send ended at `at`. */
  ended(at: number): void {
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

  #pause(): number {
    const { pauseMinMs, pauseMaxMs } = this.pacing;
    return pauseMaxMs === 0 ? 0 : randomPauseMs(pauseMinMs, pauseMaxMs);
  }
}
