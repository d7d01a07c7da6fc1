// AUTHZ-13: the language in effect. The cookie set by our own language switcher wins, then the
// first supported `ui_locales` entry, then Bokmål.
export const supportedLocales = ['nb', 'nn', 'en', 'se'] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = 'nb';
export const languageCookie = 'IDPORTEN_SELECTED_LANGUAGE';

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);

export function chooseLocale(cookieValue: string | undefined, uiLocales: string | undefined): Locale {
  // AUTHZ-13: an active choice in our UI overrides what the client asked for.
  if (isLocale(cookieValue)) return cookieValue;
  for (const tag of (uiLocales ?? '').split(' ')) {
    const language = tag.toLowerCase().split('-')[0];
    if (language === 'no' || language === 'nob') return 'nb';
    if (language === 'nno') return 'nn';
    if (language === 'sme') return 'se';
    if (isLocale(language)) return language;
  }
  return defaultLocale;
}
