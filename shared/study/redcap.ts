import { readFile } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from '../errors.ts';
import { InstrumentDefinition } from '../instruments/schema.ts';

// REDCap in (DESIGN §7): a REDCap data dictionary to Tandem instrument definitions. Each form
// becomes an instrument whose items are its radio and dropdown fields with integer choice codes;
// the scale runs over those codes and its anchor labels are the choice labels. Every field that
// cannot be carried over is named with its reason. REDCap does not say who answers a form, so the
// instruments are dyad-level, answered by the client: the study's author adjusts `level` and `roles`.

/** A field of the dictionary that did not become an item, and why. */
export interface SkippedField {
  field: string;
  form: string;
  reason: string;
}

/** An instrument made from a form, with the REDCap field behind each item. */
export interface ImportedInstrument {
  form: string;
  definition: InstrumentDefinition;
  /** REDCap field name of each item, in item order (`i1` is fields[0]). */
  fields: string[];
}

export interface RedcapImport {
  instruments: ImportedInstrument[];
  skipped: SkippedField[];
}

interface DictionaryField {
  name: string;
  form: string;
  type: string;
  label: string;
  choices: string;
  branching: string;
}

/** The dictionary columns read, found by the start of their header (REDCap's wording varies a little). */
const COLUMNS = {
  name: 'variable / field name',
  form: 'form name',
  type: 'field type',
  label: 'field label',
  choices: 'choices, calculations',
  branching: 'branching logic',
} as const;

const NOT_CARRIED: Record<string, string> = {
  text: 'text field: free text is never stored',
  notes: 'notes field: free text is never stored',
  calc: 'calculated field: Tandem computes its own scores',
  file: 'file upload: files are never stored',
  descriptive: 'descriptive text: not a question',
  checkbox: 'checkbox field: several answers to one field',
  yesno: 'yes/no field: only radio and dropdown fields carry over',
  truefalse: 'true/false field: only radio and dropdown fields carry over',
  slider: 'slider field: only radio and dropdown fields carry over',
  sql: 'sql field: only radio and dropdown fields carry over',
};

function readDictionary(text: string): DictionaryField[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const where = error instanceof CsvError && error.lines !== undefined ? ` (line ${error.lines})` : '';
    throw new ValidationError(`not a CSV file${where}: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...fields] = rows;
  const headers = (header ?? []).map((cell) => cell.trim().toLowerCase());
  const index = Object.fromEntries(
    Object.entries(COLUMNS).map(([key, start]) => [key, headers.findIndex((cell) => cell.startsWith(start))]),
  ) as Record<keyof typeof COLUMNS, number>;
  const missing = Object.entries(index).filter(([, i]) => i < 0);
  if (missing.length > 0) {
    throw new ValidationError('not a REDCap data dictionary: a header column is missing', {
      details: missing.map(([key]) => ({
        path: COLUMNS[key as keyof typeof COLUMNS],
        message: 'expected this column in the header row',
      })),
    });
  }
  const cell = (row: string[], key: keyof typeof COLUMNS): string => (row[index[key]] ?? '').trim();
  return fields.map((row) => ({
    name: cell(row, 'name'),
    form: cell(row, 'form'),
    type: cell(row, 'type').toLowerCase(),
    label: cell(row, 'label')
      .replace(/<[^>]*>/g, '')
      .trim(),
    choices: cell(row, 'choices'),
    branching: cell(row, 'branching'),
  }));
}

/** `1, Never | 2, Often` → [[1, 'Never'], [2, 'Often']]; a reason when a code is not an integer. */
function choicesOf(field: DictionaryField): { choices: [number, string][] } | { reason: string } {
  const choices = field.choices
    .split('|')
    .map((choice) => choice.trim())
    .filter(Boolean)
    .map((choice) => {
      const comma = choice.indexOf(',');
      return comma < 0 ? [choice, ''] : [choice.slice(0, comma).trim(), choice.slice(comma + 1).trim()];
    });
  if (choices.length < 2) return { reason: 'fewer than two choices' };
  const bad = choices.filter(([code]) => !/^-?\d+$/.test(code!)).map(([code]) => code);
  if (bad.length > 0) return { reason: `non-integer choice codes (${bad.join(', ')})` };
  return { choices: choices.map(([code, label]) => [Number(code), label!]) };
}

const codeSet = (choices: readonly [number, string][]): string =>
  choices
    .map(([code]) => code)
    .sort((a, b) => a - b)
    .join(',');

/** A form name as an instrument id: lower-case words joined by `-`. */
export const instrumentId = (form: string): string =>
  form
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

interface Candidate {
  field: DictionaryField;
  choices: [number, string][];
}

function formInstrument(
  form: string,
  candidates: readonly Candidate[],
  language: string,
  skipped: SkippedField[],
): ImportedInstrument | undefined {
  // The form's scale is the code set most of its fields use; fields with other codes are named.
  const counts = new Map<string, number>();
  for (const { choices } of candidates) counts.set(codeSet(choices), (counts.get(codeSet(choices)) ?? 0) + 1);
  const scaleSet = [...counts.entries()].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
  const items = candidates.filter(({ field, choices }) => {
    if (codeSet(choices) === scaleSet) return true;
    skipped.push({
      field: field.name,
      form,
      reason: `choice codes ${codeSet(choices)} differ from the form's scale ${scaleSet}`,
    });
    return false;
  });
  const codes = scaleSet.split(',').map(Number);
  const min = codes[0]!;
  const max = codes[codes.length - 1]!;
  if (codes.some((code, i) => code !== min + i)) {
    for (const { field } of items)
      skipped.push({ field: field.name, form, reason: `choice codes ${scaleSet} are not consecutive` });
    return undefined;
  }
  const anchors = [...items[0]!.choices].sort((a, b) => a[0] - b[0]).map(([, label]) => label);
  const definition = InstrumentDefinition.parse({
    id: instrumentId(form),
    title: { [language]: form.replace(/_/g, ' ') },
    level: 'dyad',
    roles: ['client'],
    items: items.map(({ field }, i) => ({
      id: `i${i + 1}`,
      text: { [language]: field.label || field.name },
    })),
    scale: { min, max, labels: { [language]: anchors } },
    total: 'sum',
    wording: 'licensed',
  });
  return { form, definition, fields: items.map(({ field }) => field.name) };
}

/** Instrument definitions from a REDCap data dictionary (CSV text), and the fields left out. */
export function importRedcapDictionary(text: string, language = 'en'): RedcapImport {
  const skipped: SkippedField[] = [];
  const byForm = new Map<string, Candidate[]>();
  for (const field of readDictionary(text)) {
    const skip = (reason: string) => skipped.push({ field: field.name, form: field.form, reason });
    if (field.type !== 'radio' && field.type !== 'dropdown') {
      skip(
        NOT_CARRIED[field.type] ??
          `${field.type || 'untyped'} field: only radio and dropdown fields carry over`,
      );
      continue;
    }
    if (field.branching) {
      skip(`branching logic (${field.branching}): Tandem asks every item of an instrument`);
      continue;
    }
    const parsed = choicesOf(field);
    if ('reason' in parsed) {
      skip(parsed.reason);
      continue;
    }
    if (!instrumentId(field.form)) {
      skip('no form name');
      continue;
    }
    byForm.set(field.form, [...(byForm.get(field.form) ?? []), { field, choices: parsed.choices }]);
  }
  const instruments: ImportedInstrument[] = [];
  for (const [form, candidates] of byForm) {
    const instrument = formInstrument(form, candidates, language, skipped);
    if (instrument) instruments.push(instrument);
  }
  return { instruments, skipped };
}

/**
 * `tandem study import-redcap`: the instruments of a dictionary file as `{"instruments": […]}`
 * (for a study's `instruments` list), and lines naming each form's instrument and each field left
 * out. Throws a ValidationError (one line) when the file cannot be read or nothing carries over.
 */
export async function importRedcapFile(path: string): Promise<{ json: string; lines: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : 'unreadable';
    throw new ValidationError(`cannot read ${path} (${reason})`, { cause });
  }
  const { instruments, skipped } = importRedcapDictionary(text);
  const skippedLines = skipped.map((s) => `skipped ${s.field} (form ${s.form || 'none'}): ${s.reason}`);
  if (instruments.length === 0) {
    throw new ValidationError(
      `no field of ${path} can be carried over${skippedLines.length ? `; ${skippedLines[0]}` : ''}`,
    );
  }
  const lines = [
    ...instruments.map(
      (i) =>
        `form ${i.form} → instrument ${i.definition.id}: ${i.fields.map((f, n) => `${f} = i${n + 1}`).join(', ')}; scale ${i.definition.scale.min}–${i.definition.scale.max}`,
    ),
    ...skippedLines,
    'Every instrument is dyad-level and answered by the client: set level and roles where that is wrong.',
  ];
  return {
    json: `${JSON.stringify({ instruments: instruments.map((i) => i.definition) }, null, 2)}\n`,
    lines,
  };
}
