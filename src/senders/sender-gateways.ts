import type { Logger } from 'pino';
import type { Gateway, ProviderContext, WebhookHandler } from '../gateways/gateway.js';
import { createGatewayFromCredentials, type LoadedGateway } from '../gateways/registry.js';
import { neverLog } from '../logger.js';
import { decryptCredentials } from './credentials-cipher.js';

/** What the worker knows of a sender when it must send from it. */
export interface SenderIdentity {
  id: number;
  source: 'environment' | 'api';
  provider: string;
  credentials: string | null;
}

export interface SenderGateway {
  gateway: Gateway;
  /** Values to cut out of any error text before it is logged or stored. */
  secrets: readonly string[];
  /** Its receipts and inbound messages, if the provider posts any. */
  webhook?: WebhookHandler;
}

/**
 * The gateway of each sender, built once per set of credentials: the environment's sender uses
 * the gateway configured through WA_GATEWAY, an API sender its own decrypted credentials.
 */
export class SenderGateways {
  readonly #cache = new Map<number, { credentials: string | null; loaded: SenderGateway }>();

  constructor(
    private readonly environment: LoadedGateway,
    private readonly secretKey: Buffer | undefined,
    private readonly context: ProviderContext & { logger: Logger },
  ) {}

  /** The sender's gateway; throws an Error whose message says why the sender cannot send. */
  async get(sender: SenderIdentity): Promise<SenderGateway> {
    if (sender.source === 'environment') return this.environment;
    const cached = this.#cache.get(sender.id);
    if (cached && cached.credentials === sender.credentials) return cached.loaded;
    let credentials: Record<string, string> = {};
    if (sender.credentials !== null) {
      if (!this.secretKey) throw new Error('SECRET_KEY is not set, so the stored credentials cannot be read');
      credentials = decryptCredentials(this.secretKey, sender.id, sender.credentials);
    }
    let loaded: LoadedGateway;
    try {
      loaded = await createGatewayFromCredentials(sender.provider, credentials, this.context);
    } catch (error) {
      throw new Error(`the stored ${sender.provider} credentials are not usable: ${(error as Error).message}`);
    }
    neverLog(this.context.logger, loaded.secrets);
    this.#cache.set(sender.id, { credentials: sender.credentials, loaded });
    return loaded;
  }
}
