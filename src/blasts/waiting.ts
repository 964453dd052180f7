import type { BlastStatus } from '../db/schema.js';
import { quietHoursOf, quietUntil, type QuietHours } from '../schedule/quiet-hours.js';
import { defaultSenderIds } from '../senders/default-pool.js';
import type { SenderState } from './blasts.repository.js';

/** Why a blast with work left sends nothing right now. */
export interface Waiting {
  reason: 'scheduled' | 'quiet_hours' | 'daily_cap' | 'no_sender';
  message: string;
  /** When it continues by itself, if known (epoch ms). */
  until: number | null;
}

export interface WaitingSettings {
  quietHours: QuietHours | null;
  timeZone: string;
}

type BlastState = {
  status: BlastStatus;
  expanded_at: number | null;
  pending_count: number;
  send_at: number | null;
  quiet_hours: string | null;
};

/**
 * The same rules the worker applies (worker.ts #openBlasts and the sender lease), read from the
 * outside: so an admin sees "waiting for quiet hours to end" or "every sender is paused" rather
 * than a blast that silently does nothing.
 */
export function waitingOf(blast: BlastState, senderIds: number[] | null, senders: SenderState[], now: number, settings: WaitingSettings): Waiting | null {
  if (blast.status === 'scheduled' && blast.send_at !== null && blast.send_at > now) {
    return { reason: 'scheduled', message: 'scheduled: sending starts at send_at', until: blast.send_at };
  }
  const sending = blast.status === 'scheduled' || blast.status === 'queued' || blast.status === 'processing';
  if (!sending || blast.expanded_at === null || blast.pending_count === 0) return null;

  const quietEnd = quietUntil(quietHoursOf(blast.quiet_hours, settings.quietHours), now, settings.timeZone);
  if (quietEnd !== undefined) return { reason: 'quiet_hours', message: 'quiet hours: sending resumes when they end', until: quietEnd };

  const pool = senderIds ?? defaultSenderIds(senders);
  const candidates = senders.filter((s) => pool.includes(s.id));
  const label = (s: SenderState) => s.name ?? s.display_number ?? s.key;
  const resting = candidates.filter((s) => s.paused_reason === null && s.resting_until !== null && s.resting_until > now);
  const usable = candidates.filter((s) => s.paused_reason === null && (s.resting_until === null || s.resting_until <= now));
  if (usable.length > 0) return null;
  if (candidates.length === 0) {
    return { reason: 'no_sender', message: senderIds === null ? 'no sender is set up' : 'none of its senders exists any more', until: null };
  }
  if (resting.length > 0) {
    return {
      reason: 'daily_cap',
      message: `daily cap reached by ${resting.map(label).join(', ')}: sending continues tomorrow`,
      until: Math.min(...resting.map((s) => s.resting_until!)),
    };
  }
  return {
    reason: 'no_sender',
    message: `every sender is paused: ${candidates.map((s) => `${label(s)} (${s.paused_reason})`).join('; ')}`,
    until: null,
  };
}
