// What the staff pages show for ids and counts: words instead of raw values (`In person` for
// `in_person`, `Deutsch (German)` for `de`), and plurals by the language's rules.

const MODALITIES: Record<string, string> = { in_person: 'In person', online: 'Online', mixed: 'Mixed' };

/** The modalities a dyad can have, with their labels, in the order the enrolment form offers them. */
export const MODALITY_OPTIONS = Object.entries(MODALITIES);

/** `In person` for `in_person`; an unknown value as it is. */
export const modalityLabel = (modality: string): string => MODALITIES[modality] ?? modality;

const englishNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** A language code as its English name with its own, `German (Deutsch)`; `English` for `en`. */
export function languageLabel(code: string): string {
  try {
    const english = englishNames.of(code) ?? code;
    const own = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    return own && own !== english ? `${english} (${own})` : english;
  } catch {
    return code;
  }
}

const pluralRules = new Intl.PluralRules('en');

/** `1 release`, `2 releases`: the count with the form the count takes. */
export function counted(count: number, forms: { one: string; other: string }): string {
  return `${count} ${pluralRules.select(count) === 'one' ? forms.one : forms.other}`;
}

/** A rate as a whole percentage; a dash when nothing was due. */
export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined || Number.isNaN(rate) ? '–' : `${Math.round(rate * 100)}%`;

/** A byte count as B, KB or MB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
