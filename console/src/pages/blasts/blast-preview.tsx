import type { BlastPreview } from '../../api/types';
import { useI18n } from '../../i18n/i18n';

/** The recipient count and the first customers as the blast would reach them (or why it would not). */
export function BlastPreviewView({ preview, imageUrl }: { preview: BlastPreview; imageUrl?: string }) {
  const { t, number } = useI18n();
  const { audience } = preview.meta;
  return (
    <section class="card preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('new.previewTitle')}</h2>
      <p class="notice" data-testid="recipient-count">
        {t('new.count', { sendable: number(audience.sendable), total: number(audience.total), skipped: number(audience.skipped) })}
      </p>
      {imageUrl && (
        <p class="preview-image">
          <img src={imageUrl} alt={t('new.imagePreview')} />
          <span class="muted">{t('new.imageNotPreviewed')}</span>
        </p>
      )}
      <h3>{t('new.firstMessages')}</h3>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>{t('new.col.customer')}</th>
              <th>{t('new.col.number')}</th>
              <th>{t('new.col.message')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.data.map((item) => (
              <tr key={item.customer_id} class={item.would_send ? '' : 'skipped-row'}>
                <td data-label={t('new.col.customer')}>{item.name}</td>
                <td data-label={t('new.col.number')}>{item.whatsapp_number ?? t('common.none')}</td>
                <td data-label={t('new.col.message')}>
                  {item.would_send ? <span class="rendered">{item.text}</span> : <strong class="skip-reason">{t('new.willSkip', { reason: item.reason ?? '' })}</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
