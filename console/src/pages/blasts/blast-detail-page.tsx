import { useEffect, useRef, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, ApiError, need } from '../../api/client';
import { followBlast } from '../../api/events';
import type { BlastDetail } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { LoadError, Loading } from '../../layout/feedback';
import { useAsync } from '../../use-async';
import { FINAL_STATES, StatusBadge, WaitingNote } from './blast-status';
import { ProgressBar } from './progress-bar';
import { RecipientTable } from './recipient-table';

type Action = 'pause' | 'resume' | 'cancel' | 'retry';

const TABLE_REFRESH_MS = 5_000;

/** One blast: live counts, its message and image, the actions its state allows, its recipients. */
export function BlastDetailPage({ id }: { id: number }) {
  const { t, time, number } = useI18n();
  const blast = useAsync(async () => need(await api.GET('/api/v1/whatsapp/blast/{id}', { params: { path: { id } } })).data, [id]);
  const [busy, setBusy] = useState<Action | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  /** Bumped when the recipients change in bulk (an action), so the table reloads. */
  const [version, setVersion] = useState(0);

  const status = blast.data?.status;
  const live = status !== undefined && !FINAL_STATES.has(status);
  useEffect(() => {
    if (!live) return;
    return followBlast(id, (progress) => blast.setData((current) => current && ({ ...current, ...progress } as BlastDetail)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, live]);
  // While it sends, the recipients' page is read again every few seconds (not on every event:
  // each read counts the rows that match), and once more when it finishes.
  const wasLive = useRef(false);
  useEffect(() => {
    if (!live) {
      if (wasLive.current) setVersion((v) => v + 1);
      return;
    }
    wasLive.current = true;
    const timer = setInterval(() => setVersion((v) => v + 1), TABLE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);

  const act = async (action: Action) => {
    setBusy(action);
    setProblem(undefined);
    setNotice(undefined);
    try {
      const path = { params: { path: { id } } };
      if (action === 'retry') {
        const answer = need(await api.POST('/api/v1/whatsapp/blast/{id}/retry', path));
        setNotice(t('detail.requeued', { count: number(answer.requeued) }));
      } else {
        const answer = need(await api.POST(`/api/v1/whatsapp/blast/{id}/${action}`, path));
        blast.setData(() => answer.data);
      }
      blast.reload();
      setVersion((v) => v + 1);
    } catch (failure) {
      setProblem(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(undefined);
      setConfirming(false);
    }
  };

  if (blast.error) return <LoadError error={blast.error} retry={blast.reload} />;
  if (!blast.data) return <Loading />;
  const b = blast.data;
  const can = {
    pause: ['scheduled', 'queued', 'processing'].includes(b.status),
    resume: b.status === 'paused',
    cancel: ['scheduled', 'queued', 'processing', 'paused'].includes(b.status),
    retry: b.failed_count > 0 && ['processing', 'paused', 'completed', 'failed'].includes(b.status),
  };
  // The image from this origin: PUBLIC_BASE_URL may name another host, which the page's CSP refuses.
  const imagePath = b.image ? new URL(b.image.url, location.origin).pathname : undefined;

  return (
    <section class="blast-detail">
      <p>
        <Link href="/">← {t('detail.back')}</Link>
      </p>
      <div class="page-head">
        <h1>{b.title || t('blasts.untitled', { id: b.id })}</h1>
        <StatusBadge status={b.status} />
      </div>
      {problem && (
        <p class="alert" role="alert">
          {problem}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="card">
        {b.recipients_resolved ? <ProgressBar blast={b} /> : <p class="muted">{t('blasts.resolving')}</p>}
        <WaitingNote waiting={b.waiting} />
        {b.status_reason && <p class="muted">{t('detail.reason', { reason: b.status_reason })}</p>}
        <p class="times muted">
          <span>{t('blasts.created', { time: time(b.created_at) })}</span>
          {b.send_at && <span>{t('detail.scheduledFor', { time: time(b.send_at) })}</span>}
          {b.started_at && <span>{t('blasts.started', { time: time(b.started_at) })}</span>}
          {b.completed_at && <span>{t('blasts.completed', { time: time(b.completed_at) })}</span>}
          {b.quiet_hours && <span>{t('detail.quietHours', { hours: b.quiet_hours })}</span>}
        </p>
        <div class="actions">
          {can.pause && (
            <button type="button" onClick={() => act('pause')} disabled={!!busy}>
              {t('detail.pause')}
            </button>
          )}
          {can.resume && (
            <button type="button" class="primary" onClick={() => act('resume')} disabled={!!busy}>
              {t('detail.resume')}
            </button>
          )}
          {can.retry && (
            <button type="button" onClick={() => act('retry')} disabled={!!busy}>
              {t('detail.retry', { count: number(b.failed_count) })}
            </button>
          )}
          {can.cancel && !confirming && (
            <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={!!busy}>
              {t('detail.cancel')}
            </button>
          )}
        </div>
        {can.cancel && confirming && (
          <div class="confirm" role="alertdialog" aria-labelledby="confirm-cancel">
            <p id="confirm-cancel">{t('detail.confirmCancel')}</p>
            <div class="actions">
              <button type="button" class="danger" onClick={() => act('cancel')} disabled={!!busy}>
                {t('detail.confirmYes')}
              </button>
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
                {t('detail.confirmNo')}
              </button>
            </div>
          </div>
        )}
      </div>
      <div class="card">
        <h2>{t('detail.message')}</h2>
        <p class="rendered message-template">{b.message_template}</p>
        {imagePath && <img class="blast-image" src={imagePath} alt={t('detail.image')} />}
      </div>
      <RecipientTable blastId={id} version={version} />
    </section>
  );
}
