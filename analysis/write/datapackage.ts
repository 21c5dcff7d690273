import type { Study } from '../../shared/study/schema.ts';
import type { ColumnDef, ColumnType, FileDef } from '../columns.ts';
import { columnLevels } from '../levels.ts';

// datapackage.json (DESIGN §8): a Frictionless Tabular Data Package v1 describing every CSV of the
// codebook, from the same column definitions (with the study's levels as `enum` constraints), with
// each resource's tier and the study's licence and contact.

const FIELD_TYPE: Record<ColumnType, string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
};

/** Numeric bounds read from a codebook range such as `≥ 1`, `0–1`, `−1–1` or `≤ 1`. */
export function rangeBounds(range: string | undefined): { minimum?: number; maximum?: number } {
  if (range === undefined) return {};
  const number = (text: string): number => Number(text.replace('−', '-'));
  const atLeast = /^≥ ([−-]?\d+(?:\.\d+)?)$/.exec(range);
  if (atLeast) return { minimum: number(atLeast[1]!) };
  const atMost = /^≤ ([−-]?\d+(?:\.\d+)?)$/.exec(range);
  if (atMost) return { maximum: number(atMost[1]!) };
  const between = /^([−-]?\d+(?:\.\d+)?)–([−-]?\d+(?:\.\d+)?)$/.exec(range);
  if (between) return { minimum: number(between[1]!), maximum: number(between[2]!) };
  return {};
}

function field(column: ColumnDef): Record<string, unknown> {
  const levels = columnLevels(column);
  const constraints = {
    ...(column.missing === undefined ? { required: true } : {}),
    ...(levels ? { enum: levels.map((level) => level.value) } : {}),
    ...(column.type === 'integer' || column.type === 'number' ? rangeBounds(column.range) : {}),
  };
  return {
    name: column.name,
    type: FIELD_TYPE[column.type],
    description: column.meaning,
    ...(column.type === 'boolean' ? { trueValues: ['true'], falseValues: ['false'] } : {}),
    ...(Object.keys(constraints).length ? { constraints } : {}),
  };
}

/** A primary key only where its columns are never empty (a key with missing values is no key). */
function primaryKey(file: FileDef): string[] | undefined {
  const keys = file.keyColumns.map((name) => file.columns.find((column) => column.name === name)!);
  return keys.length && keys.every((column) => column.missing === undefined)
    ? [...file.keyColumns]
    : undefined;
}

function resource(file: FileDef): Record<string, unknown> {
  const key = primaryKey(file);
  return {
    name: file.name.replace(/\.csv$/, ''),
    path: file.name,
    profile: 'tabular-data-resource',
    tier: file.tier,
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    dialect: { delimiter: ',', lineTerminator: '\n', quoteChar: '"', doubleQuote: true, header: true },
    schema: {
      fields: file.columns.map(field),
      missingValues: [''],
      ...(key ? { primaryKey: key } : {}),
    },
  };
}

export interface DataPackageStudy {
  studyId: Study['studyId'];
  title: string;
  licence?: Study['licence'];
  contact?: Study['contact'];
}

/** datapackage.json for the given tabular files (with the study's levels), LF-terminated. */
export function dataPackageJson(
  study: DataPackageStudy,
  releaseId: string,
  files: readonly FileDef[],
): string {
  const { contact, licence } = study;
  const descriptor = {
    profile: 'tabular-data-package',
    name: study.studyId,
    title: study.title,
    version: releaseId,
    description: `Release ${releaseId} of ${study.studyId}. Tables in the analyst tier are only for approved analysts; codebook.md describes every column.`,
    ...(licence
      ? { licenses: [{ name: licence, path: `https://spdx.org/licenses/${licence}.html`, title: licence }] }
      : {}),
    ...(contact
      ? {
          contributors: [
            { title: contact.name, ...(contact.email ? { email: contact.email } : {}), role: 'maintainer' },
          ],
          contact,
        }
      : {}),
    resources: files.map(resource),
  };
  return `${JSON.stringify(descriptor, null, 2)}\n`;
}
