import { useI18n } from '../i18n/i18n';

/** A failed load, with the server's message and a way to try again. */
export function LoadError({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div class="alert" role="alert">
      {t('common.error', { message: error.message })}{' '}
      {retry && (
        <button type="button" class="link" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

/** Previous / next page buttons with "page x of y". */
export function Pager({ page, pages, go }: { page: number; pages: number; go(page: number): void }) {
  const { t } = useI18n();
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('common.page', { page, pages })}>
      <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
        {t('common.previous')}
      </button>
      <span>{t('common.page', { page, pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => go(page + 1)}>
        {t('common.next')}
      </button>
    </nav>
  );
}
