import type { ColumnTable } from 'arquero';
import { type InstrumentDefinition, ROLES } from '../../shared/instruments/schema.ts';
import { scaleNames } from '../../shared/instruments/score.ts';
import type { FileDef } from '../columns.ts';
import { columnLevels } from '../levels.ts';
import { columnValues, csvCell } from './csv.ts';

// REDCap out (DESIGN §8, analyst tier): scores_long as a REDCap project's import file, with the data
// dictionary that project needs. A record is a dyad (or, for therapist-level questionnaires, a
// therapist), identified by its release pseudonym; its non-repeating `record` form holds the site,
// therapist, modality and interpreter; each instrument is a repeating instrument (form name = the
// instrument id with `_` for `-`) whose instances hold role, session, week and one field per scale
// of the instrument, numbered 1… in (role, session) order within the record.

/** The dictionary's columns, as REDCap exports and imports them. */
export const REDCAP_DICTIONARY_HEADER = [
  'Variable / Field Name',
  'Form Name',
  'Section Header',
  'Field Type',
  'Field Label',
  'Choices, Calculations, OR Slider Labels',
  'Field Note',
  'Text Validation Type OR Show Slider Number',
  'Text Validation Min',
  'Text Validation Max',
  'Identifier?',
  'Branching Logic (Show field only if...)',
  'Required Field?',
  'Custom Alignment',
  'Question Number (surveys only)',
  'Matrix Group Name',
  'Matrix Ranking?',
  'Field Annotation',
] as const;

/** A REDCap form or field name: lower-case letters, digits and `_`. */
export const redcapName = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '_');

interface Field {
  name: string;
  form: string;
  type: 'text' | 'radio' | 'dropdown' | 'yesno';
  label: string;
  /** `1, client | 2, therapist` for radio and dropdown fields. */
  choices?: string;
  validation?: 'integer' | 'number';
  min?: string;
}

interface RepeatingForm {
  form: string;
  instrument: string;
  /** Field names of role, session, week and the scales, in that order. */
  role: string;
  session: string;
  week: string;
  scales: { scale: string; field: string }[];
}

const RECORD_FORM = 'record';
const choicesOf = (values: readonly string[]): string =>
  values.map((value, i) => `${i + 1}, ${value}`).join(' | ');

/** The REDCap project: record fields, then one repeating form per instrument. */
function project(longFile: FileDef, instruments: readonly InstrumentDefinition[]) {
  const column = (name: string) => longFile.columns.find((c) => c.name === name)!;
  const sites = (columnLevels(column('site')) ?? []).map((level) => level.value);
  const modalities = (columnLevels(column('modality')) ?? []).map((level) => level.value);
  /** A record field for a categorical scores_long column: codes 1… in codebook order. */
  const categorical = (name: string, type: 'radio' | 'dropdown', values: readonly string[]): Field => ({
    name,
    form: RECORD_FORM,
    type,
    label: column(name).meaning,
    choices: choicesOf(values),
  });
  const fields: Field[] = [
    {
      name: 'record_id',
      form: RECORD_FORM,
      type: 'text',
      label:
        'dyad pseudonym, or therapist pseudonym for therapist-level questionnaires (new in every release)',
    },
    {
      name: 'record_type',
      form: RECORD_FORM,
      type: 'radio',
      label: 'what the record is',
      choices: choicesOf(['dyad', 'therapist']),
    },
    categorical('site', 'dropdown', sites),
    { name: 'therapist', form: RECORD_FORM, type: 'text', label: column('therapist').meaning },
    categorical('modality', 'radio', modalities),
    { name: 'interpreter', form: RECORD_FORM, type: 'yesno', label: column('interpreter').meaning },
  ];
  const forms: RepeatingForm[] = [];
  for (const def of instruments) {
    const form = redcapName(def.id);
    const repeating: RepeatingForm = {
      form,
      instrument: def.id,
      role: `${form}_role`,
      session: `${form}_session`,
      week: `${form}_week`,
      scales: scaleNames(def).map((scale) => ({ scale, field: `${form}_${redcapName(scale)}` })),
    };
    forms.push(repeating);
    fields.push(
      { name: repeating.role, form, type: 'radio', label: column('role').meaning, choices: choicesOf(ROLES) },
      {
        name: repeating.session,
        form,
        type: 'text',
        label: column('session').meaning,
        validation: 'integer',
        min: '1',
      },
      {
        name: repeating.week,
        form,
        type: 'text',
        label: column('week').meaning,
        validation: 'integer',
        min: '0',
      },
      ...repeating.scales.map(
        ({ scale, field }): Field => ({
          name: field,
          form,
          type: 'text',
          label: `${def.id}: ${column(scale).meaning}`,
          validation: 'number',
        }),
      ),
    );
  }
  return { fields, forms, sites, modalities };
}

const csvLine = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\n`;

/** redcap_dictionary.csv: the REDCap data dictionary of redcap_import.csv, a row per field. */
export function redcapDictionary(
  longFile: FileDef,
  instruments: readonly InstrumentDefinition[],
): { body: Uint8Array; rows: number } {
  const { fields } = project(longFile, instruments);
  const text = [
    csvLine(REDCAP_DICTIONARY_HEADER),
    ...fields.map((field) =>
      csvLine([
        field.name,
        field.form,
        '',
        field.type,
        field.label,
        field.choices ?? '',
        '',
        field.validation ?? '',
        field.min ?? '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ]),
    ),
  ].join('');
  return { body: new TextEncoder().encode(text), rows: fields.length };
}

/** Rows per chunk of text while the import file is written. */
const CHUNK_ROWS = 256;

/** redcap_import.csv: a row per record, then every row of scores_long as an instance of its instrument's repeating form. */
export function redcapImport(
  longFile: FileDef,
  instruments: readonly InstrumentDefinition[],
  long: ColumnTable,
): { body: Uint8Array; rows: number } {
  const { fields, forms, sites, modalities } = project(longFile, instruments);
  const header = [
    'record_id',
    'redcap_repeat_instrument',
    'redcap_repeat_instance',
    ...fields.slice(1).map((f) => f.name),
  ];
  const at = new Map(header.map((name, i) => [name, i]));
  const strings = (name: string) => columnValues(long, name) as ArrayLike<string | null>;
  const numbers = (name: string) => columnValues(long, name) as ArrayLike<number | null>;
  const dyad = strings('dyad');
  const therapist = strings('therapist');
  const site = strings('site');
  const role = strings('role');
  const instrument = strings('instrument');
  const modality = strings('modality');
  const session = numbers('session');
  const week = numbers('week');
  const interpreter = columnValues(long, 'interpreter') as ArrayLike<boolean | null>;
  const code = (values: readonly string[], value: string): string => String(values.indexOf(value) + 1);
  const roleCode = new Map(ROLES.map((name) => [name as string, code(ROLES, name)]));
  // A form's fields are contiguous in the header: an instance row is its three key cells, empty
  // cells up to the form's first field, the form's cells, and empty cells to the end.
  const width = header.length;
  const layout = new Map(
    forms.map((form, index) => {
      const first = at.get(form.role)!;
      const last = first + 2 + form.scales.length;
      return [
        form.instrument,
        {
          index,
          name: form.form,
          scales: form.scales.map(({ scale }) => numbers(scale)),
          before: ','.repeat(first - 3),
          after: ','.repeat(width - 1 - last),
        },
      ];
    }),
  );
  const chunks: Buffer[] = [Buffer.from(csvLine(header))];
  let text = '';
  let record = '';
  let rows = long.numRows();
  const instances = new Int32Array(forms.length);
  for (let i = 0; i < long.numRows(); i++) {
    const id = dyad[i] ?? therapist[i]!;
    if (id !== record) {
      record = id;
      instances.fill(0);
      const row = header.map(() => '');
      row[0] = id;
      row[at.get('record_type')!] = dyad[i] === null ? '2' : '1';
      row[at.get('site')!] = code(sites, site[i]!);
      row[at.get('therapist')!] = therapist[i]!;
      if (modality[i] != null) row[at.get('modality')!] = code(modalities, modality[i]!);
      if (interpreter[i] != null) row[at.get('interpreter')!] = interpreter[i] ? '1' : '0';
      text += csvLine(row);
      rows++;
    }
    const form = layout.get(instrument[i]!)!;
    const instance = ++instances[form.index]!;
    const weeks = week[i];
    text += `${csvCell(id)},${form.name},${instance}${form.before},${roleCode.get(role[i]!)},${session[i]},${typeof weeks === 'number' && Number.isFinite(weeks) ? weeks : ''}`;
    for (const values of form.scales) {
      const value = values[i];
      text += typeof value === 'number' && Number.isFinite(value) ? `,${value}` : ',';
    }
    text += `${form.after}\n`;
    if (i % CHUNK_ROWS === CHUNK_ROWS - 1) {
      chunks.push(Buffer.from(text));
      text = '';
    }
  }
  chunks.push(Buffer.from(text));
  return { body: Buffer.concat(chunks), rows };
}
