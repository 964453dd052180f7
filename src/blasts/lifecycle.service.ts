import type { Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { BlastStatus, DB } from '../db/schema.js';
import { AppError, notFound } from '../errors.js';
import { completeIfDone } from '../worker/queue.repository.js';
import * as repo from './lifecycle.repository.js';
import { recordEvents } from '../events/outbox.repository.js';

export type LifecycleAction = 'pause' | 'resume' | 'cancel' | 'retry';

/** Which states each action may start from; anything else is a 409. */
const ALLOWED_FROM: Record<LifecycleAction, BlastStatus[]> = {
  pause: ['scheduled', 'queued', 'processing'],
  resume: ['paused'],
  cancel: ['scheduled', 'queued', 'processing', 'paused'],
  retry: ['processing', 'paused', 'completed', 'failed'],
};

export interface LifecycleContext {
  db: Kysely<DB>;
  engine: Engine;
  now: () => number;
  /** How long a pause/cancel may wait for sends already in flight (a gateway time-out and a margin). */
  inFlightWaitMs: number;
}

/**
 * Changes a blast's state. Pause and cancel answer only when every send already in flight for
 * the blast is recorded: after the answer, no send of this blast starts (claims check the
 * state in the same statement that claims, see claimRecipients).
 */
export async function changeBlastState(ctx: LifecycleContext, id: number, action: LifecycleAction, options: { error?: string } = {}) {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const blast = await repo.lockBlast(trx, ctx.engine, id);
    if (!blast) throw notFound(`Blast ${id}`);
    if (!ALLOWED_FROM[action].includes(blast.status)) {
      throw new AppError('conflict', `A ${blast.status} blast cannot be ${PAST[action]}.`, [
        { field: 'status', message: `is ${blast.status}; ${action} needs ${ALLOWED_FROM[action].join(' or ')}` },
      ]);
    }
    const now = ctx.now();
    // Resumed before its time, a scheduled blast waits for send_at again.
    const sending: BlastStatus =
      blast.started_at !== null ? 'processing' : blast.send_at !== null && Number(blast.send_at) > now ? 'scheduled' : 'queued';
    switch (action) {
      case 'pause':
        await repo.setBlastStatus(trx, id, { status: 'paused', reason: ADMIN_PAUSE });
        await recordEvents(trx, [{ type: 'blast.paused', blastId: id, data: { blast_id: id, status: 'paused', reason: ADMIN_PAUSE, paused_by: 'admin' } }], now);
        return { requeued: 0 };
      case 'resume':
        await repo.setBlastStatus(trx, id, { status: sending, reason: null });
        await completeIfDone(trx, id, now); // its last sends may have finished while it was paused
        return { requeued: 0 };
      case 'cancel':
        await repo.setBlastStatus(trx, id, { status: 'cancelled', reason: ADMIN_CANCEL, completedAt: now });
        const cancelled = await repo.cancelPendingRecipients(trx, id, now);
        await recordEvents(trx, [{ type: 'blast.cancelled', blastId: id, data: { blast_id: id, status: 'cancelled', reason: ADMIN_CANCEL, cancelled_recipients: cancelled } }], now);
        return { requeued: 0 };
      case 'retry': {
        const requeued = await repo.requeueFailedRecipients(trx, id, options.error, now);
        if (blast.status === 'completed' || blast.status === 'failed') {
          await repo.setBlastStatus(trx, id, { status: requeued > 0 ? 'processing' : blast.status, reason: requeued > 0 ? null : undefined, completedAt: requeued > 0 ? null : undefined });
        }
        return { requeued };
      }
    }
  });
  if (action === 'pause' || action === 'cancel') await waitForInFlight(ctx, id, PAST[action]);
  return outcome;
}

const ADMIN_PAUSE = 'paused by an admin';
const ADMIN_CANCEL = 'cancelled by an admin';

const PAST: Record<LifecycleAction, string> = { pause: 'paused', resume: 'resumed', cancel: 'cancelled', retry: 'retried' };

async function waitForInFlight(ctx: LifecycleContext, id: number, state: string): Promise<void> {
  const deadline = ctx.now() + ctx.inFlightWaitMs;
  while ((await repo.countInFlight(ctx.db, id)) > 0) {
    if (ctx.now() > deadline) {
      throw new AppError('unavailable', `The blast is ${state}, but a send already under way has not been recorded yet; check again shortly.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
