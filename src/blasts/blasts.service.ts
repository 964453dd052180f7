import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Engine } from '../db/connection.js';
import type { BlastStatus, DB, LogStatus } from '../db/schema.js';
import { knownAttributeKeys, missingCustomerIds } from '../customers/customers.repository.js';
import { CUSTOMER_FIELDS } from '../customers/customers.schema.js';
import { AppError, invalid, notFound, type FieldError } from '../errors.js';
import { newOpaqueToken } from '../auth/secrets.js';
import * as repo from './blasts.repository.js';
import * as idempotencyRepo from './idempotency.repository.js';
import type { BlastRequest } from './blasts.schema.js';
import { placeholdersOf } from './template.js';
import { waitingOf, type Waiting, type WaitingSettings } from './waiting.js';
import type { BlastSenderGateway } from '../senders/blast-senders.js';
import { formatQuietHours, parseQuietHours, type QuietHours } from '../schedule/quiet-hours.js';
import { activeSenderIdsExist } from '../senders/senders.repository.js';
import { recordEvents } from '../events/outbox.repository.js';

export interface BlastContext {
  db: Kysely<DB>;
  engine: Engine;
  now: number;
  publicBaseUrl: string | undefined;
  /** The gateways of the senders a blast naming `senderIds` (null: none) would use. */
  gatewaysFor(senderIds: number[] | null): Promise<BlastSenderGateway[]>;
}

export interface UploadedImage {
  mime: string;
  content: Buffer;
}

/**
 * Checks a blast request and stores it as `queued`: one small transaction whatever the
 * audience, because recipients are resolved later by a worker with one INSERT … SELECT.
 */
export async function acceptBlast(
  ctx: BlastContext,
  adminId: number,
  request: BlastRequest,
  image: UploadedImage | null,
  idempotency?: { key: string; requestHash: string },
): Promise<{ blastId: number; replayed: boolean }> {
  if (idempotency) {
    const replay = await previousAnswer(ctx.db, adminId, idempotency, ctx.now);
    if (replay !== undefined) return { blastId: replay, replayed: true };
  }
  const { message, template, targetParams, sendAt, quietHours, senderIds } = await checkBlastRequest(ctx, request, image);
  return ctx.db.transaction().execute(async (trx) => {
    if (idempotency) {
      const key = { adminId, key: idempotency.key, requestHash: idempotency.requestHash, now: ctx.now };
      const claim = await idempotencyRepo.claimKey(trx, key);
      if (!claim.claimed) {
        const replay = answerFor(claim.existing, idempotency, ctx.now);
        if (replay !== undefined) return { blastId: replay, replayed: true };
        await idempotencyRepo.replaceKey(trx, key);
      }
    }
    const imageId = image
      ? await repo.insertImage(trx, {
          token: newOpaqueToken(),
          mime: image.mime,
          sha256: createHash('sha256').update(image.content).digest('hex'),
          content: image.content,
          now: ctx.now,
        })
      : null;
    const blastId = await repo.insertBlast(trx, {
      adminId,
      title: request.title?.trim() || null,
      message,
      targetType: request.target_type,
      targetParams,
      imageId,
      template: template ? JSON.stringify(template) : null,
      sendAt,
      quietHours,
      senderIds,
      now: ctx.now,
    });
    if (idempotency) await idempotencyRepo.recordBlast(trx, adminId, idempotency.key, blastId);
    // A scheduled blast is announced when its time comes (queueDueScheduledBlasts).
    if (sendAt === null || sendAt <= ctx.now) {
      await recordEvents(trx, [{ type: 'blast.queued', blastId, data: { blast_id: blastId, status: 'queued', title: request.title?.trim() || null } }], ctx.now);
    }
    return { blastId, replayed: false };
  });
}

/** A key is remembered this long: a client retrying later than that gets a new blast. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

async function previousAnswer(db: Kysely<DB>, adminId: number, idempotency: { key: string; requestHash: string }, now: number) {
  const existing = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'blast_id', 'created_at'])
    .where('admin_id', '=', adminId)
    .where('key', '=', idempotency.key)
    .executeTakeFirst();
  if (!existing) return undefined;
  return answerFor({ ...existing, blast_id: existing.blast_id === null ? null : Number(existing.blast_id), created_at: Number(existing.created_at) }, idempotency, now);
}

/** The first blast's id for a replay; a 409 for the same key with another body; undefined when the key has expired. */
function answerFor(existing: { request_hash: string; blast_id: number | null; created_at: number }, idempotency: { requestHash: string }, now: number) {
  if (now - existing.created_at >= IDEMPOTENCY_WINDOW_MS || existing.blast_id === null) return undefined;
  if (existing.request_hash !== idempotency.requestHash) {
    throw new AppError('conflict', 'This Idempotency-Key was already used for a different request.', [
      { field: 'Idempotency-Key', message: 'was used within 24 hours with another body; use a new key' },
    ]);
  }
  return existing.blast_id;
}

/** Every check of a blast request (the same for a real blast and a preview); throws a 422 naming each problem. */
export async function checkBlastRequest(ctx: BlastContext, request: BlastRequest, image: UploadedImage | null) {
  const errors: FieldError[] = [];
  const message = (request.message ?? '').trim();
  const template = request.template;
  if (message === '' && !template) errors.push({ field: 'message', message: 'must not be blank' });
  // Every sender the blast may use must be able to send it: rotation picks any of them.
  const gateways = await ctx.gatewaysFor(request.sender_ids ?? null);
  const named = (list: BlastSenderGateway[]) => (gateways.length > 1 ? ` (sender ${list.map((g) => g.label).join(', ')})` : '');
  const noTemplates = gateways.filter((g) => !g.gateway.supportsTemplates);
  if (template && noTemplates.length > 0) {
    errors.push({ field: 'template', message: `the ${[...new Set(noTemplates.map((g) => g.gateway.provider))].join(', ')} gateway does not send templates${named(noTemplates)}` });
  }
  const templatesOnly = gateways.filter((g) => g.gateway.requiresTemplate);
  if (!template && templatesOnly.length > 0) {
    errors.push({
      field: 'template',
      message: `is required: ${templatesOnly[0]!.gateway.provider} delivers free text only to customers who wrote in the last 24 hours, and this service is set to send templates only (META_REQUIRE_TEMPLATE)${named(templatesOnly)}`,
    });
  }
  const ids = [...new Set(request.customer_ids ?? [])];
  const filter = request.filter_params;
  if (request.target_type === 'selected' && ids.length === 0) {
    errors.push({ field: 'customer_ids', message: "is required (non-empty) when target_type is 'selected'" });
  }
  if (request.target_type !== 'selected' && ids.length > 0) {
    errors.push({ field: 'customer_ids', message: "is only used when target_type is 'selected'" });
  }
  if (request.target_type === 'filter' && (!filter || Object.keys(filter).length === 0)) {
    errors.push({ field: 'filter_params', message: "is required, with at least one condition, when target_type is 'filter'" });
  }
  if (request.target_type !== 'filter' && filter && Object.keys(filter).length > 0) {
    errors.push({ field: 'filter_params', message: "is only used when target_type is 'filter'" });
  }
  if (image && !ctx.publicBaseUrl && gateways.some((g) => g.gateway.needsPublicImageUrl)) {
    errors.push({ field: 'image', message: 'the gateway fetches images by URL: set PUBLIC_BASE_URL to send images' });
  }
  const known = await knownAttributeKeys(ctx.db);
  const texts: [string, string][] = [['message', message], ...(template?.body_params ?? []).map((p, i): [string, string] => [`template.body_params[${i}]`, p])];
  for (const [field, text] of texts) {
    const unknown = placeholdersOf(text).filter((p) => !(CUSTOMER_FIELDS as readonly string[]).includes(p) && !known.has(p));
    if (unknown.length > 0) {
      errors.push({
        field,
        message: `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `{${p}}`).join(', ')}: use ${[...CUSTOMER_FIELDS, ...known].map((p) => `{${p}}`).join(', ')}`,
      });
    }
  }
  const sendAt = request.send_at === undefined ? null : Date.parse(request.send_at);
  if (sendAt !== null && sendAt < ctx.now - SEND_AT_GRACE_MS) {
    errors.push({ field: 'send_at', message: 'is in the past (check its time zone offset); leave it out to send now' });
  }
  if (sendAt !== null && sendAt > ctx.now + MAX_SCHEDULE_AHEAD_MS) errors.push({ field: 'send_at', message: 'is more than a year ahead' });
  const quietHours = request.quiet_hours === undefined ? null : parseQuietHours(request.quiet_hours);
  if (quietHours === 'invalid') errors.push({ field: 'quiet_hours', message: 'must be HH:MM-HH:MM (for example 21:00-08:00) or off' });
  if (errors.length > 0) throw invalid('The blast request is invalid.', errors);

  const senderIds = request.sender_ids ?? null;
  if (senderIds) {
    const existing = new Set(await activeSenderIdsExist(ctx.db, senderIds));
    const unknown = senderIds.filter((id) => !existing.has(id));
    if (unknown.length > 0) throw invalid('Some sender ids do not exist.', [{ field: 'sender_ids', message: `unknown sender ids: ${unknown.join(', ')}` }]);
  }

  if (request.target_type === 'selected') {
    const missing = await missingCustomerIds(ctx.db, ctx.engine, ids);
    if (missing.length > 0) {
      const shown = missing.slice(0, 20).join(', ') + (missing.length > 20 ? ` and ${missing.length - 20} more` : '');
      throw invalid('Some customer ids do not exist.', [{ field: 'customer_ids', message: `unknown customer ids: ${shown}` }]);
    }
  }

  const targetParams =
    request.target_type === 'selected' ? JSON.stringify(ids) : request.target_type === 'filter' ? JSON.stringify(filter) : null;
  return {
    message,
    template,
    targetParams,
    sendAt,
    quietHours: request.quiet_hours === undefined ? null : formatQuietHours(quietHours as QuietHours | null),
    senderIds,
  };
}

/** A send_at this little in the past is a clock difference, not a mistake: it sends now. */
const SEND_AT_GRACE_MS = 5 * 60_000;
const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3_600_000;

export async function getBlast(db: Kysely<DB>, id: number) {
  const row = await repo.findBlast(db, id);
  if (!row) throw notFound(`Blast ${id}`);
  return row;
}

export async function listHistory(db: Kysely<DB>, status: BlastStatus | undefined, page: number, perPage: number) {
  return repo.listBlasts(db, { status }, { offset: (page - 1) * perPage, limit: perPage });
}

export async function listBlastLogs(
  db: Kysely<DB>,
  id: number,
  engine: Engine,
  query: { status?: LogStatus; search?: string; page: number; per_page: number; cursor?: number },
) {
  const blast = await getBlast(db, id);
  const range = { id, first_log_id: numberOrNull(blast.first_log_id), last_log_id: numberOrNull(blast.last_log_id), target_count: Number(blast.target_count) };
  return repo.listLogs(db, engine, range, { status: query.status, search: query.search }, {
    offset: (query.page - 1) * query.per_page,
    limit: query.per_page,
    afterId: query.cursor,
  });
}

export async function getImage(db: Kysely<DB>, token: string) {
  const image = await repo.findImageByToken(db, token);
  if (!image) throw new AppError('not_found', 'No such image.');
  return image;
}

export function imageUrl(publicBaseUrl: string | undefined, token: string): string {
  return `${publicBaseUrl ?? ''}/media/${token}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** What a blast view needs beyond the row: the time, the waiting rules and the public URL. */
export interface ViewSettings extends WaitingSettings {
  publicBaseUrl: string | undefined;
}

/** Blasts as history shows them, each with why it waits, if it does. */
export async function blastSummaries(db: Kysely<DB>, rows: repo.BlastRow[], now: number, settings: ViewSettings) {
  const waiting = await waitingOfRows(db, rows, now, settings);
  return rows.map((row) => toBlastResponse(row, waiting.get(Number(row.id)) ?? null));
}

/** One blast as history shows it. */
export async function blastSummary(db: Kysely<DB>, id: number, now: number, settings: ViewSettings) {
  return (await blastSummaries(db, [await getBlast(db, id)], now, settings))[0]!;
}

/** One blast with what it sends: the detail view. */
export async function blastDetail(db: Kysely<DB>, id: number, now: number, settings: ViewSettings) {
  const row = await getBlast(db, id);
  const senderIds = (await repo.senderIdsOfBlasts(db, [Number(row.id)])).get(Number(row.id)) ?? null;
  const waiting = (await waitingOfRows(db, [row], now, settings)).get(Number(row.id)) ?? null;
  const params = row.target_params === null ? null : (JSON.parse(row.target_params) as unknown);
  return {
    ...toBlastResponse(row, waiting),
    message_template: row.message_template,
    sender_ids: senderIds,
    template: row.template === null ? null : (JSON.parse(row.template) as unknown),
    customer_ids: row.target_type === 'selected' ? params : undefined,
    filter_params: row.target_type === 'filter' ? params : undefined,
    image: row.image_token
      ? { url: imageUrl(settings.publicBaseUrl, row.image_token), mime: row.image_mime, size: row.image_size }
      : null,
  };
}

export type BlastSummary = ReturnType<typeof toBlastResponse>;

async function waitingOfRows(db: Kysely<DB>, rows: repo.BlastRow[], now: number, settings: WaitingSettings): Promise<Map<number, Waiting>> {
  const result = new Map<number, Waiting>();
  const active = rows.filter((r) => ['scheduled', 'queued', 'processing'].includes(r.status));
  if (active.length === 0) return result;
  const senderIds = await repo.senderIdsOfBlasts(db, active.map((r) => Number(r.id)));
  const senders = await repo.senderStates(db);
  for (const row of active) {
    const blast = { ...row, send_at: numberOrNull(row.send_at), expanded_at: numberOrNull(row.expanded_at) };
    const waiting = waitingOf(blast, senderIds.get(Number(row.id)) ?? null, senders, now, settings);
    if (waiting) result.set(Number(row.id), waiting);
  }
  return result;
}

const numberOrNull = (value: number | null) => (value === null ? null : Number(value));

function toBlastResponse(row: repo.BlastRow, waiting: Waiting | null) {
  return {
    id: Number(row.id),
    title: row.title,
    admin_id: Number(row.admin_id),
    status: row.status,
    status_reason: row.status_reason,
    waiting: waiting && { reason: waiting.reason, message: waiting.message, until: iso(waiting.until) },
    send_at: iso(row.send_at),
    quiet_hours: row.quiet_hours,
    target_type: row.target_type,
    target_count: row.target_count,
    sent_count: row.sent_count,
    delivered_count: row.delivered_count,
    read_count: row.read_count,
    failed_count: row.failed_count,
    pending_count: row.pending_count,
    skipped_count: row.skipped_count,
    cancelled_count: row.cancelled_count,
    recipients_resolved: row.expanded_at !== null,
    created_at: iso(row.created_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}

export function toLogResponse(row: repo.LogRow) {
  return {
    id: Number(row.id),
    customer_id: Number(row.customer_id),
    customer_name: row.customer_name,
    phone_number: row.phone_number,
    status: row.status,
    error_message: row.error_message,
    attempts: row.attempts,
    sender_id: row.sender_id === null ? null : Number(row.sender_id),
    provider_message_id: row.provider_message_id,
    sent_at: iso(row.sent_at),
    delivered_at: iso(row.delivered_at),
    read_at: iso(row.read_at),
    updated_at: iso(row.updated_at),
  };
}
