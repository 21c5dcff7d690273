import { ROLES } from '../../shared/instruments/roles.ts';
import type { InstrumentDefinition } from '../../shared/instruments/schema.ts';
import { scaleNames } from '../../shared/instruments/score.ts';
import type { FileDef } from '../columns.ts';
import { columnLevels } from '../levels.ts';
import { MODALITIES } from '../load/study-data.ts';
import { scaleColumn } from '../score.ts';
import {
  commaNumbers,
  copyInto,
  csvCell,
  encoded,
  GrowingBuffer,
  NUMBER_BYTES,
  SAMPLE_ROWS,
} from './csv-bytes.ts';
import { type LongRows, newOwner } from './scores-long.ts';

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

/**
 * redcap_import.csv: a row per record, then every row of scores_long as an instance of its
 * instrument's repeating form, written from the scored columns (as scores_long.csv is, see
 * scores-long.ts): a record's cells are formatted once per dyad or therapist.
 */
export function redcapImport(
  longFile: FileDef,
  instruments: readonly InstrumentDefinition[],
  long: LongRows,
): { body: Uint8Array; rows: number } {
  const { fields, forms, sites, modalities } = project(longFile, instruments);
  const header = [
    'record_id',
    'redcap_repeat_instrument',
    'redcap_repeat_instance',
    ...fields.slice(1).map((f) => f.name),
  ];
  const at = new Map(header.map((name, i) => [name, i]));
  const { scored, order, dyadName, therapistName } = long;
  const { data } = scored;
  const r = data.responses;
  const code = (values: readonly string[], value: string): string => String(values.indexOf(value) + 1);
  const siteCode = data.sites.map((site) => code(sites, site.siteId));
  const modalityCode = MODALITIES.map((modality) => code(modalities, modality));
  const roleCell = ROLES.map((name) => encoded(`,${code(ROLES, name)}`));
  const number = commaNumbers();
  // A form's fields are contiguous in the header: an instance row is its three key cells, empty
  // cells up to the form's first field, the form's cells, and empty cells to the end.
  const width = header.length;
  const layout = data.instruments.map((def) => {
    const index = forms.findIndex((form) => form.instrument === def.id);
    const form = forms[index];
    if (!form) throw new Error(`redcap_import.csv: instrument ${def.id} has no form`);
    const first = at.get(form.role)!;
    const last = first + 2 + form.scales.length;
    return {
      index,
      name: encoded(`,${form.form}`),
      scales: form.scales.map(({ scale }) => scaleColumn(scored, scale)!),
      before: encoded(','.repeat(first - 3)),
      after: encoded(`${','.repeat(width - 1 - last)}\n`),
    };
  });
  const out = new GrowingBuffer(csvLine(header));
  const rowBytes =
    Math.max(...layout.map((form) => form.name.length + form.before.length + form.after.length)) +
    (Math.max(...layout.map((form) => form.scales.length)) + 4) * NUMBER_BYTES +
    Math.max(0, ...dyadName.map((name) => name.length * 3), ...therapistName.map((name) => name.length * 3)) +
    16;
  let id: Uint8Array = new Uint8Array(0);
  let rows = order.length;
  const instances = new Int32Array(forms.length);
  const n = order.length;
  for (let row = 0; row < n; row++) {
    const i = order[row]!;
    const d = r.dyad[i]!;
    if (row === 0 || newOwner(scored, i, order[row - 1]!)) {
      const t = r.therapist[i]!;
      const name = d < 0 ? therapistName[t]! : dyadName[d]!;
      id = encoded(csvCell(name));
      instances.fill(0);
      const record = header.map(() => '');
      record[0] = name;
      record[at.get('record_type')!] = d < 0 ? '2' : '1';
      record[at.get('site')!] = siteCode[r.site[i]!]!;
      record[at.get('therapist')!] = therapistName[t]!;
      if (d >= 0) {
        record[at.get('modality')!] = modalityCode[data.dyads.modality[d]!]!;
        record[at.get('interpreter')!] = data.dyads.interpreter[d] === 1 ? '1' : '0';
      }
      out.write(csvLine(record), 0);
      rows++;
    }
    const form = layout[r.instrument[i]!]!;
    // After a sample of rows the whole file's size is known roughly: reserve it once.
    const bytes = out.room(rowBytes, row === SAMPLE_ROWS ? Math.ceil((out.size / row) * n * 1.02) : 0);
    let end = copyInto(bytes, out.size, id);
    end = copyInto(bytes, end, form.name);
    end = copyInto(bytes, end, number(++instances[form.index]!));
    end = copyInto(bytes, end, form.before);
    end = copyInto(bytes, end, roleCell[r.role[i]!]!);
    end = copyInto(bytes, end, number(r.session[i]!));
    end = copyInto(bytes, end, number(d < 0 ? Number.NaN : scored.week[i]!));
    for (const values of form.scales) end = copyInto(bytes, end, number(values[i]!));
    out.written(copyInto(bytes, end, form.after));
  }
  return { body: out.bytes(), rows };
}
