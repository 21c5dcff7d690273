import type { ColumnTable } from 'arquero';
import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnDef, FileDef } from '../columns.ts';

// The Parquet twin of each CSV: the same columns in the same order, typed from columns.ts, with the
// same missing cells (an empty CSV cell is a Parquet null). Nothing in the file depends on the
// clock, so the same table always gives the same bytes.

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
/** One row group for release-sized tables keeps readers simple and the bytes stable. */
const ROW_GROUP_ROWS = 1_000_000;
const CREATED_BY = 'tandem (hyparquet-writer)';

type Cell = Uint8Array | number | boolean | null;

const utf8 = new TextEncoder();

/** A missing cell: null, undefined, NaN and the empty string all become a Parquet null. */
function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

function fail(file: FileDef, column: ColumnDef, row: number, value: unknown): never {
  throw new TypeError(
    `${file.name}: column ${column.name} is ${column.type}, row ${row} holds ${JSON.stringify(value)}`,
  );
}

/** Strings as UTF-8 bytes, each distinct string encoded once and its bytes shared. */
function stringCells(values: ArrayLike<unknown>): Cell[] {
  // Shared bytes let the writer find dictionary entries by identity instead of encoding and hashing
  // a million strings; sorted columns come in runs, so the last value is checked before the map.
  const data: Cell[] = new Array(values.length);
  const encoded = new Map<string, Uint8Array>();
  let last: unknown;
  let lastBytes: Uint8Array | null = null;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value !== last || i === 0) {
      last = value;
      if (isMissing(value)) lastBytes = null;
      else {
        const text = String(value);
        lastBytes = encoded.get(text) ?? null;
        if (lastBytes === null) {
          lastBytes = utf8.encode(text);
          encoded.set(text, lastBytes);
        }
      }
    }
    data[i] = lastBytes;
  }
  return data;
}

/**
 * Numbers (or whole numbers) checked against the column type: a typed array when no cell is missing
 * (no boxing, nothing for the garbage collector), else an array with nulls.
 */
function numberCells(file: FileDef, column: ColumnDef, values: ArrayLike<unknown>): Float64Array | Cell[] {
  const integer = column.type === 'integer';
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (isMissing(value)) missing++;
    else if (typeof value !== 'number' || (integer && !Number.isSafeInteger(value)))
      fail(file, column, i, value);
  }
  if (missing === 0) return Float64Array.from(values as ArrayLike<number>);
  const data: Cell[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number | null | undefined;
    data[i] = isMissing(value) ? null : (value as number);
  }
  return data;
}

/** The column's cells in Parquet form and the Parquet type that holds them. */
function encodeColumn(file: FileDef, column: ColumnDef, values: ArrayLike<unknown>): ColumnSource {
  // Release columns repeat few values (sites, roles, scale sums), so a dictionary is both smaller
  // and much faster to write than letting the writer sample and compress plain values.
  const dictionary = { encoding: 'RLE_DICTIONARY' as const };
  switch (column.type) {
    case 'string':
      return { name: column.name, data: stringCells(values), type: 'STRING', ...dictionary };
    case 'boolean': {
      const data: Cell[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (isMissing(value)) data[i] = null;
        else if (typeof value === 'boolean') data[i] = value;
        else fail(file, column, i, value);
      }
      return { name: column.name, data, type: 'BOOLEAN' };
    }
    case 'number':
      return { name: column.name, data: numberCells(file, column, values), type: 'DOUBLE', ...dictionary };
    case 'integer': {
      const cells = numberCells(file, column, values);
      let small = true;
      for (let i = 0; i < cells.length; i++) {
        const value = cells[i] as number | null;
        if (value !== null && (value > INT32_MAX || value < INT32_MIN)) small = false;
      }
      // INT32 holds every count a study produces; a larger value widens the column to INT64.
      if (small) {
        const data = cells instanceof Float64Array ? Int32Array.from(cells) : cells;
        return { name: column.name, data, type: 'INT32', ...dictionary };
      }
      const data = Array.from(cells, (value) => (value === null ? null : BigInt(value as number)));
      return { name: column.name, data, type: 'INT64', ...dictionary };
    }
  }
}

/** The table as Parquet bytes: the file's columns in order, typed by their definitions. */
export function toParquet(file: FileDef, table: ColumnTable): Uint8Array {
  const columnData = file.columns.map((column) => {
    if (!table.columnNames().includes(column.name)) {
      throw new TypeError(`${file.name}: the table has no column ${column.name}`);
    }
    return encodeColumn(file, column, table.array(column.name) as ArrayLike<unknown>);
  });
  // Column statistics are left out: one row group holds the whole table, so they would let no
  // reader skip anything, and they cost a third of the writing time on large tables.
  const buffer = parquetWriteBuffer({
    columnData,
    rowGroupSize: ROW_GROUP_ROWS,
    createdBy: CREATED_BY,
    statistics: false,
  });
  return new Uint8Array(buffer);
}
