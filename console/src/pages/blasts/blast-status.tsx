import type { Blast } from '../../api/types';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';

export const FINAL_STATES = new Set(['completed', 'cancelled', 'failed']);

/** The state as a coloured badge, in words. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status.${status}` as MessageKey;
  return <span class={`badge badge-${status}`}>{t(key) ?? status}</span>;
}

/** Why a blast with work left sends nothing right now, in plain words; nothing while it sends. */
export function WaitingNote({ waiting }: { waiting: Blast['waiting'] }) {
  const { t, time } = useI18n();
  if (!waiting) return null;
  const until = waiting.until ? time(waiting.until) : undefined;
  let text: string;
  switch (waiting.reason) {
    case 'scheduled':
      text = t('waiting.scheduled', { until: until ?? '' });
      break;
    case 'quiet_hours':
      text = until ? t('waiting.quiet_hours', { until }) : t('waiting.quiet_hours_open');
      break;
    case 'daily_cap':
      text = t('waiting.daily_cap', { until: until ?? '' });
      break;
    case 'no_sender':
      text = t('waiting.no_sender', { detail: waiting.message });
      break;
    default:
      text = t('waiting.other', { detail: waiting.message });
  }
  return <p class="waiting">{text}</p>;
}
