import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { WebhookEvent } from '../gateways/gateway.js';
import * as repo from './receipts.repository.js';

/** A receipt nobody claims within a day is not ours (another system on the same number). */
const BACKLOG_MAX_AGE_MS = 24 * 3_600_000;

export interface ReceiptSummary {
  applied: number;
  unchanged: number;
  kept: number;
  optedOut: number;
}

/** Applies what a verified webhook carried: receipts move recipients forward; opt-out keywords opt out. */
export async function handleEvents(
  db: Kysely<DB>,
  events: WebhookEvent[],
  options: { provider: string; optOutKeywords: readonly string[]; now: number },
): Promise<ReceiptSummary> {
  const summary: ReceiptSummary = { applied: 0, unchanged: 0, kept: 0, optedOut: 0 };
  await db.transaction().execute(async (trx) => {
    for (const event of events) {
      if (event.kind === 'inbound') {
        if (isOptOut(event.text, options.optOutKeywords)) {
          summary.optedOut += await repo.optOut(trx, event.from.replace(/\D/g, ''), `${options.provider}: "${event.text.trim().slice(0, 40)}"`, options.now);
        }
        continue;
      }
      const result = await repo.applyReceipt(trx, event, options.now);
      if (result === 'not_recorded_yet') {
        await repo.keepForLater(trx, event, options.now);
        summary.kept += 1;
      } else summary[result] += 1;
    }
  });
  return summary;
}

/** The whole message is the keyword ("stop", " Berhenti! "), not a sentence that contains one. */
export function isOptOut(text: string, keywords: readonly string[]): boolean {
  const word = text.trim().replace(/[.!?\s]+$/u, '').toUpperCase();
  return keywords.includes(word);
}

/** Applies kept receipts whose send is recorded by now; forgets those too old to be ours. */
export async function applyBacklog(db: Kysely<DB>, now: number): Promise<number> {
  const kept = await repo.backlog(db, 500);
  if (kept.length === 0) return 0;
  let applied = 0;
  await db.transaction().execute(async (trx) => {
    const done: number[] = [];
    for (const receipt of kept) {
      const result = await repo.applyReceipt(
        trx,
        { providerMessageId: receipt.provider_message_id, status: receipt.status as 'delivered', error: receipt.error ?? undefined, at: Number(receipt.event_at) },
        now,
      );
      if (result === 'applied') applied += 1;
      if (result !== 'not_recorded_yet' || now - Number(receipt.received_at) > BACKLOG_MAX_AGE_MS) done.push(Number(receipt.id));
    }
    await repo.dropFromBacklog(trx, done);
  });
  return applied;
}
