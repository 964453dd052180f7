import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely. Every instant is stored as epoch milliseconds (UTC) in a BIGINT, on
 * both engines: one schema and one code path, numeric comparisons in the claim queries, and no
 * driver-specific date handling. The API turns them into ISO-8601 strings.
 */
type EpochMs = number;
/** JSON column: jsonb on PostgreSQL (parsed by the driver), TEXT on SQLite (a string). */
type JsonColumn = ColumnType<unknown, string, string>;

export interface AdminsTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  created_at: EpochMs;
}

export interface AdminTokensTable {
  id: Generated<number>;
  admin_id: number;
  token_hash: string;
  created_at: EpochMs;
  expires_at: EpochMs;
}

export interface CustomersTable {
  id: Generated<number>;
  name: string;
  phone: string | null;
  /** The sanitised, validated number (628…), or null when `phone_error` says why not. */
  phone_normalized: string | null;
  phone_error: string | null;
  status: string;
  attributes: JsonColumn;
  created_at: EpochMs;
  updated_at: EpochMs;
  opted_out_at: EpochMs | null;
  opted_out_source: string | null;
}

export interface CustomerAttributeKeysTable {
  key: string;
}

export interface SendersTable {
  id: Generated<number>;
  key: string;
  provider: string;
  next_send_at: EpochMs;
  lease_owner: string | null;
  lease_expires_at: EpochMs | null;
  paused_reason: string | null;
  paused_at: EpochMs | null;
  credentials_fingerprint: string;
  created_at: EpochMs;
  source: Generated<SenderSource>;
  name: string | null;
  display_number: string | null;
  credentials: string | null;
  pause_min_ms: number | null;
  pause_max_ms: number | null;
  daily_cap: number | null;
  warmup_start_cap: number | null;
  warmup_days: number | null;
  warmup_started_at: EpochMs | null;
  sent_day: string | null;
  sent_today: Generated<number>;
  resting_until: EpochMs | null;
  paused_by: 'admin' | 'provider' | null;
  updated_at: EpochMs | null;
  deleted_at: EpochMs | null;
  max_in_flight: number | null;
  max_per_second: number | null;
  slowdown: Generated<number>;
  slowdown_at: EpochMs | null;
}

export type SenderSource = 'environment' | 'api';

export interface BlastSendersTable {
  blast_id: number;
  sender_id: number;
}

export interface BlastImagesTable {
  id: Generated<number>;
  token: string;
  mime: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_at: EpochMs;
}

export type BlastStatus = 'scheduled' | 'queued' | 'processing' | 'paused' | 'completed' | 'cancelled' | 'failed';
export type TargetType = 'selected' | 'all' | 'filter';

export interface WhatsappBlastsTable {
  id: Generated<number>;
  admin_id: number;
  title: string | null;
  message_template: string;
  target_type: TargetType;
  /** `selected`: the JSON array of customer ids; `filter`: the JSON filter object. */
  target_params: string | null;
  image_id: number | null;
  status: BlastStatus;
  status_reason: string | null;
  target_count: Generated<number>;
  pending_count: Generated<number>;
  sent_count: Generated<number>;
  failed_count: Generated<number>;
  skipped_count: Generated<number>;
  delivered_count: Generated<number>;
  read_count: Generated<number>;
  cancelled_count: Generated<number>;
  template: string | null;
  created_at: EpochMs;
  expanded_at: EpochMs | null;
  /** The first and last id of the blast's recipient rows (null before expansion, or when it has none). */
  first_log_id: number | null;
  last_log_id: number | null;
  started_at: EpochMs | null;
  completed_at: EpochMs | null;
  send_at: EpochMs | null;
  quiet_hours: string | null;
}

export type LogStatus = 'pending' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'cancelled';

export interface WhatsappBlastLogsTable {
  id: Generated<number>;
  blast_id: number;
  customer_id: number;
  phone_number: string | null;
  status: LogStatus;
  error_message: string | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<EpochMs>;
  claim_owner: string | null;
  lease_expires_at: EpochMs | null;
  provider_message_id: string | null;
  sent_at: EpochMs | null;
  delivered_at: EpochMs | null;
  read_at: EpochMs | null;
  updated_at: EpochMs;
  sender_id: number | null;
}

export interface ReceiptBacklogTable {
  id: Generated<number>;
  provider_message_id: string;
  status: string;
  error: string | null;
  event_at: EpochMs;
  received_at: EpochMs;
}

export interface IdempotencyKeysTable {
  admin_id: number;
  key: string;
  request_hash: string;
  blast_id: number | null;
  created_at: EpochMs;
}

export interface WebhookSubscriptionsTable {
  id: Generated<number>;
  url: string;
  /** JSON array of event types, as text. */
  events: string;
  /** Sealed signing secret (events/signing-secret.ts). */
  secret: string;
  /** 1 or 0 on both engines. */
  active: Generated<number>;
  description: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
  lease_owner: string | null;
  lease_expires_at: EpochMs | null;
  next_attempt_at: Generated<EpochMs>;
  consecutive_failures: Generated<number>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscription_id: number;
  event_id: string;
  type: string;
  blast_id: number | null;
  payload: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: EpochMs;
  pending_since: EpochMs;
  last_attempt_at: EpochMs | null;
  delivered_at: EpochMs | null;
}

export interface DB {
  admins: AdminsTable;
  admin_tokens: AdminTokensTable;
  customers: CustomersTable;
  customer_attribute_keys: CustomerAttributeKeysTable;
  senders: SendersTable;
  blast_senders: BlastSendersTable;
  blast_images: BlastImagesTable;
  whatsapp_blasts: WhatsappBlastsTable;
  whatsapp_blast_logs: WhatsappBlastLogsTable;
  whatsapp_receipt_backlog: ReceiptBacklogTable;
  idempotency_keys: IdempotencyKeysTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
