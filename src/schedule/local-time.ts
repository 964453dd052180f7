import { DateTime, IANAZone } from 'luxon';

/** Calendar arithmetic in the business's time zone (TIMEZONE): days for caps, clock times for quiet hours. */

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function localDateTime(at: number, zone: string): DateTime {
  return DateTime.fromMillis(at, { zone });
}

/** The local calendar day of `at`, as YYYY-MM-DD. */
export function localDay(at: number, zone: string): string {
  return localDateTime(at, zone).toISODate()!;
}

/** The first millisecond of the local day after the one `at` falls in. */
export function startOfNextLocalDay(at: number, zone: string): number {
  return localDateTime(at, zone).startOf('day').plus({ days: 1 }).toMillis();
}

/** Whole local days from the day of `from` to the day of `to` (0 on the same day). */
export function localDaysBetween(from: number, to: number, zone: string): number {
  const start = localDateTime(from, zone).startOf('day');
  const end = localDateTime(to, zone).startOf('day');
  return Math.round(end.diff(start, 'days').days);
}
