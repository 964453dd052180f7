import { localDateTime } from './local-time.js';

/** A daily local time range without sends; `start > end` wraps past midnight (21:00-08:00). */
export interface QuietHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

/** `HH:MM-HH:MM` → the range, `off` → null, anything else → 'invalid'. */
export function parseQuietHours(text: string): QuietHours | null | 'invalid' {
  const value = text.trim().toLowerCase();
  if (value === 'off') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) return 'invalid';
  const [start, end] = [Number(match[1]) * 60 + Number(match[2]), Number(match[3]) * 60 + Number(match[4])];
  // An empty range would mean "never quiet" and a full one "never send": both are mistakes.
  return start === end ? 'invalid' : { start, end };
}

export function formatQuietHours(hours: QuietHours | null): string {
  if (hours === null) return 'off';
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hhmm(hours.start)}-${hhmm(hours.end)}`;
}

/** When the quiet hours around `at` end, or undefined when `at` is outside them. */
export function quietUntil(hours: QuietHours | null, at: number, zone: string): number | undefined {
  if (hours === null) return undefined;
  const local = localDateTime(at, zone);
  const minute = local.hour * 60 + local.minute;
  const endToday = local.startOf('day').plus({ minutes: hours.end });
  if (hours.start < hours.end) {
    return minute >= hours.start && minute < hours.end ? endToday.toMillis() : undefined;
  }
  if (minute >= hours.start) return endToday.plus({ days: 1 }).toMillis();
  if (minute < hours.end) return endToday.toMillis();
  return undefined;
}

/** A blast's own quiet hours ('HH:MM-HH:MM' or 'off', checked when it was accepted), else the default. */
export function quietHoursOf(stored: string | null, fallback: QuietHours | null): QuietHours | null {
  if (stored === null) return fallback;
  const parsed = parseQuietHours(stored);
  return parsed === 'invalid' ? fallback : parsed;
}
