import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer, RAMP_UP_MS } from '../../src/worker/pacer.js';
import type { Pacing } from '../../src/senders/pacing.js';

const OFFICIAL: Pacing = { maxInFlight: 8, maxPerSecond: 80, pauseMinMs: 0, pauseMaxMs: 0 };

/** The most starts inside any half-open window [t, t + 1000). */
function busiestSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - 999) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * Whole-millisecond starts, each at the first millisecond the pacer allows, handed from one
 * lease holder to the next through `next_send_at` (the integer the holder writes back), as two
 * worker processes do: the window must hold exactly at the hand-over, with no rate lost.
 */
function startsAcrossHandOvers(pacing: Pacing, count: number, perLease: number): number[] {
  const starts: number[] = [];
  let nextSendAt = 1_000_000;
  while (starts.length < count) {
    const pacer = new Pacer(pacing, { nextStartAt: nextSendAt, slowdown: 0, slowdownAt: null });
    for (let i = 0; i < perLease && starts.length < count; i++) {
      const at = pacer.nextStartAt;
      pacer.started(at);
      starts.push(at);
    }
    nextSendAt = pacer.nextStartAt;
  }
  return starts;
}

describe('pacer: when one number may start its sends', () => {
  for (const rate of [80, 7, 1000, 3]) {
    it(`never more than ${rate} starts in any one-second window, across lease hand-overs, at full rate`, () => {
      const pacing = { ...OFFICIAL, maxPerSecond: rate };
      for (const perLease of [1, 3, 8, 33]) {
        const starts = startsAcrossHandOvers(pacing, rate * 5, perLease);
        assert.ok(busiestSecond(starts) <= rate, `${perLease} per lease: ${busiestSecond(starts)} in one second`);
        // A hand-over rounds the schedule up to a whole millisecond: under a millisecond lost per lease.
        const span = starts.at(-1)! - starts[0]!;
        const leases = Math.ceil(starts.length / perLease);
        assert.ok(span < 5000 + leases, `${perLease} per lease: span ${span} ms`);
        if (perLease >= 8) assert.equal(busiestSecond(starts), rate, `${perLease} per lease: full rate`);
      }
    });
  }

  it('a late start restarts the schedule from the real start: no burst to catch up', () => {
    const pacer = new Pacer(OFFICIAL, { nextStartAt: 0, slowdown: 0, slowdownAt: null });
    const starts: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Every fifth start comes 300 ms late (every slot busy); the others as early as allowed.
      const at = i % 5 === 4 ? pacer.nextStartAt + 300 : pacer.nextStartAt;
      pacer.started(at);
      starts.push(at);
    }
    assert.ok(busiestSecond(starts) <= 80);
  });

  it('max_per_second 0 is no limit: on a clock that does not move, every start is due at once', () => {
    const pacer = new Pacer({ ...OFFICIAL, maxPerSecond: 0 }, { nextStartAt: 500, slowdown: 0, slowdownAt: null });
    for (let i = 0; i < 10; i++) pacer.started(500);
    assert.equal(pacer.nextStartAt, 500);
  });

  it('one in flight: the pause counts from the end of the previous send', () => {
    const pacer = new Pacer({ maxInFlight: 1, maxPerSecond: 1, pauseMinMs: 3000, pauseMaxMs: 5000 }, { nextStartAt: 0, slowdown: 0, slowdownAt: null });
    pacer.started(10);
    pacer.ended(250);
    assert.ok(pacer.nextStartAt >= 3250 && pacer.nextStartAt <= 5250, String(pacer.nextStartAt));
  });

  it('a throughput error halves the rate and waits; quiet stretches undo one halving each', () => {
    const pacer = new Pacer(OFFICIAL, { nextStartAt: 0, slowdown: 0, slowdownAt: null });
    pacer.throttle(1000, 5000);
    pacer.throttle(1001, 6000, false); // another answer to the same burst
    assert.deepEqual(pacer.slowdown, { level: 1, at: 1000 });
    assert.equal(pacer.nextStartAt, 7001);
    assert.deepEqual([pacer.current.maxInFlight, pacer.current.maxPerSecond], [4, 40]);
    pacer.rampUp(1000 + RAMP_UP_MS - 1);
    assert.equal(pacer.slowdown.level, 1, 'not quiet for long enough yet');
    pacer.rampUp(1000 + RAMP_UP_MS);
    assert.deepEqual(pacer.slowdown, { level: 0, at: 1000 + RAMP_UP_MS });
    assert.deepEqual([pacer.current.maxInFlight, pacer.current.maxPerSecond], [8, 80]);
    for (let i = 0; i < 20; i++) pacer.throttle(2 * RAMP_UP_MS + i, 0);
    assert.equal(pacer.current.maxInFlight, 1, 'at least one in flight');
    assert.equal(pacer.current.maxPerSecond, 80 / 64, 'at most six halvings');
  });
});
