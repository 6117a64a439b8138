import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { en } from './en';
import { zhCN } from './zh-cn';
import type { Locale } from '../api/types';

export const LANG_STORAGE_KEY = 'gk_lang';
export const DEFAULT_LANGUAGE: Locale = 'zh-CN';
export const LANGUAGES: readonly Locale[] = ['zh-CN', 'en'];

export const isLocale = (value: unknown): value is Locale => value === 'zh-CN' || value === 'en';

const readStoredLanguage = (): Locale | null => {
  try {
    const stored = localStorage.getItem(LANG_STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    return null;
  }
};

/** True when the user has chosen a language in this browser (then it wins over the account preference). */
export const hasStoredLanguage = (): boolean => readStoredLanguage() !== null;

const dayjsLocale = (lang: Locale): string => (lang === 'zh-CN' ? 'zh-cn' : 'en');

const applyDocumentLanguage = (lang: Locale): void => {
  document.documentElement.lang = lang;
  dayjs.locale(dayjsLocale(lang));
};

export const initialLanguage: Locale = readStoredLanguage() ?? DEFAULT_LANGUAGE;

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    en: { translation: en },
  },
  lng: initialLanguage,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});
applyDocumentLanguage(initialLanguage);

export const currentLanguage = (): Locale => (isLocale(i18n.language) ? i18n.language : DEFAULT_LANGUAGE);

/** Switches the UI language; `persist` records the choice in this browser. */
export const setLanguage = async (
  lang: Locale,
  { persist = true }: { persist?: boolean } = {},
): Promise<void> => {
  if (persist) {
    try {
      localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch {
      // Private mode or storage disabled: the switch still applies to this page.
    }
  }
  applyDocumentLanguage(lang);
  await i18n.changeLanguage(lang);
};

export { i18n };
