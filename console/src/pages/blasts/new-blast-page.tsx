import { useI18n } from '../../i18n/i18n';

export function NewBlastPage() {
  const { t } = useI18n();
  return <h1>{t('blasts.new')}</h1>;
}
