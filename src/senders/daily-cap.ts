import { localDay, localDaysBetween } from '../schedule/local-time.js';

export interface CapSettings {
  daily_cap: number | null;
  warmup_start_cap: number | null;
  warmup_days: number | null;
  warmup_started_at: number | null;
}

/**
 * How many sends the number may make on the local day of `at`: the daily cap, or during a
 * warm-up a cap that grows in equal steps from the start value (day 0) to the daily cap (day
 * `warmup_days`). Null: no cap.
 */
export function capForDay(sender: CapSettings, at: number, zone: string): number | null {
  if (sender.daily_cap === null) return null;
  const { warmup_start_cap: start, warmup_days: days, warmup_started_at: startedAt } = sender;
  if (start === null || days === null || startedAt === null) return sender.daily_cap;
  const day = Math.max(0, localDaysBetween(startedAt, at, zone));
  if (day >= days) return sender.daily_cap;
  return Math.round(start + ((sender.daily_cap - start) * day) / days);
}

/** Sends still allowed on the local day of `at` (Infinity without a cap). */
export function remainingToday(sender: CapSettings & { sent_day: string | null; sent_today: number }, at: number, zone: string): number {
  const cap = capForDay(sender, at, zone);
  if (cap === null) return Infinity;
  const sentToday = sender.sent_day === localDay(at, zone) ? sender.sent_today : 0;
  return Math.max(0, cap - sentToday);
}
