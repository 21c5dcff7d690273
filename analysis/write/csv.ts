import { type ColumnTable, escape as rowFunction } from 'arquero';
import { ALL_SITES, type ColumnDef, type FileDef } from '../columns.ts';
import { csvCell, GrowingBuffer } from './csv-bytes.ts';

// CSV as DESIGN §8 fixes it: UTF-8, LF, a header, shortest round-trip numbers, empty for missing,
// true/false, rows sorted by the key columns with ALL after the sites. Only columns defined in
// columns.ts are written, so every released column has a codebook entry.

type Value = unknown;

/** Rows per chunk of text; keeps strings short while a million-row file is written. */
const CHUNK_ROWS = 256;

/** Compares two values of one key column: missing first, levels in their order, ALL after sites. */
function compareKey(column: ColumnDef, a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (column.name === 'site') {
    if (a === ALL_SITES) return 1;
    if (b === ALL_SITES) return -1;
  }
  if (column.levels) {
    const ia = column.levels.indexOf(String(a));
    const ib = column.levels.indexOf(String(b));
    if (ia !== ib) return ia < 0 ? 1 : ib < 0 ? -1 : ia - ib;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * The values of a column in table order. arquero's `array()` copies row by row; an unfiltered,
 * unordered table's column is already in order, so it is used as it is.
 */
export function columnValues(table: ColumnTable, name: string): ArrayLike<Value> {
  if (!table.isFiltered() && !table.isOrdered()) {
    const column = table.column(name);
    if (column) return column as unknown as ArrayLike<Value>;
  }
  return table.array(name) as ArrayLike<Value>;
}

function definedColumns(file: FileDef, table: ColumnTable): void {
  const defined = new Set(file.columns.map((column) => column.name));
  for (const name of table.columnNames())
    if (!defined.has(name)) throw new Error(`${file.name}: column ${name} has no definition in columns.ts`);
  for (const column of file.columns)
    if (!table.columnNames().includes(column.name))
      throw new Error(`${file.name}: column ${column.name} is missing`);
}

/** The table in release order (by key columns); the same table when it is in order already. */
export function sortForRelease(file: FileDef, table: ColumnTable): ColumnTable {
  definedColumns(file, table);
  const keys = file.keyColumns.map((name) => ({
    def: file.columns.find((column) => column.name === name)!,
    values: columnValues(table, name),
  }));
  const compare = (i: number, j: number): number => {
    for (const key of keys) {
      const c = compareKey(key.def, key.values[i], key.values[j]);
      if (c !== 0) return c;
    }
    return 0;
  };
  // scores_long comes in release order already (release.ts sorts its owner blocks); checking is one
  // pass, where sorting a million rows would not be.
  const n = table.numRows();
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = compare(i - 1, i) <= 0;
  if (sorted) return table;
  // Each key column becomes a rank (its distinct values in key order: missing first, levels in
  // their order, ALL after the sites), and arquero orders the rows by the ranks.
  const ranks: Record<string, ReturnType<typeof rowFunction>> = {};
  const rankNames = keys.map((key, k) => {
    const distinct = [...new Set(Array.from(key.values))].sort((a, b) => compareKey(key.def, a, b));
    const rank = new Map(distinct.map((value, index) => [value, index]));
    const column = key.def.name;
    const name = `__rank${k}`;
    ranks[name] = rowFunction((row: Record<string, Value>) => rank.get(row[column]));
    return name;
  });
  return table
    .derive(ranks)
    .orderby(...rankNames)
    .select(file.columns.map((column) => column.name))
    .reify();
}

/**
 * A cell formatter for one column type; same output as csvCell, without its type dispatch. Rows
 * come sorted, so a cell often repeats the one above: its text is reused (a quarter of the time of
 * a million-row scores_long went into quoting checks and number formatting of repeated values).
 */
function formatterFor(column: ColumnDef): (value: Value) => string {
  const format = plainFormatterFor(column);
  let last: Value = Symbol('none');
  let lastText = '';
  return (value) => {
    if (value !== last) {
      last = value;
      lastText = format(value);
    }
    return lastText;
  };
}

function plainFormatterFor(column: ColumnDef): (value: Value) => string {
  switch (column.type) {
    case 'integer':
    case 'number':
      return (value) =>
        typeof value === 'number' && Number.isFinite(value) ? String(value) : csvCell(value);
    case 'boolean':
      return (value) => (value === true ? 'true' : value === false ? 'false' : csvCell(value));
    case 'string':
      return csvCell;
  }
}

/** The file's CSV bytes: defined columns only, in release order. */
export function toCsv(file: FileDef, table: ColumnTable): Uint8Array {
  const ordered = sortForRelease(file, table);
  const columns = file.columns.map((column) => columnValues(ordered, column.name));
  const formats = file.columns.map(formatterFor);
  const out = new GrowingBuffer(`${file.columns.map((column) => csvCell(column.name)).join(',')}\n`);
  const n = ordered.numRows();
  const width = columns.length;
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    let text = '';
    const to = Math.min(n, from + CHUNK_ROWS);
    for (let i = from; i < to; i++) {
      text += formats[0]!(columns[0]![i]);
      for (let c = 1; c < width; c++) text += `,${formats[c]!(columns[c]![i])}`;
      text += '\n';
    }
    // After the first chunk the whole file's size is known roughly: reserve it once.
    out.write(text, from === 0 ? Math.ceil((text.length / (to - from)) * n * 1.05) : 0);
  }
  return out.bytes();
}
