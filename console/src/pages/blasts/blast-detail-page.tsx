import { useI18n } from '../../i18n/i18n';

export function BlastDetailPage({ id }: { id: number }) {
  const { t } = useI18n();
  return <h1>{t('blasts.untitled', { id })}</h1>;
}
