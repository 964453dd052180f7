import type { Blast } from '../../api/types';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';

type Counts = Pick<Blast, 'target_count' | 'sent_count' | 'delivered_count' | 'read_count' | 'failed_count' | 'skipped_count' | 'pending_count'> & {
  cancelled_count?: number;
};

/**
 * Each recipient in exactly one part: read ⊂ delivered ⊂ sent in the counts, so the parts are
 * read, delivered-but-unread, sent-but-undelivered, failed, skipped, cancelled and pending.
 */
export function progressParts(b: Counts): [kind: string, count: number][] {
  const cancelled = b.cancelled_count ?? 0;
  return [
    ['read', b.read_count],
    ['delivered', Math.max(0, b.delivered_count - b.read_count)],
    ['sent', Math.max(0, b.sent_count - b.delivered_count)],
    ['failed', b.failed_count],
    ['skipped', b.skipped_count],
    ['cancelled', cancelled],
    ['pending', b.pending_count],
  ];
}

/** A bar of the target split by outcome, with the numbers in words beside it (for every reader). */
export function ProgressBar({ blast, legend = true }: { blast: Counts; legend?: boolean }) {
  const { t, number } = useI18n();
  const parts = progressParts(blast);
  const total = Math.max(1, parts.reduce((sum, [, n]) => sum + n, 0));
  const done = blast.target_count - blast.pending_count;
  return (
    <div class="progress">
      <div
        class="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={blast.target_count}
        aria-valuenow={done}
        aria-valuetext={t('blasts.progressOf', { done: number(done), target: number(blast.target_count) })}
      >
        {parts.map(([kind, n]) => (n > 0 ? <span key={kind} class={`part part-${kind}`} style={{ width: `${(n * 100) / total}%` }} /> : null))}
      </div>
      {legend && (
        <ul class="legend">
          {[
            ['sent', blast.sent_count],
            ['delivered', blast.delivered_count],
            ['read', blast.read_count],
            ['failed', blast.failed_count],
            ['skipped', blast.skipped_count],
            ['pending', blast.pending_count],
          ].map(([kind, n]) => (
            <li key={kind} class={`legend-${kind}`}>
              {t(`count.${kind}` as MessageKey)} <strong>{number(n as number)}</strong>
            </li>
          ))}
          <li class="legend-target">{t('blasts.progressOf', { done: number(done), target: number(blast.target_count) })}</li>
        </ul>
      )}
    </div>
  );
}
