import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, need } from '../../api/client';
import { followBlast } from '../../api/events';
import type { Blast } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { LoadError, Loading, Pager } from '../../layout/feedback';
import { useAsync } from '../../use-async';
import { FINAL_STATES, StatusBadge, WaitingNote } from './blast-status';
import { ProgressBar } from './progress-bar';

const PER_PAGE = 20;
/**
 * A browser opens at most 6 connections to one server over HTTP/1.1: the newest few unfinished
 * blasts are followed live, the page refreshes the others now and then.
 */
const MAX_STREAMS = 3;
const REFRESH_MS = 5_000;

/** Home: the blast history, newest first, unfinished rows updated live. */
export function BlastHistoryPage() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const history = useAsync(
    async () => need(await api.GET('/api/v1/whatsapp/blast/history', { params: { query: { page, per_page: PER_PAGE } } })),
    [page],
  );

  const active = (history.data?.data ?? []).filter((b) => !FINAL_STATES.has(b.status)).map((b) => b.id);
  const followed = active.slice(0, MAX_STREAMS);
  const key = followed.join(',');
  useEffect(() => {
    const stops = followed.map((id) =>
      followBlast(id, (blast) =>
        history.setData((current) => current && { ...current, data: current.data.map((row) => (row.id === blast.id ? blast : row)) }),
      ),
    );
    return () => stops.forEach((stop) => stop());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const unfollowed = active.length > followed.length;
  useEffect(() => {
    if (!unfollowed) return;
    const timer = setInterval(history.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [unfollowed, history.reload]);

  const pages = history.data ? Math.max(1, Math.ceil(history.data.meta.total / PER_PAGE)) : 1;
  return (
    <section>
      <div class="page-head">
        <h1>{t('blasts.title')}</h1>
        <Link href="/blasts/new" class="button primary">
          {t('blasts.new')}
        </Link>
      </div>
      {history.error && <LoadError error={history.error} retry={history.reload} />}
      {!history.data && !history.error && <Loading />}
      {history.data && history.data.data.length === 0 && <p class="card">{t('blasts.empty')}</p>}
      {history.data && history.data.data.length > 0 && (
        <ol class="blast-list">
          {history.data.data.map((blast) => (
            <BlastRow key={blast.id} blast={blast} />
          ))}
        </ol>
      )}
      <Pager page={page} pages={pages} go={setPage} />
    </section>
  );
}

function BlastRow({ blast }: { blast: Blast }) {
  const { t, time } = useI18n();
  const title = blast.title || t('blasts.untitled', { id: blast.id });
  return (
    <li class="card blast-row" data-blast-id={blast.id}>
      <div class="blast-row-head">
        <Link href={`/blasts/${blast.id}`} class="blast-title">
          {title}
        </Link>
        <StatusBadge status={blast.status} />
      </div>
      {blast.recipients_resolved ? <ProgressBar blast={blast} /> : <p class="muted">{t('blasts.resolving')}</p>}
      <WaitingNote waiting={blast.waiting} />
      <p class="times muted">
        <span>{t('blasts.created', { time: time(blast.created_at) })}</span>
        {blast.started_at && <span>{t('blasts.started', { time: time(blast.started_at) })}</span>}
        {blast.completed_at && <span>{t('blasts.completed', { time: time(blast.completed_at) })}</span>}
      </p>
    </li>
  );
}
