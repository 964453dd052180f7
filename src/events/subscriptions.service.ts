import type { Kysely } from 'kysely';
import type { DB, DeliveryStatus } from '../db/schema.js';
import { invalid, notFound } from '../errors.js';
import * as repo from './subscriptions.repository.js';
import type { SubscriptionCreate, SubscriptionPatch } from './subscriptions.schema.js';
import { newSigningSecret, sealSigningSecret } from './signing-secret.js';
import { urlProblem } from './url-guard.js';

export interface SubscriptionContext {
  db: Kysely<DB>;
  now: number;
  secretKey: Buffer | undefined;
  allowPrivateUrls: boolean;
}

const iso = (ms: number | null) => (ms === null || Number(ms) === 0 ? null : new Date(Number(ms)).toISOString());

export function toSubscriptionResponse(row: repo.SubscriptionRow) {
  return {
    id: Number(row.id),
    url: row.url,
    events: JSON.parse(row.events) as string[],
    active: Number(row.active) === 1,
    description: row.description,
    consecutive_failures: Number(row.consecutive_failures),
    // Only a subscriber that is backing off has a next attempt worth showing.
    next_attempt_at: Number(row.consecutive_failures) > 0 ? iso(row.next_attempt_at) : null,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function toDeliveryResponse(row: repo.DeliveryRow) {
  return {
    id: Number(row.id),
    event_id: row.event_id,
    type: row.type,
    blast_id: row.blast_id === null ? null : Number(row.blast_id),
    status: row.status,
    attempts: Number(row.attempts),
    last_error: row.last_error,
    created_at: iso(row.created_at)!,
    last_attempt_at: iso(row.last_attempt_at),
    delivered_at: iso(row.delivered_at),
    event: JSON.parse(row.payload) as Record<string, unknown>,
  };
}

async function checkUrl(ctx: SubscriptionContext, url: string): Promise<void> {
  const problem = await urlProblem(url, ctx.allowPrivateUrls);
  if (problem) throw invalid('The webhook subscription has invalid fields.', [{ field: 'url', message: problem }]);
}

/** Stores a subscription; the answer carries its signing secret, which is never shown again. */
export async function createSubscription(ctx: SubscriptionContext, input: SubscriptionCreate) {
  await checkUrl(ctx, input.url);
  const secret = newSigningSecret();
  return ctx.db.transaction().execute(async (trx) => {
    // The secret is sealed with the row's id as additional data, so the row exists first.
    const id = await repo.insertSubscription(trx, {
      url: input.url,
      events: JSON.stringify(input.events),
      secret: '',
      active: input.active === false ? 0 : 1,
      description: input.description?.trim() || null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    await repo.updateSubscription(trx, id, { secret: sealSigningSecret(ctx.secretKey, id, secret) });
    return { ...toSubscriptionResponse((await repo.findSubscription(trx, id))!), secret };
  });
}

export async function listSubscriptions(ctx: SubscriptionContext) {
  return (await repo.listSubscriptions(ctx.db)).map(toSubscriptionResponse);
}

export async function getSubscription(ctx: SubscriptionContext, id: number) {
  const row = await repo.findSubscription(ctx.db, id);
  if (!row) throw notFound(`Webhook subscription ${id}`);
  return toSubscriptionResponse(row);
}

export async function updateSubscription(ctx: SubscriptionContext, id: number, patch: SubscriptionPatch) {
  if (patch.url !== undefined) await checkUrl(ctx, patch.url);
  const changed = await repo.updateSubscription(ctx.db, id, {
    updated_at: ctx.now,
    ...(patch.url !== undefined ? { url: patch.url } : {}),
    ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
    ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
    ...(patch.description !== undefined ? { description: patch.description?.trim() || null } : {}),
    // A fixed URL or a reactivated subscriber is tried at once, not after the backoff.
    ...(patch.url !== undefined || patch.active === true ? { next_attempt_at: 0 } : {}),
  });
  if (!changed) throw notFound(`Webhook subscription ${id}`);
  return getSubscription(ctx, id);
}

export async function deleteSubscription(ctx: SubscriptionContext, id: number): Promise<void> {
  if (!(await repo.deleteSubscription(ctx.db, id))) throw notFound(`Webhook subscription ${id}`);
}

export async function listDeliveries(ctx: SubscriptionContext, id: number, query: { status?: DeliveryStatus; page: number; per_page: number }) {
  await getSubscription(ctx, id);
  const { data, total } = await repo.pageOfDeliveries(ctx.db, id, { status: query.status, page: query.page, perPage: query.per_page });
  return { data: data.map(toDeliveryResponse), meta: { page: query.page, per_page: query.per_page, total } };
}

export async function redeliver(ctx: SubscriptionContext, id: number, deliveryId: number) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.redeliver(trx, id, deliveryId, ctx.now);
    if (!row) throw notFound(`Delivery ${deliveryId} of webhook subscription ${id}`);
    await repo.clearBackoff(trx, id);
    return toDeliveryResponse(row);
  });
}
