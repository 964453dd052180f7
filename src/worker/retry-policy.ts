import { randomInt } from 'node:crypto';
import type { GatewayError } from '../gateways/gateway.js';
import type { Outcome } from './queue.repository.js';

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff with full jitter: attempt 1 waits up to base, then 2×, 4×…, capped. */
export function backoffMs(attempt: number, settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** What a gateway failure means for this recipient (account failures and throughput limits are handled by the caller). */
export function outcomeOfFailure(
  error: GatewayError,
  recipient: { id: number; blastId: number; attempts: number },
  settings: RetrySettings,
  now: number,
): Outcome {
  const { id, blastId, attempts } = recipient;
  if (error.kind === 'transient') {
    if (attempts >= settings.maxAttempts) {
      return { id, blastId, kind: 'failed', reason: `${error.message} (gave up after ${attempts} attempts)` };
    }
    return { id, blastId, kind: 'retry', reason: `${error.message}; retrying`, nextAttemptAt: now + backoffMs(attempts, settings) };
  }
  return { id, blastId, kind: 'failed', reason: error.message };
}

/** The pause before a number's next send: uniform in [min, max] milliseconds. */
export function randomPauseMs(minMs: number, maxMs: number): number {
  return minMs === maxMs ? minMs : randomInt(minMs, maxMs + 1);
}
