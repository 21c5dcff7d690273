/** Languages the participant pages are translated into, in the order the switcher lists them. */
export const PAGE_LANGUAGES = ['en', 'de', 'ar'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** Each language's own name, for the switcher. */
export const LANGUAGE_NAMES: Record<PageLanguage, string> = { en: 'English', de: 'Deutsch', ar: 'العربية' };

// Primary subtags of right-to-left scripts (Arabic, Hebrew, Persian, Urdu, and others).
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb']);

/** Whether a language is written right to left (sets `dir="rtl"`). */
export function isRtl(language: string): boolean {
  return RTL.has(language.toLowerCase().split('-')[0] ?? '');
}

/** Whether the participant pages have their own strings in this language. */
export function isPageLanguage(language: string): language is PageLanguage {
  return (PAGE_LANGUAGES as readonly string[]).includes(language);
}
