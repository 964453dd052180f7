import { useI18n, type Language } from '../i18n/i18n';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label class="language">
      <span>{t('lang.label')}</span>
      <select value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
        <option value="id">Bahasa Indonesia</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
