import { useI18n } from '../../i18n/i18n';

/** Senders: numbers, state, caps, add / edit / pause / resume / delete (issue 9, point 6). */
export function SendersPage() {
  const { t } = useI18n();
  return (
    <section class="card">
      <h1>{t('nav.senders')}</h1>
      <p>{t('common.comingSoon')}</p>
    </section>
  );
}
