import { customerValues, renderMessage } from '../blasts/template.js';
import { OPTED_OUT } from '../blasts/recipients.repository.js';
import { GatewayError, scrubSecrets } from '../gateways/gateway.js';
import { getImage, imageUrl } from '../blasts/blasts.service.js';
import type { Database } from '../db/connection.js';
import type { OutgoingImage } from '../gateways/gateway.js';
import * as queue from './queue.repository.js';
import { outcomeOfFailure } from './retry-policy.js';
import type { WorkerDeps } from './worker.js';
import type { SenderGateway } from '../senders/sender-gateways.js';

export interface WindowResult {
  outcomes: queue.Outcome[];
  /** When the last request to the gateway ended; the number's pause counts from here. */
  lastSendAt?: number;
  /** The sending number itself can't send: stop it with this reason. */
  accountFailure?: string;
  /** The provider asked us to slow this number down for this long. */
  rateLimitedMs?: number;
  /** Requests made to the gateway (what a daily cap counts). */
  requests: number;
}

/** What a window needs from the database before its first send: read up front, so a database
 * failure can only happen before anything was sent (then nothing was, and the claim is handed back). */
export interface WindowData {
  customers: Map<number, Awaited<ReturnType<typeof queue.loadCustomers>>[number]>;
  blasts: Map<number, Awaited<ReturnType<typeof queue.loadBlastForSending>>>;
}

export async function loadWindow(database: Database, claimed: queue.ClaimedRecipient[]): Promise<WindowData> {
  const customers = new Map((await queue.loadCustomers(database.db, claimed.map((c) => c.customer_id))).map((c) => [Number(c.id), c]));
  const blasts: WindowData['blasts'] = new Map();
  for (const blastId of new Set(claimed.map((c) => c.blast_id))) blasts.set(blastId, await queue.loadBlastForSending(database.db, blastId));
  return { customers, blasts };
}

/**
 * Sends claimed recipients one at a time, in order. Stops early, handing the rest back untried,
 * when the number fails at account level or is rate limited, when the window's time budget is
 * spent (so the lease cannot run out mid-send), or when the worker is stopping. Reads nothing
 * from the database (an image's bytes aside, whose failure is a "nothing was sent" failure).
 */
export async function sendWindow(
  deps: WorkerDeps,
  sender: SenderGateway,
  claimed: queue.ClaimedRecipient[],
  data: WindowData,
  options: { budgetMs: number; isStopping: () => boolean },
): Promise<WindowResult> {
  const { database, clock, logger, settings, metrics } = deps;
  const { gateway, secrets } = sender;
  const timed = <T>(send: () => Promise<T>) => (metrics ? metrics.timeSend(gateway.provider, send) : send());
  const started = clock.now();
  const result: WindowResult = { outcomes: [], requests: 0 };
  const { customers, blasts } = data;

  for (const recipient of claimed) {
    const ref = { id: recipient.id, blastId: recipient.blast_id };
    const numberMustWait = result.accountFailure !== undefined || result.rateLimitedMs !== undefined;
    const mayStart = !numberMustWait && !options.isStopping() && clock.now() - started < options.budgetMs;
    // The first recipient is always attempted: a window exists to make progress.
    if (!mayStart && result.outcomes.length > 0) {
      result.outcomes.push({ ...ref, kind: 'released' });
      continue;
    }
    const blast = blasts.get(recipient.blast_id);
    const customer = customers.get(recipient.customer_id);
    if (!blast || !customer) {
      result.outcomes.push({ ...ref, kind: 'skipped', reason: 'the customer was deleted before the message was sent' });
      continue;
    }
    if (customer.opted_out_at !== null) {
      result.outcomes.push({ ...ref, kind: 'skipped', reason: OPTED_OUT });
      continue;
    }
    const rendered = renderMessage(blast, customerValues(customer));
    if (!rendered.ok) {
      result.outcomes.push({ ...ref, kind: 'skipped', reason: `no value for ${rendered.missing.map((m) => `{${m}}`).join(', ')}` });
      continue;
    }
    result.requests += 1;
    try {
      const sent = await timed(() => gateway.send(
        {
          to: recipient.phone_number,
          text: rendered.text,
          template: rendered.template,
          image: blast.image_token ? outgoingImage(database, settings.publicBaseUrl, blast.image_token, blast.image_mime!) : undefined,
          reference: String(recipient.id),
        },
        AbortSignal.timeout(settings.gatewayTimeoutMs),
      ));
      result.outcomes.push({ ...ref, kind: 'sent', providerMessageId: sent.providerMessageId, at: clock.now() });
    } catch (thrown) {
      const error =
        thrown instanceof GatewayError
          ? new GatewayError(thrown.kind, scrubSecrets(thrown.message, secrets), thrown.retryAfterMs)
          : new GatewayError('unknown_outcome', `delivery unknown: ${gateway.provider} adapter failed: ${scrubSecrets(String((thrown as Error)?.message ?? thrown), secrets)}`);
      logger.warn({ recipient: recipient.id, blast: recipient.blast_id, kind: error.kind, reason: error.message }, 'send failed');
      if (error.kind === 'account') {
        result.accountFailure = error.message;
        result.outcomes.push({ ...ref, kind: 'released' });
      } else {
        if (error.kind === 'rate_limited') result.rateLimitedMs = Math.max(result.rateLimitedMs ?? 0, error.retryAfterMs ?? 0);
        result.outcomes.push(outcomeOfFailure(error, { ...ref, attempts: recipient.attempts }, settings, clock.now()));
      }
    }
    result.lastSendAt = clock.now();
  }
  return result;
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
