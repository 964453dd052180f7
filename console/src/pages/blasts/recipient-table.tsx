import { useEffect, useState } from 'preact/hooks';
import { api, need } from '../../api/client';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';
import { LoadError } from '../../layout/feedback';
import { useAsync } from '../../use-async';
import { StatusBadge } from './blast-status';

const PER_PAGE = 50;
const STATUSES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
type LogStatus = (typeof STATUSES)[number];

/**
 * A blast's recipients, a page at a time by key (`cursor`), so 100,000 rows are never loaded at
 * once; filtered by status and searched by number or name on the server.
 */
export function RecipientTable({ blastId, version }: { blastId: number; version: number }) {
  const { t, time, number } = useI18n();
  const [status, setStatus] = useState<LogStatus | ''>('');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  /** The cursors of the pages before this one: "previous" pops one. */
  const [cursors, setCursors] = useState<number[]>([0]);
  const cursor = cursors[cursors.length - 1]!;
  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchInput.trim()), 300);
    return () => clearTimeout(timer);
  }, [searchInput]);
  useEffect(() => setCursors([0]), [status, search, blastId]);

  const page = useAsync(async () => {
    const query = { per_page: PER_PAGE, page: 1, cursor, ...(status ? { status } : {}), ...(search ? { search } : {}) };
    return need(await api.GET('/api/v1/whatsapp/blast/{id}/logs', { params: { path: { id: blastId }, query } }));
  }, [blastId, status, search, cursor, version]);

  const first = (cursors.length - 1) * PER_PAGE;
  return (
    <section class="card" aria-labelledby="recipients-title">
      <h2 id="recipients-title">{t('detail.recipients')}</h2>
      <div class="table-tools">
        <div>
          <label for="log-status">{t('detail.filterStatus')}</label>
          <select id="log-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as LogStatus | '')}>
            <option value="">{t('detail.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="log-search">{t('detail.search')}</label>
          <input id="log-search" type="search" value={searchInput} onInput={(e) => setSearchInput(e.currentTarget.value)} />
        </div>
      </div>
      {page.error && <LoadError error={page.error} retry={page.reload} />}
      {page.data && (
        <>
          <p class="muted" aria-live="polite">
            {page.data.data.length === 0
              ? t('detail.noRecipients')
              : t('detail.rows', { from: number(first + 1), to: number(first + page.data.data.length), total: number(page.data.meta.total) })}
          </p>
          {page.data.data.length > 0 && (
            <div class="table-wrap">
              <table class="stack recipients">
                <thead>
                  <tr>
                    <th>{t('detail.col.name')}</th>
                    <th>{t('detail.col.number')}</th>
                    <th>{t('detail.col.status')}</th>
                    <th>{t('detail.col.reason')}</th>
                    <th>{t('detail.col.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.data.map((row) => (
                    <tr key={row.id} class={`log-${row.status}`}>
                      <td data-label={t('detail.col.name')}>{row.customer_name ?? t('detail.deleted', { id: row.customer_id })}</td>
                      <td data-label={t('detail.col.number')}>{row.phone_number ?? t('common.none')}</td>
                      <td data-label={t('detail.col.status')}>
                        <StatusBadge status={row.status} />
                      </td>
                      <td data-label={t('detail.col.reason')}>{row.error_message}</td>
                      <td data-label={t('detail.col.time')}>{time(row.read_at ?? row.delivered_at ?? row.sent_at ?? row.updated_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label={t('detail.recipients')}>
            <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('common.previous')}
            </button>
            <button
              type="button"
              disabled={page.data.meta.next_cursor === null}
              onClick={() => setCursors((c) => [...c, page.data!.meta.next_cursor!])}
            >
              {t('common.next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
