import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDay, localDaysBetween, startOfNextLocalDay } from '../../src/schedule/local-time.js';
import { formatQuietHours, parseQuietHours, quietUntil, type QuietHours } from '../../src/schedule/quiet-hours.js';
import { capForDay, remainingToday } from '../../src/senders/daily-cap.js';
import { defaultSenderIds } from '../../src/senders/default-pool.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const JAKARTA = 'Asia/Jakarta';
const at = (iso: string) => Date.parse(iso);
const night = parseQuietHours('21:00-08:00') as QuietHours;

describe('quiet hours', () => {
  it('parses HH:MM-HH:MM and off, and refuses anything else', () => {
    assert.deepEqual(parseQuietHours('21:00-08:00'), { start: 21 * 60, end: 8 * 60 });
    assert.deepEqual(parseQuietHours(' 12:30-13:15 '), { start: 750, end: 795 });
    assert.equal(parseQuietHours('OFF'), null);
    for (const bad of ['', '21-08', '24:00-08:00', '21:00-21:00', '9:00-10:00', '21:00 - 08:00', 'never']) {
      assert.equal(parseQuietHours(bad), 'invalid', bad);
    }
    assert.equal(formatQuietHours(night), '21:00-08:00');
    assert.equal(formatQuietHours(null), 'off');
  });

  it('a range past midnight: quiet from its start to its end the next morning, in the given zone', () => {
    // 22:00 in Jakarta (UTC+7) is 15:00Z; quiet until 08:00 local the next day (01:00Z).
    assert.equal(quietUntil(night, at('2026-06-01T15:00:00Z'), JAKARTA), at('2026-06-02T01:00:00Z'));
    // 03:00 local: quiet until 08:00 the same day.
    assert.equal(quietUntil(night, at('2026-06-01T20:00:00Z'), JAKARTA), at('2026-06-02T01:00:00Z'));
    // 08:00 sharp and 20:59 local: open.
    assert.equal(quietUntil(night, at('2026-06-02T01:00:00Z'), JAKARTA), undefined);
    assert.equal(quietUntil(night, at('2026-06-02T13:59:00Z'), JAKARTA), undefined);
    // 21:00 sharp: quiet.
    assert.equal(quietUntil(night, at('2026-06-02T14:00:00Z'), JAKARTA), at('2026-06-03T01:00:00Z'));
    // The same instant is open in another zone (15:00Z is 15:00 in UTC).
    assert.equal(quietUntil(night, at('2026-06-01T15:00:00Z'), 'UTC'), undefined);
    assert.equal(quietUntil(null, at('2026-06-01T15:00:00Z'), JAKARTA), undefined);
  });

  it('a range within one day', () => {
    const lunch = parseQuietHours('12:00-13:00') as QuietHours;
    assert.equal(quietUntil(lunch, at('2026-06-01T05:30:00Z'), JAKARTA), at('2026-06-01T06:00:00Z'));
    assert.equal(quietUntil(lunch, at('2026-06-01T06:00:00Z'), JAKARTA), undefined);
    assert.equal(quietUntil(lunch, at('2026-06-01T04:59:00Z'), JAKARTA), undefined);
  });
});

describe('local days', () => {
  it('count in the given zone, not in UTC', () => {
    // 23:30Z on 1 June is already 2 June in Jakarta.
    assert.equal(localDay(at('2026-06-01T23:30:00Z'), JAKARTA), '2026-06-02');
    assert.equal(localDay(at('2026-06-01T23:30:00Z'), 'UTC'), '2026-06-01');
    assert.equal(startOfNextLocalDay(at('2026-06-01T10:00:00Z'), JAKARTA), at('2026-06-01T17:00:00Z'));
    assert.equal(localDaysBetween(at('2026-06-01T16:59:00Z'), at('2026-06-01T17:00:00Z'), JAKARTA), 1);
    assert.equal(localDaysBetween(at('2026-06-01T01:00:00Z'), at('2026-06-04T16:00:00Z'), JAKARTA), 3);
  });
});

describe('daily cap and warm-up', () => {
  const started = at('2026-06-01T03:00:00Z'); // 10:00 in Jakarta
  const sender = { daily_cap: 10, warmup_start_cap: 2, warmup_days: 4, warmup_started_at: started };
  const dayN = (n: number) => started + n * 86_400_000;

  it('grows in equal steps from the start value to the daily cap over the warm-up days', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 30].map((n) => capForDay(sender, dayN(n), JAKARTA)), [2, 4, 6, 8, 10, 10, 10]);
    assert.equal(capForDay({ ...sender, warmup_start_cap: null, warmup_days: null, warmup_started_at: null }, dayN(0), JAKARTA), 10);
    assert.equal(capForDay({ ...sender, daily_cap: null }, dayN(0), JAKARTA), null);
  });

  it('counts what was sent on the same local day only', () => {
    const today = localDay(dayN(1), JAKARTA);
    assert.equal(remainingToday({ ...sender, sent_day: today, sent_today: 3 }, dayN(1), JAKARTA), 1);
    assert.equal(remainingToday({ ...sender, sent_day: today, sent_today: 9 }, dayN(1), JAKARTA), 0);
    assert.equal(remainingToday({ ...sender, sent_day: '2026-05-31', sent_today: 9 }, dayN(1), JAKARTA), 4);
    assert.equal(remainingToday({ ...sender, daily_cap: null, sent_day: today, sent_today: 1e6 }, dayN(1), JAKARTA), Infinity);
  });
});

describe('the senders of a blast that names none', () => {
  it('are every sender, but the log sender only when there is no real one', () => {
    assert.deepEqual(defaultSenderIds([{ id: 1, provider: 'log' }]), [1]);
    assert.deepEqual(defaultSenderIds([{ id: 1, provider: 'log' }, { id: 2, provider: 'fonnte' }, { id: 3, provider: 'meta' }]), [2, 3]);
    assert.deepEqual(defaultSenderIds([]), []);
  });
});

describe('QUIET_HOURS, TIMEZONE and SECRET_KEY settings', () => {
  const base = { DATA_DIR: '/tmp/unused' };
  it('default to 21:00-08:00 in Asia/Jakarta, and a wrong value names its variable', () => {
    const config = loadConfig(base);
    assert.deepEqual([config.quietHours, config.timeZone, config.secretKey], [{ start: 21 * 60, end: 8 * 60 }, 'Asia/Jakarta', undefined]);
    assert.equal(loadConfig({ ...base, QUIET_HOURS: 'off' }).quietHours, null);
    // Set and empty (`QUIET_HOURS=` in .env) is "no quiet hours", not "not set".
    assert.equal(loadConfig({ ...base, QUIET_HOURS: '' }).quietHours, null);
    assert.equal(loadConfig({ ...base, QUIET_HOURS: '  ' }).quietHours, null);
    assert.deepEqual(loadConfig({ ...base, QUIET_HOURS: undefined }).quietHours, { start: 21 * 60, end: 8 * 60 });
    assert.equal(loadConfig({ ...base, SECRET_KEY: 'ab'.repeat(32) }).secretKey?.length, 32);
    assert.throws(() => loadConfig({ ...base, QUIET_HOURS: '21:00' }), (e: Error) => e instanceof ConfigError && /QUIET_HOURS/.test(e.message));
    assert.throws(() => loadConfig({ ...base, TIMEZONE: 'Mars/Olympus' }), (e: Error) => e instanceof ConfigError && /TIMEZONE/.test(e.message));
    assert.throws(() => loadConfig({ ...base, SECRET_KEY: 'not-hex' }), (e: Error) => e instanceof ConfigError && /SECRET_KEY/.test(e.message));
  });
});
