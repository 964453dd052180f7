import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Gateway } from '../gateways/gateway.js';
import { defaultSenderIds } from './default-pool.js';
import type { SenderGateways } from './sender-gateways.js';
import { sendersWithCredentials } from './senders.repository.js';

export interface BlastSenderGateway {
  /** How an admin knows the sender: its name, else its number, else its key. */
  label: string;
  gateway: Pick<Gateway, 'provider' | 'needsPublicImageUrl' | 'supportsTemplates' | 'requiresTemplate'>;
}

/**
 * The gateways a blast would send through: those of `senderIds`, or of the default pool when it
 * names none. A sender whose credentials can't be read is left out (it cannot send anyway).
 */
export async function gatewaysOfBlastSenders(db: Kysely<DB>, senderGateways: SenderGateways, senderIds: number[] | null): Promise<BlastSenderGateway[]> {
  const senders = await sendersWithCredentials(db);
  const chosen = new Set(senderIds ?? defaultSenderIds(senders));
  const result: BlastSenderGateway[] = [];
  for (const sender of senders.filter((s) => chosen.has(s.id))) {
    const loaded = await senderGateways.get(sender).catch(() => undefined);
    if (loaded) result.push({ label: sender.name ?? sender.display_number ?? sender.key, gateway: loaded.gateway });
  }
  return result;
}
