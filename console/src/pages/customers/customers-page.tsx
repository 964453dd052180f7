import { useI18n } from '../../i18n/i18n';

/** Customers: list, search, add / edit / delete, opt-out, CSV import (issue 9, point 5). */
export function CustomersPage() {
  const { t } = useI18n();
  return (
    <section class="card">
      <h1>{t('nav.customers')}</h1>
      <p>{t('common.comingSoon')}</p>
    </section>
  );
}
