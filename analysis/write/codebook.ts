import type { ColumnDef, ColumnType, FileDef, Tier } from '../columns.ts';
import { columnLevels, type Level } from '../levels.ts';
import type { ReleaseFile } from '../release.ts';
import { type StageTimes, timed } from '../stages.ts';

// The codebook is generated from the same FileDefs the CSV and Parquet writers use, so every column
// of every released table has an entry. Each CSV's Parquet twin gets its own entry with the same
// columns, so a reader looking up either file name finds it.

export interface CodebookColumn {
  name: string;
  meaning: string;
  type: ColumnType;
  range: string;
  missing: string;
  /** A categorical column's values in order, with labels (DESIGN §8). */
  levels?: Level[];
}

export interface CodebookFile {
  name: string;
  tier: Tier;
  columns: CodebookColumn[];
}

const DEFAULT_RANGE: Record<ColumnType, string> = {
  string: 'text',
  integer: 'whole numbers',
  number: 'real numbers',
  boolean: 'true, false',
};

/** Name of the Parquet twin of a CSV file. */
export const parquetName = (csvName: string): string => csvName.replace(/\.csv$/, '.parquet');

/** Content types of a release's CSV files and of their Parquet twins. */
export const CSV_TYPE = 'text/csv; charset=utf-8';
export const PARQUET_TYPE = 'application/vnd.apache.parquet';

/** A file of a release by name, rendered when asked. */
export interface FileRenderer {
  name: string;
  render: () => ReleaseFile;
}

/** A table's CSV and its Parquet twin, each rendered when asked and timed as the stage `write {name}`. */
export function csvAndParquetRenderers(
  file: FileDef,
  rows: number,
  render: { csv: () => Uint8Array; parquet: () => Uint8Array },
  times?: StageTimes,
): FileRenderer[] {
  const common = { tier: file.tier, rows };
  const renderer = (name: string, contentType: string, body: () => Uint8Array): FileRenderer => ({
    name,
    render: () => ({ ...common, name, contentType, body: timed(times, `write ${name}`, body) }),
  });
  return [
    renderer(file.name, CSV_TYPE, render.csv),
    renderer(parquetName(file.name), PARQUET_TYPE, render.parquet),
  ];
}

/** A table's CSV and its Parquet twin, rendered now (see csvAndParquetRenderers). */
export function csvAndParquet(
  file: FileDef,
  rows: number,
  render: { csv: () => Uint8Array; parquet: () => Uint8Array },
  times?: StageTimes,
): ReleaseFile[] {
  return csvAndParquetRenderers(file, rows, render, times).map((renderer) => renderer.render());
}

function entry(column: ColumnDef): CodebookColumn {
  const levels = columnLevels(column);
  return {
    name: column.name,
    meaning: column.meaning,
    type: column.type,
    range:
      column.range ?? (column.levels ? column.levels.filter(Boolean).join(', ') : DEFAULT_RANGE[column.type]),
    missing: column.missing ?? 'never empty',
    ...(levels ? { levels } : {}),
  };
}

/** One codebook entry per CSV and per Parquet twin, in release order. */
export function codebookFiles(files: readonly FileDef[]): CodebookFile[] {
  return files.flatMap((file) => {
    const columns = file.columns.map(entry);
    return [
      { name: file.name, tier: file.tier, columns },
      { name: parquetName(file.name), tier: file.tier, columns },
    ];
  });
}

/** codebook.json: `{files: [{name, tier, columns: [{name, meaning, type, range, missing, levels?}]}]}`, LF-terminated. */
export function codebookJson(files: FileDef[]): string {
  return `${JSON.stringify({ files: codebookFiles(files) }, null, 2)}\n`;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** codebook.md: the same entries as codebook.json, one table per file, for reading. */
export function codebookMarkdown(files: FileDef[]): string {
  const lines = [
    '# Codebook',
    '',
    'Every column of every table in this release. Each CSV (UTF-8, `.` decimals, empty cells for',
    'missing values, `true`/`false` for flags) has a Parquet twin with the same columns, where an',
    'empty cell is a null. Open-tier files are for every researcher; analyst-tier files only for',
    'approved analysts.',
    '',
  ];
  for (const file of files) {
    lines.push(`## ${file.name} (and ${parquetName(file.name)})`, '');
    lines.push(`Tier: ${file.tier}.`);
    if (file.keyColumns.length) {
      lines.push(`One row per ${file.keyColumns.map((c) => `\`${c}\``).join(', ')}; rows sorted by these.`);
    }
    lines.push('', '| column | type | meaning | range | missing |', '| --- | --- | --- | --- | --- |');
    for (const column of file.columns.map(entry)) {
      lines.push(
        `| \`${cell(column.name)}\` | ${column.type} | ${cell(column.meaning)} | ${cell(column.range)} | ${cell(column.missing)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
