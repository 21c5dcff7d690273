import type { Study } from './study/schema.ts';

// The one module for dates and time zones: the ISO day of an instant in a zone, which zone a site
// keeps its dates in, and whether a name is a zone this runtime knows.

// Building a formatter costs about a millisecond (time zone data); formatting with one is cheap.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of an instant in a time zone. */
export function isoDateIn(timeZone: string, at: Date): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** The time zone a site keeps its dates in: its own, else the study's. */
export function siteTimeZone(study: Pick<Study, 'sites' | 'timezone'>, siteId: string): string {
  return study.sites.find((site) => site.siteId === siteId)?.timezone ?? study.timezone;
}

/** Whether the runtime knows an IANA time zone of this name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An instant as a reader's local date and time, e.g. "1 Dec 2026, 09:30" (the browser's locale when `locale` is undefined). */
export function formatDateTime(iso: string, locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
