/**
 * Indonesian and English. The language is the admin's choice (kept in localStorage: a
 * preference, not a secret), else Indonesian when the browser lists it before English, else
 * English. `useI18n()` gives `t(key, slots)` and the formatters for the current language.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useMemo, useState } from 'preact/hooks';
import { en, type MessageKey } from './en';
import { id } from './id';

export type Language = 'id' | 'en';
export type Translate = (key: MessageKey, slots?: Record<string, string | number>) => string;

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { id, en };
const LOCALES: Record<Language, string> = { id: 'id-ID', en: 'en-GB' };
const STORED = 'wb.language';

/** The first of the browser's languages that we speak; Indonesian when none. */
export function preferredLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored === 'id' || stored === 'en') return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'id' || base === 'in' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'id';
}

export interface I18n {
  language: Language;
  locale: string;
  setLanguage(language: Language): void;
  t: Translate;
  /** A time in the browser's zone, with the zone's name: "3 Des 2026 14.05 WIB". */
  time(iso: string | null | undefined): string;
  /** A time in another IANA zone (the service's TIMEZONE), with its name. */
  timeIn(iso: string, timeZone: string): string;
  number(n: number): string;
}

const Context = createContext<I18n | undefined>(undefined);

function fill(text: string, slots?: Record<string, string | number>): string {
  return slots ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in slots ? String(slots[name]) : all)) : text;
}

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(() => preferredLanguage(localStorage.getItem(STORED), navigator.languages));
  const value = useMemo<I18n>(() => {
    const locale = LOCALES[language];
    const dictionary = DICTIONARIES[language];
    const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
    const local = new Intl.DateTimeFormat(locale, options);
    const numbers = new Intl.NumberFormat(locale);
    document.documentElement.lang = language;
    return {
      language,
      locale,
      setLanguage: (next) => {
        localStorage.setItem(STORED, next);
        setLanguageState(next);
      },
      t: (key, slots) => fill(dictionary[key], slots),
      time: (iso) => (iso ? local.format(new Date(iso)) : dictionary['common.none']),
      timeIn: (iso, timeZone) => new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(iso)),
      number: (n) => numbers.format(n),
    };
  }, [language]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(Context);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
