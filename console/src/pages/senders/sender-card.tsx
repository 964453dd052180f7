import type { Sender } from '../../api/types';
import { useI18n, type Translate } from '../../i18n/i18n';

/** What the admin calls a number: its name, else the number, else its id. */
export function senderLabel(sender: Sender, t: Translate): string {
  return sender.name ?? (sender.display_number ? `+${sender.display_number}` : t('senders.unnamed', { id: sender.id }));
}

/** One number: who sends, its state and why, today's count against the cap, its pacing. */
export function SenderCard(props: { sender: Sender; busy: boolean; onEdit(): void; onPause(): void; onResume(): void; onDelete(): void }) {
  const { sender } = props;
  const { t, time, number } = useI18n();
  const name = senderLabel(sender, t);
  const resting = sender.state === 'active' && sender.resting_until !== null;
  const state = sender.state === 'paused' ? 'paused' : resting ? 'resting' : 'active';
  const cap = sender.today.cap;
  const used = cap ? Math.min(100, Math.round((sender.today.sent / cap) * 100)) : 0;
  const seconds = (ms: number) => number(ms / 1000);
  return (
    <li class="card sender" data-sender-id={sender.id}>
      <div class="sender-head">
        <div>
          <h2 class="sender-name">{name}</h2>
          <p class="muted sender-meta">
            {sender.display_number && <span>+{sender.display_number}</span>}
            <span class="badge">{sender.provider}</span>
            {sender.source === 'environment' && <span class="badge">{t('senders.fromEnvironment')}</span>}
          </p>
        </div>
        <span class={`badge badge-sender-${state}`}>{t(`senders.state.${state}`)}</span>
      </div>
      {sender.state === 'paused' && (
        <p class="waiting">
          {t(sender.paused_by === 'provider' ? 'senders.pausedByProvider' : 'senders.pausedByAdmin', {
            reason: sender.paused_reason ?? t('common.none'),
            time: time(sender.paused_at),
          })}
        </p>
      )}
      {resting && <p class="waiting">{t('senders.restingUntil', { time: time(sender.resting_until) })}</p>}
      <dl class="facts">
        <div>
          <dt>{t('senders.today')}</dt>
          <dd>
            {cap === null ? t('senders.sentNoCap', { sent: number(sender.today.sent) }) : t('senders.sentOfCap', { sent: number(sender.today.sent), cap: number(cap) })}
            {cap !== null && (
              <span class="bar cap-bar" role="img" aria-label={t('senders.capUsed', { percent: used })}>
                <span class="part part-sent" style={{ width: `${used}%` }} />
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('senders.dailyCap')}</dt>
          <dd>{sender.daily_cap === null ? t('senders.noCap') : number(sender.daily_cap)}</dd>
        </div>
        <div>
          <dt>{t('senders.warmup')}</dt>
          <dd>
            {sender.warmup
              ? t('senders.warmupText', { start: number(sender.warmup.start_cap), cap: number(sender.daily_cap ?? 0), days: sender.warmup.days, since: time(sender.warmup.started_at) })
              : t('senders.noWarmup')}
          </dd>
        </div>
        <div>
          <dt>{t('senders.pacing')}</dt>
          <dd>
            {t('senders.pauseRange', { min: seconds(sender.pause_min_ms), max: seconds(sender.pause_max_ms) })} ·{' '}
            {sender.max_per_second === 0
              ? t('senders.rateUnlimited', { inFlight: number(sender.max_in_flight) })
              : t('senders.rate', { inFlight: number(sender.max_in_flight), perSecond: number(sender.max_per_second) })}
            {sender.slowed_down && <> · {t('senders.slowedDown', { perSecond: number(sender.slowed_down.max_per_second) })}</>}
          </dd>
        </div>
        <div>
          <dt>{t('senders.credentials')}</dt>
          <dd>{sender.source === 'environment' ? t('senders.credentialsEnvironment') : sender.has_credentials ? t('senders.credentialsStored') : t('senders.credentialsNone')}</dd>
        </div>
      </dl>
      <div class="row-actions">
        <button type="button" onClick={props.onEdit} aria-label={t('senders.editFor', { name })}>
          {t('form.edit')}
        </button>
        {sender.state === 'paused' ? (
          <button type="button" class="primary" disabled={props.busy} onClick={props.onResume} aria-label={t('senders.resumeFor', { name })}>
            {t('senders.resume')}
          </button>
        ) : (
          <button type="button" disabled={props.busy} onClick={props.onPause} aria-label={t('senders.pauseFor', { name })}>
            {t('senders.pause')}
          </button>
        )}
        {sender.source === 'api' && (
          <button type="button" class="danger" onClick={props.onDelete} aria-label={t('senders.deleteFor', { name })}>
            {t('form.delete')}
          </button>
        )}
      </div>
    </li>
  );
}
