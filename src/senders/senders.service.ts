import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import { AppError, invalid, notFound, type FieldError } from '../errors.js';
import type { ProviderDefinition } from '../gateways/gateway.js';
import { availableProviders, checkProviderSettings, createGatewayFromCredentials, describeSettings, loadProvider, settingNames } from '../gateways/registry.js';
import { neverLog } from '../logger.js';
import { normalizePhone } from '../phone/phone-number.js';
import { localDay } from '../schedule/local-time.js';
import { encryptCredentials } from './credentials-cipher.js';
import { capForDay } from './daily-cap.js';
import { pacingOf, providerPacing, slowedDown } from './pacing.js';
import * as repo from './senders.repository.js';
import type { SenderCreate, SenderPatch } from './senders.schema.js';
import { recordEvents } from '../events/outbox.repository.js';

export interface SenderContext {
  db: Kysely<DB>;
  now: number;
  /** The service's root logger: credential values are registered with it so no line ever carries them. */
  logger: Logger;
  config: Pick<Config, 'secretKey' | 'timeZone' | 'sendPacing' | 'defaultCountryCode' | 'publicBaseUrl'>;
}

const ADMIN_PAUSE_REASON = 'paused by an admin';

export async function listSenders(ctx: SenderContext) {
  return repo.listSenderViews(ctx.db);
}

export async function getSender(ctx: SenderContext, id: number) {
  const row = await repo.findSender(ctx.db, id);
  if (!row) throw notFound(`Sender ${id}`);
  return row;
}

/** Adds a sender; its credentials are encrypted with its own id as associated data, so the row comes first. */
export async function createSender(ctx: SenderContext, input: SenderCreate) {
  const errors: FieldError[] = [];
  const provider = await knownProvider(input.provider, errors);
  const displayNumber = checkedNumber(input.display_number, ctx.config.defaultCountryCode, errors);
  const limits = {
    pause_min_ms: input.pause_min_ms ?? null,
    pause_max_ms: input.pause_max_ms ?? null,
    max_in_flight: input.max_in_flight ?? null,
    max_per_second: input.max_per_second ?? null,
    daily_cap: input.daily_cap ?? null,
    ...warmupColumns(input.warmup ?? null, ctx.now),
  };
  errors.push(...limitProblems(limits, input.provider, ctx.config));
  errors.push(...pausedReasonProblems(input));
  const credentials = input.credentials ?? {};
  const gateway = provider ? await checkCredentials(ctx, provider, credentials, errors) : undefined;
  if (errors.length > 0 || !gateway) throw invalid('The sender has invalid fields.', errors);
  const secretKey = requireSecretKey(ctx, credentials);

  return ctx.db.transaction().execute(async (trx) => {
    const id = await repo.insertSender(trx, {
      key: `api-${randomUUID()}`,
      provider: input.provider,
      source: 'api',
      name: input.name?.trim() ?? null,
      display_number: displayNumber,
      credentials_fingerprint: gateway.fingerprint,
      ...limits,
      ...stateColumns(input.state ?? 'active', input.paused_reason, ctx.now),
      next_send_at: 0,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    if (secretKey) await repo.updateSender(trx, id, { credentials: encryptCredentials(secretKey, id, credentials) });
    ctx.logger.info({ sender_id: id, provider: input.provider }, 'sender added');
    return (await repo.findSender(trx, id))!;
  });
}

export async function updateSender(ctx: SenderContext, id: number, patch: SenderPatch) {
  return ctx.db.transaction().execute(async (trx) => {
    const current = await repo.findSender(trx, id);
    if (!current) throw notFound(`Sender ${id}`);
    if (patch.credentials !== undefined && current.source === 'environment') {
      throw new AppError('conflict', "This sender's credentials are set through WA_GATEWAY and its environment variables, not through the API.", [
        { field: 'credentials', message: 'set through WA_GATEWAY and its environment variables' },
      ]);
    }
    const errors: FieldError[] = [];
    const changes: repo.SenderChanges = { updated_at: ctx.now };
    if (patch.name !== undefined) changes.name = patch.name?.trim() ?? null;
    if (patch.display_number !== undefined) changes.display_number = checkedNumber(patch.display_number, ctx.config.defaultCountryCode, errors);
    if (patch.pause_min_ms !== undefined) changes.pause_min_ms = patch.pause_min_ms;
    if (patch.pause_max_ms !== undefined) changes.pause_max_ms = patch.pause_max_ms;
    if (patch.max_in_flight !== undefined) changes.max_in_flight = patch.max_in_flight;
    if (patch.max_per_second !== undefined) changes.max_per_second = patch.max_per_second;
    // A new cap or warm-up may allow sends today that the old one did not.
    if (patch.daily_cap !== undefined) Object.assign(changes, { daily_cap: patch.daily_cap, resting_until: null });
    if (patch.warmup !== undefined) Object.assign(changes, warmupColumns(patch.warmup, ctx.now), { resting_until: null });
    errors.push(...limitProblems({ ...current, ...changes }, current.provider, ctx.config));
    errors.push(...pausedReasonProblems(patch));
    const credentials = patch.credentials;
    let gateway: CheckedCredentials | undefined;
    if (credentials !== undefined) gateway = await checkCredentials(ctx, await loadProvider(current.provider), credentials, errors);
    if (errors.length > 0) throw invalid('The sender has invalid fields.', errors);

    if (credentials !== undefined && gateway) {
      const secretKey = requireSecretKey(ctx, credentials);
      changes.credentials = secretKey ? encryptCredentials(secretKey, id, credentials) : null;
      changes.credentials_fingerprint = gateway.fingerprint;
      // New credentials are the fix for an account-level failure; an admin's pause stays.
      if (current.paused_by === 'provider') Object.assign(changes, { paused_reason: null, paused_at: null, paused_by: null });
    }
    if (patch.state !== undefined) Object.assign(changes, stateColumns(patch.state, patch.paused_reason, ctx.now));
    const row = await repo.updateSender(trx, id, changes);
    if (!row) throw notFound(`Sender ${id}`);
    if (current.paused_reason === null && row.paused_reason !== null) {
      const data = { sender_id: id, name: row.name, provider: row.provider, display_number: row.display_number, reason: row.paused_reason, paused_by: 'admin' };
      await recordEvents(trx, [{ type: 'sender.paused', data }], ctx.now);
    }
    return row;
  });
}

export async function deleteSender(ctx: SenderContext, id: number): Promise<void> {
  const current = await repo.findSender(ctx.db, id);
  if (!current) throw notFound(`Sender ${id}`);
  if (current.source === 'environment') {
    throw new AppError('conflict', "This sender is configured through WA_GATEWAY and its environment variables; it cannot be deleted through the API.");
  }
  if (!(await repo.softDeleteSender(ctx.db, id, ctx.now))) throw notFound(`Sender ${id}`);
  ctx.logger.info({ sender_id: id }, 'sender deleted');
}

/** Every provider and the credentials it takes, for a form. */
export async function listProviders() {
  const providers = await Promise.all(availableProviders().map(loadProvider));
  return providers.map((provider) => ({ name: provider.name, credentials: describeSettings(provider) }));
}

// --- Checks ---

async function knownProvider(name: string, errors: FieldError[]): Promise<ProviderDefinition | undefined> {
  const names = availableProviders();
  if (names.includes(name)) return loadProvider(name);
  errors.push({ field: 'provider', message: `"${name}" is not a provider; available: ${names.join(', ')}` });
  return undefined;
}

function checkedNumber(raw: string, countryCode: string, errors: FieldError[]): string | null {
  const check = normalizePhone(raw, countryCode);
  if (check.ok) return check.number;
  errors.push({ field: 'display_number', message: check.reason });
  return null;
}

interface CheckedCredentials {
  fingerprint: string;
}

/**
 * Checks credentials as the environment's would be checked (same names, same rules) and builds
 * the gateway once for its fingerprint. Problems go to `errors`, never with a value in them.
 */
async function checkCredentials(
  ctx: SenderContext,
  provider: ProviderDefinition,
  credentials: Record<string, string>,
  errors: FieldError[],
): Promise<CheckedCredentials | undefined> {
  const known = settingNames(provider);
  const unknown = Object.keys(credentials).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const hint = known.length > 0 ? `known: ${known.join(', ')}` : `${provider.name} takes no credentials`;
    errors.push(...unknown.map((k) => ({ field: `credentials.${k}`, message: `is not a ${provider.name} setting (${hint})` })));
    return undefined;
  }
  try {
    checkProviderSettings(provider, credentials);
    const loaded = await createGatewayFromCredentials(provider.name, credentials, { logger: ctx.logger, publicBaseUrl: ctx.config.publicBaseUrl });
    neverLog(ctx.logger, loaded.secrets);
    return { fingerprint: loaded.gateway.credentialsFingerprint };
  } catch (error) {
    errors.push({ field: 'credentials', message: settingsProblem(error, Object.values(credentials)) });
    return undefined;
  }
}

/** The key credentials are stored under, or undefined when there are none to store. */
function requireSecretKey(ctx: SenderContext, credentials: Record<string, string>): Buffer | undefined {
  if (Object.keys(credentials).length === 0) return undefined;
  if (!ctx.config.secretKey) {
    throw new AppError(
      'unavailable',
      'SECRET_KEY is not set, so credentials cannot be stored: set SECRET_KEY (64 hex characters) and restart the service.',
    );
  }
  return ctx.config.secretKey;
}

/** env-schema's wording ("env must have required property 'X'") in ours, with any given value cut out. */
function settingsProblem(error: unknown, values: string[]): string {
  let text = (error instanceof Error ? error.message : String(error))
    .replace(/^invalid configuration[^:]*:\s*/, '')
    .replace(/env must have required property '([^']+)'/g, '$1 is required')
    .replace(/env\/([A-Za-z0-9_]+) /g, '$1 ');
  for (const value of values) if (value.length >= 4) text = text.split(value).join('[redacted]');
  return text;
}

interface Limits {
  pause_min_ms: number | null;
  pause_max_ms: number | null;
  daily_cap: number | null;
  warmup_start_cap: number | null;
}

function limitProblems(limits: Limits, provider: string, defaults: SenderContext['config']): FieldError[] {
  const problems: FieldError[] = [];
  const min = limits.pause_min_ms ?? defaults.sendPacing.pauseMinMs ?? providerPacing(provider).pauseMinMs;
  const max = limits.pause_max_ms ?? defaults.sendPacing.pauseMaxMs ?? providerPacing(provider).pauseMaxMs;
  if (min > max) {
    const source = limits.pause_max_ms !== null ? '' : defaults.sendPacing.pauseMaxMs !== undefined ? ' from SEND_DELAY_MAX_MS' : ` by default for ${provider}`;
    problems.push({ field: 'pause_min_ms', message: `must not exceed pause_max_ms (${max}${source})` });
  }
  if (limits.warmup_start_cap !== null) {
    if (limits.daily_cap === null) problems.push({ field: 'warmup', message: 'needs a daily_cap (set warmup to null to remove it)' });
    else if (limits.warmup_start_cap > limits.daily_cap) {
      problems.push({ field: 'warmup.start_cap', message: `must not exceed daily_cap (${limits.daily_cap})` });
    }
  }
  return problems;
}

function pausedReasonProblems(input: { state?: 'active' | 'paused'; paused_reason?: string }): FieldError[] {
  return input.paused_reason !== undefined && input.state !== 'paused' ? [{ field: 'paused_reason', message: 'is only taken with state "paused"' }] : [];
}

// --- Columns ---

function warmupColumns(warmup: { start_cap: number; days: number } | null, now: number) {
  return {
    warmup_start_cap: warmup?.start_cap ?? null,
    warmup_days: warmup?.days ?? null,
    warmup_started_at: warmup ? now : null,
  };
}

function stateColumns(state: 'active' | 'paused', reason: string | undefined, now: number): repo.SenderChanges {
  if (state === 'paused') return { paused_reason: reason?.trim() || ADMIN_PAUSE_REASON, paused_by: 'admin', paused_at: now };
  // Resuming also ends a rest after the daily cap: the admin asked for sends now.
  return { paused_reason: null, paused_by: null, paused_at: null, resting_until: null };
}

// --- The API's view ---

function slowedRate(pacing: ReturnType<typeof pacingOf>, slowdown: number) {
  const slowed = slowedDown(pacing, slowdown);
  return { max_in_flight: slowed.maxInFlight, max_per_second: Math.round(slowed.maxPerSecond * 100) / 100 };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
/** A time the sender waits for, or null when it is not in the future (nothing to wait for). */
const isoIfAfter = (ms: number | null, now: number) => (ms === null || Number(ms) <= now ? null : iso(ms));

/** What the API shows of a sender: effective pacing, today's count and cap, never a credential. */
export function toSenderResponse(row: repo.SenderViewRow, at: { now: number; config: SenderContext['config'] }) {
  const { now, config } = at;
  const caps = {
    daily_cap: row.daily_cap,
    warmup_start_cap: row.warmup_start_cap,
    warmup_days: row.warmup_days,
    warmup_started_at: row.warmup_started_at === null ? null : Number(row.warmup_started_at),
  };
  const day = localDay(now, config.timeZone);
  const pacing = pacingOf(row, config.sendPacing, row.provider);
  return {
    id: Number(row.id),
    name: row.name,
    provider: row.provider,
    display_number: row.display_number,
    source: row.source,
    has_credentials: Boolean(row.has_credentials),
    pause_min_ms: pacing.pauseMinMs,
    pause_max_ms: pacing.pauseMaxMs,
    max_in_flight: pacing.maxInFlight,
    max_per_second: pacing.maxPerSecond,
    slowed_down: row.slowdown > 0 && row.slowdown_at !== null ? { ...slowedRate(pacing, row.slowdown), since: iso(row.slowdown_at)! } : null,
    daily_cap: row.daily_cap,
    warmup:
      caps.warmup_start_cap !== null && caps.warmup_days !== null && caps.warmup_started_at !== null
        ? { start_cap: caps.warmup_start_cap, days: caps.warmup_days, started_at: iso(caps.warmup_started_at)! }
        : null,
    today: { day, sent: row.sent_day === day ? Number(row.sent_today) : 0, cap: capForDay(caps, now, config.timeZone) },
    state: row.paused_reason === null ? ('active' as const) : ('paused' as const),
    paused_reason: row.paused_reason,
    paused_by: row.paused_by,
    paused_at: iso(row.paused_at),
    resting_until: isoIfAfter(row.resting_until, now),
    next_send_at: isoIfAfter(row.next_send_at, now),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at),
  };
}
