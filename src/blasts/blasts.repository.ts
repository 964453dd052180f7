import { sql, type Kysely, type SqlBool } from 'kysely';
import { containsPattern, customerSearchCondition } from '../customers/customers.repository.js';
import type { Engine } from '../db/connection.js';
import type { BlastStatus, DB, LogStatus, TargetType } from '../db/schema.js';

export type BlastRow = NonNullable<Awaited<ReturnType<typeof findBlast>>>;
export type LogRow = Awaited<ReturnType<typeof listLogs>>['rows'][number];

export async function insertImage(
  db: Kysely<DB>,
  image: { token: string; mime: string; sha256: string; content: Buffer; now: number },
): Promise<number> {
  const row = await db
    .insertInto('blast_images')
    .values({ token: image.token, mime: image.mime, size: image.content.length, sha256: image.sha256, content: image.content, created_at: image.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function findImageByToken(db: Kysely<DB>, token: string) {
  return db.selectFrom('blast_images').select(['mime', 'content', 'sha256']).where('token', '=', token).executeTakeFirst();
}

/** A new blast is `queued` with no recipients yet: the worker resolves them (see recipients.repository). */
export async function insertBlast(
  db: Kysely<DB>,
  blast: {
    adminId: number;
    title: string | null;
    message: string;
    template: string | null;
    targetType: TargetType;
    targetParams: string | null;
    imageId: number | null;
    sendAt: number | null;
    quietHours: string | null;
    senderIds: number[] | null;
    now: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('whatsapp_blasts')
    .values({
      admin_id: blast.adminId,
      title: blast.title,
      message_template: blast.message,
      template: blast.template,
      target_type: blast.targetType,
      target_params: blast.targetParams,
      image_id: blast.imageId,
      status: blast.sendAt !== null && blast.sendAt > blast.now ? 'scheduled' : 'queued',
      send_at: blast.sendAt,
      quiet_hours: blast.quietHours,
      created_at: blast.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (blast.senderIds) {
    await db.insertInto('blast_senders').values(blast.senderIds.map((senderId) => ({ blast_id: id, sender_id: senderId }))).execute();
  }
  return id;
}

const blastColumns = [
  'whatsapp_blasts.id',
  'whatsapp_blasts.admin_id',
  'whatsapp_blasts.title',
  'whatsapp_blasts.message_template',
  'whatsapp_blasts.target_type',
  'whatsapp_blasts.target_params',
  'whatsapp_blasts.status',
  'whatsapp_blasts.status_reason',
  'whatsapp_blasts.target_count',
  'whatsapp_blasts.pending_count',
  'whatsapp_blasts.sent_count',
  'whatsapp_blasts.failed_count',
  'whatsapp_blasts.skipped_count',
  'whatsapp_blasts.delivered_count',
  'whatsapp_blasts.read_count',
  'whatsapp_blasts.cancelled_count',
  'whatsapp_blasts.template',
  'whatsapp_blasts.created_at',
  'whatsapp_blasts.expanded_at',
  'whatsapp_blasts.first_log_id',
  'whatsapp_blasts.last_log_id',
  'whatsapp_blasts.started_at',
  'whatsapp_blasts.completed_at',
  'whatsapp_blasts.send_at',
  'whatsapp_blasts.quiet_hours',
  'blast_images.token as image_token',
  'blast_images.mime as image_mime',
  'blast_images.size as image_size',
] as const;

/** The senders each blast named (blasts that named none are absent: they use every sender). */
export async function senderIdsOfBlasts(db: Kysely<DB>, blastIds: number[]): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  if (blastIds.length === 0) return result;
  const rows = await db.selectFrom('blast_senders').select(['blast_id', 'sender_id']).where('blast_id', 'in', blastIds).orderBy('sender_id').execute();
  for (const row of rows) result.set(Number(row.blast_id), [...(result.get(Number(row.blast_id)) ?? []), Number(row.sender_id)]);
  return result;
}

/** What decides whether a sender can take work now, for explaining why a blast waits. */
export async function senderStates(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('senders')
    .select(['id', 'key', 'provider', 'name', 'display_number', 'paused_reason', 'resting_until'])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), resting_until: r.resting_until === null ? null : Number(r.resting_until) }));
}

export type SenderState = Awaited<ReturnType<typeof senderStates>>[number];

export async function findBlast(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('whatsapp_blasts')
    .leftJoin('blast_images', 'blast_images.id', 'whatsapp_blasts.image_id')
    .select(blastColumns)
    .where('whatsapp_blasts.id', '=', id)
    .executeTakeFirst();
}

export async function listBlasts(db: Kysely<DB>, filter: { status?: BlastStatus }, page: { offset: number; limit: number }) {
  let rows = db.selectFrom('whatsapp_blasts').leftJoin('blast_images', 'blast_images.id', 'whatsapp_blasts.image_id').select(blastColumns);
  let count = db.selectFrom('whatsapp_blasts').select((eb) => eb.fn.countAll<number>().as('n'));
  if (filter.status) {
    rows = rows.where('whatsapp_blasts.status', '=', filter.status);
    count = count.where('whatsapp_blasts.status', '=', filter.status);
  }
  const [list, total] = await Promise.all([
    rows.orderBy('whatsapp_blasts.id', 'desc').offset(page.offset).limit(page.limit).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { rows: list, total: Number(total.n) };
}

/**
 * A blast and where its recipient rows lie: ids first_log_id … last_log_id (null before it is
 * expanded), and how many there are (target_count: rows are only ever inserted by the expansion,
 * which sets it, and never deleted).
 */
export type LogRange = { id: number; first_log_id: number | null; last_log_id: number | null; target_count: number };

/**
 * One page of a blast's recipients, in id order, and how many match. Filtered by status, the
 * rows are a stretch of the (blast_id, status, id) index, already in id order (and counted from
 * the index alone). Otherwise they are read as a primary-key range (migration 0010 dropped the
 * index on (blast_id, id)); `blast_id = ?` drops rows of another blast expanded at the same time,
 * and the unfiltered total is the blast's target_count rather than a count of a million rows.
 */
export async function listLogs(
  db: Kysely<DB>,
  engine: Engine,
  blast: LogRange,
  filter: { status?: LogStatus; search?: string },
  page: { offset: number; limit: number; afterId?: number },
) {
  if (blast.first_log_id === null || blast.last_log_id === null) return { rows: [], total: 0 };
  // The customer's current name, if the customer still exists (a deleted one keeps its log rows).
  const base = db
    .selectFrom('whatsapp_blast_logs')
    .leftJoin('customers', 'customers.id', 'whatsapp_blast_logs.customer_id')
    .where('whatsapp_blast_logs.blast_id', '=', blast.id)
    .$if(filter.status !== undefined, (q) => q.where('whatsapp_blast_logs.status', '=', filter.status!))
    .$if(filter.status === undefined, (q) =>
      q.where('whatsapp_blast_logs.id', '>=', blast.first_log_id!).where('whatsapp_blast_logs.id', '<=', blast.last_log_id!),
    )
    .$if(filter.search !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          sql<SqlBool>`${eb.ref('whatsapp_blast_logs.phone_number')} LIKE ${containsPattern(filter.search!)} ESCAPE '\\'`,
          customerSearchCondition(eb, engine, filter.search!),
        ]),
      ),
    );
  let rows = base.select([
    'whatsapp_blast_logs.id',
    'whatsapp_blast_logs.customer_id',
    'customers.name as customer_name',
    'whatsapp_blast_logs.phone_number',
    'whatsapp_blast_logs.status',
    'whatsapp_blast_logs.error_message',
    'whatsapp_blast_logs.attempts',
    'whatsapp_blast_logs.sender_id',
    'whatsapp_blast_logs.provider_message_id',
    'whatsapp_blast_logs.sent_at',
    'whatsapp_blast_logs.delivered_at',
    'whatsapp_blast_logs.read_at',
    'whatsapp_blast_logs.updated_at',
  ]);
  rows = page.afterId === undefined ? rows.offset(page.offset) : rows.where('whatsapp_blast_logs.id', '>', page.afterId);
  const filtered = filter.status !== undefined || filter.search !== undefined;
  const [list, total] = await Promise.all([
    rows.orderBy('whatsapp_blast_logs.id').limit(page.limit).execute(),
    filtered ? base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() : { n: blast.target_count },
  ]);
  return { rows: list, total: Number(total.n) };
}
