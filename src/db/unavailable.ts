import type { Logger } from 'pino';

/**
 * Failures that say "the database cannot be reached right now", not "this statement is wrong":
 * the server is restarting or shutting down, the connection was refused, reset or timed out,
 * or (embedded engine) another process held the write lock too long. Retrying such a failure
 * later is safe and is what a restart needs; any other failure is a bug or a bad configuration
 * and is reported as before.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // SQLSTATE class 08: connection exception; 57P01-57P03: admin/crash shutdown, starting up;
    // 53300: too many connections (a restart's reconnect storm).
    if (/^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  }
  return typeof message === 'string' && PG_CLIENT_MESSAGES.some((m) => message.includes(m));
}

/**
 * Failures that say "this transaction collided with another one and was rolled back whole":
 * PostgreSQL's deadlock (40P01) and serialization failure (40001). Nothing of it was written, so
 * running it again is safe; it usually goes through the second time.
 */
export function isTransientConflict(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === '40P01' || code === '40001';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres reports a lost or unobtainable connection with these texts and no code. */
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection ended unexpectedly',
];

/** What a log line may say about a database failure: its code and text, never a URL or a parameter. */
export function describeDatabaseError(error: unknown): { code?: string; reason: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return { ...(typeof code === 'string' ? { code } : {}), reason: typeof message === 'string' ? message.slice(0, 200) : String(error).slice(0, 200) };
}

export interface DatabaseRetry {
  /** The first wait after a failure; each next one doubles, up to maxMs (with jitter). */
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with jitter: about base, 2×base, 4×base… never above max. */
export function databaseBackoffMs(failures: number, retry: DatabaseRetry): number {
  const ceiling = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export class RetryAborted extends Error {}

/** A write rolled back by conflicts is run again at most this many times (per call): one that always conflicts is a bug, not bad luck. */
const CONFLICT_RETRIES = 5;

/**
 * Runs `attempt` until it succeeds, waiting with backoff after each failure that only says the
 * database is unreachable; any other failure is thrown at once. With `retryConflicts`, a
 * transaction rolled back by a deadlock or a serialization failure is run again too (a few times,
 * after a short wait). `giveUp` is asked before each wait (stop retrying: the last failure is
 * thrown). The first failure of a run and the recovery are logged, so an outage shows as two
 * lines, not one per attempt.
 */
export async function whileDatabaseUnavailable<T>(
  attempt: () => Promise<T>,
  options: { what: string; retry: DatabaseRetry; logger: Logger; giveUp?: () => boolean; signal?: AbortSignal; retryConflicts?: boolean },
): Promise<T> {
  let failures = 0;
  let conflicts = 0;
  for (;;) {
    try {
      const result = await attempt();
      if (failures > 0) options.logger.info({ what: options.what, attempts: failures + conflicts + 1 }, 'database reachable again');
      return result;
    } catch (error) {
      if (options.signal?.aborted) throw new RetryAborted(`${options.what}: stopped while waiting for the database`);
      const conflict = options.retryConflicts === true && isTransientConflict(error);
      if (conflict && conflicts === CONFLICT_RETRIES) {
        options.logger.error({ what: options.what, attempts: conflicts + 1, ...describeDatabaseError(error) }, 'transaction rolled back by a conflict every time; giving up');
        throw error;
      }
      if (!(conflict || isDatabaseUnavailable(error)) || options.giveUp?.()) throw error;
      let waitMs: number;
      if (conflict) {
        // The other transaction has usually ended by now: a short, jittered wait (5–10 ms, doubling
        // up to 80–160 ms), not the outage backoff.
        conflicts += 1;
        waitMs = databaseBackoffMs(conflicts, { baseMs: 10, maxMs: 200 });
        options.logger.warn({ what: options.what, attempts: conflicts, retryInMs: waitMs, ...describeDatabaseError(error) }, 'transaction rolled back by a conflict; running it again');
      } else {
        failures += 1;
        waitMs = databaseBackoffMs(failures, options.retry);
        if (failures === 1 || failures % 20 === 0) {
          options.logger.warn({ what: options.what, attempts: failures, retryInMs: waitMs, ...describeDatabaseError(error) }, 'database unreachable; retrying');
        }
      }
      await sleep(waitMs, options.signal);
      if (options.signal?.aborted) throw new RetryAborted(`${options.what}: stopped while waiting for the database`);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
