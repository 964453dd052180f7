import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import { backoffMs } from '../worker/retry-policy.js';
import { postJson } from './http-delivery.js';
import * as outbox from './outbox.repository.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { openSigningSecret } from './signing-secret.js';

export interface EventDeliverySettings {
  /** Delivery lanes per worker process: subscribers served at the same time. */
  concurrency: number;
  /** Events per request at most (always sent as an array). */
  batchSize: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A failing event is retried this long, then marked failed. */
  retryForMs: number;
  allowPrivateUrls: boolean;
  secretKey: Buffer | undefined;
  idlePollMs: number;
}

export interface EventDeliveryDeps {
  database: Database;
  clock: Clock;
  logger: Logger;
  settings: EventDeliverySettings;
  /** The worker's id: the lease owner. */
  owner: string;
}

/**
 * One turn of a delivery lane: lease a subscriber with pending events, send its oldest ones in
 * one signed request, record the result. Answers how long to sleep (0: go again at once).
 * Delivery lanes are separate from sending lanes and use their own time-out, so a slow or dead
 * receiver never slows sending; at most `concurrency` receivers are being waited on per process.
 */
export async function deliverOnce(deps: EventDeliveryDeps): Promise<number> {
  const { database, clock, logger, settings, owner } = deps;
  const { db, engine } = database;
  const now = clock.now();
  if (!(await outbox.hasDueDeliveries(db, now))) return settings.idlePollMs;
  // Long enough for the request and its recording; a killed worker's lease lapses after it.
  const subscription = await outbox.leaseDueSubscription(db, engine, { owner, now, expiresAt: now + 2 * settings.timeoutMs + 5_000 });
  if (!subscription) return settings.idlePollMs;

  const events = await outbox.pendingDeliveries(db, subscription.id, settings.batchSize);
  if (events.length === 0) {
    await outbox.releaseSubscription(db, subscription.id, owner);
    return 0;
  }
  const result = await send(subscription, events, settings, clock.now());
  const finished = clock.now();
  const failures = subscription.consecutive_failures + 1;
  await db.transaction().execute((trx) =>
    outbox.recordAttempt(trx, {
      subscriptionId: subscription.id,
      owner,
      deliveryIds: events.map((e) => e.id),
      now: finished,
      result: result.ok
        ? { ok: true }
        : {
            ok: false,
            error: result.error,
            nextAttemptAt: finished + backoffMs(failures, { baseDelayMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxMs }),
            giveUpBefore: finished - settings.retryForMs,
          },
    }),
  );
  if (!result.ok) logger.warn({ webhook: subscription.id, events: events.length, error: result.error, failures }, 'webhook delivery failed; will retry');
  return 0;
}

async function send(
  subscription: outbox.LeasedSubscription,
  events: { payload: string }[],
  settings: EventDeliverySettings,
  now: number,
) {
  let secret: string;
  try {
    secret = openSigningSecret(settings.secretKey, subscription.id, subscription.secret);
  } catch (error) {
    return { ok: false as const, error: (error as Error).message };
  }
  // The stored payloads are spliced in as they are: the body is exactly the bytes signed.
  const body = `{"events":[${events.map((e) => e.payload).join(',')}]}`;
  const headers = { [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(now / 1000)) };
  return postJson(subscription.url, body, headers, { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivateUrls });
}
