import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/connection.js';
import type { Gateway, WebhookHandler } from './gateways/gateway.js';
import type { Metrics } from './metrics/metrics.js';
import type { SenderGateways } from './senders/sender-gateways.js';

/** What the HTTP layer and the worker share; built once at start (or by a test). */
export interface AppContext {
  config: Readonly<Config>;
  database: Database;
  clock: Clock;
  logger: Logger;
  gateway: Gateway;
  /** The configured gateway's receipts and inbound messages, if it posts any. */
  webhook?: WebhookHandler;
  /** Every sender's gateway (and webhook), built from its stored credentials. */
  senderGateways: SenderGateways;
  /** This service's Prometheus registry and series (GET /metrics). */
  metrics: Metrics;
  /** Tells workers in this process that new work exists (workers elsewhere poll). */
  notifyWork: () => void;
  /** False until the database has answered and been migrated (see http/readiness.ts). */
  isReady: () => boolean;
}
