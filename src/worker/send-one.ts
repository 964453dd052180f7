import { customerValues, renderMessage } from '../blasts/template.js';
import { OPTED_OUT } from '../blasts/recipients.repository.js';
import { GatewayError, scrubSecrets } from '../gateways/gateway.js';
import { getImage, imageUrl } from '../blasts/blasts.service.js';
import type { Database } from '../db/connection.js';
import type { OutgoingImage, OutgoingMessage } from '../gateways/gateway.js';
import * as queue from './queue.repository.js';
import { outcomeOfFailure } from './retry-policy.js';
import type { WorkerDeps } from './worker.js';
import type { SenderGateway } from '../senders/sender-gateways.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** What became of one send: the outcome to record, and what it says about the number. */
export interface SendResult {
  outcome: queue.Outcome;
  /** The sending number itself can't send: stop it with this reason (the recipient is released). */
  accountFailure?: string;
  /** The provider's throughput limit: slow the number down and wait this long (the recipient is released, untried). */
  throttledMs?: number;
}

/** The blasts of claimed recipients, read with the claim (their customers come with the claim
 * itself), so a database failure can only happen before anything was sent (then the claim is
 * rolled back too). */
export type WindowBlasts = Map<number, Awaited<ReturnType<typeof queue.loadBlastForSending>>>;

/** The blasts of `claimed` that `known` does not have yet (a blast's message does not change while it sends). */
export async function loadWindowBlasts(db: Kysely<DB>, claimed: queue.ClaimedRecipient[], known: WindowBlasts): Promise<WindowBlasts> {
  const blasts: WindowBlasts = new Map();
  for (const blastId of new Set(claimed.map((c) => c.blast_id))) if (!known.has(blastId)) blasts.set(blastId, await queue.loadBlastForSending(db, blastId));
  return blasts;
}

/**
 * The message for a claimed recipient, or the outcome that skips it when it can no longer be sent
 * (deleted customer, opted out, a placeholder without a value). Reads nothing from the database.
 */
export function messageFor(deps: WorkerDeps, recipient: queue.ClaimedRecipient, blasts: WindowBlasts): { message: OutgoingMessage } | { skipped: queue.Outcome } {
  const ref = { id: recipient.id, blastId: recipient.blast_id };
  const blast = blasts.get(recipient.blast_id);
  const { customer } = recipient;
  if (!blast || !customer) return { skipped: { ...ref, kind: 'skipped', reason: 'the customer was deleted before the message was sent' } };
  if (customer.opted_out_at !== null) return { skipped: { ...ref, kind: 'skipped', reason: OPTED_OUT } };
  const rendered = renderMessage(blast, customerValues(customer));
  if (!rendered.ok) return { skipped: { ...ref, kind: 'skipped', reason: `no value for ${rendered.missing.map((m) => `{${m}}`).join(', ')}` } };
  const { database, settings } = deps;
  return {
    message: {
      to: recipient.phone_number,
      text: rendered.text,
      template: rendered.template,
      image: blast.image_token ? outgoingImage(database, settings.publicBaseUrl, blast.image_token, blast.image_mime!) : undefined,
      reference: String(recipient.id),
    },
  };
}

/**
 * Sends `message` to a claimed recipient (messageFor). Reads nothing from the database (an
 * image's bytes aside, whose failure is a "nothing was sent" failure). `onSent`: the message's
 * request was written to the provider's connection.
 */
export async function sendOne(
  deps: WorkerDeps,
  sender: SenderGateway,
  recipient: queue.ClaimedRecipient,
  message: OutgoingMessage,
  onSent?: () => void,
): Promise<SendResult> {
  const { clock, logger, settings, metrics } = deps;
  const { gateway, secrets } = sender;
  const ref = { id: recipient.id, blastId: recipient.blast_id };
  const send = () => gateway.send(message, AbortSignal.timeout(settings.gatewayTimeoutMs), onSent);
  try {
    const sent = await (metrics ? metrics.timeSend(gateway.provider, send) : send());
    return { outcome: { ...ref, kind: 'sent', providerMessageId: sent.providerMessageId, at: clock.now() } };
  } catch (thrown) {
    const error =
      thrown instanceof GatewayError
        ? new GatewayError(thrown.kind, scrubSecrets(thrown.message, secrets), thrown.retryAfterMs)
        : new GatewayError('unknown_outcome', `delivery unknown: ${gateway.provider} adapter failed: ${scrubSecrets(String((thrown as Error)?.message ?? thrown), secrets)}`);
    logger.warn({ recipient: recipient.id, blast: recipient.blast_id, kind: error.kind, reason: error.message }, 'send failed');
    if (error.kind === 'account') return { outcome: { ...ref, kind: 'released' }, accountFailure: error.message };
    // The provider's throughput limit says nothing about this recipient: it goes back untried.
    if (error.kind === 'rate_limited') return { outcome: { ...ref, kind: 'released' }, throttledMs: error.retryAfterMs ?? 0 };
    return { outcome: outcomeOfFailure(error, { ...ref, attempts: recipient.attempts }, settings, clock.now()) };
  }
}

/** The blast's image as gateways see it: a public URL, and the bytes on demand (for uploads). */
function outgoingImage(database: Database, publicBaseUrl: string | undefined, token: string, mime: string): OutgoingImage {
  return {
    url: imageUrl(publicBaseUrl, token),
    mime,
    key: token,
    load: async () => Buffer.from((await getImage(database.db, token)).content),
  };
}
