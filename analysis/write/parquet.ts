import type { ColumnTable } from 'arquero';
import { type BasicType, type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnDef, FileDef } from '../columns.ts';

// The Parquet twin of each CSV: the same columns in the same order, typed from columns.ts, with the
// same missing cells (an empty CSV cell is a Parquet null). Nothing in the file depends on the
// clock, so the same table always gives the same bytes.

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
/** One row group for release-sized tables keeps readers simple and the bytes stable. */
const ROW_GROUP_ROWS = 1_000_000;
const CREATED_BY = 'tandem (hyparquet-writer)';

type Cell = string | number | boolean | bigint | null;

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

/** The column's cells in Parquet form and the Parquet type that holds them. */
function encodeColumn(file: FileDef, column: ColumnDef, values: ArrayLike<unknown>): ColumnSource {
  const data: Cell[] = new Array(values.length);
  let type: BasicType;
  switch (column.type) {
    case 'string':
      type = 'STRING';
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        data[i] = isMissing(value) ? null : String(value);
      }
      break;
    case 'boolean':
      type = 'BOOLEAN';
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (isMissing(value)) data[i] = null;
        else if (typeof value === 'boolean') data[i] = value;
        else fail(file, column, i, value);
      }
      break;
    case 'number':
      type = 'DOUBLE';
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (isMissing(value)) data[i] = null;
        else if (typeof value === 'number') data[i] = value;
        else fail(file, column, i, value);
      }
      break;
    case 'integer': {
      let small = true;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (isMissing(value)) data[i] = null;
        else if (typeof value === 'number' && Number.isSafeInteger(value)) {
          data[i] = value;
          if (value > INT32_MAX || value < INT32_MIN) small = false;
        } else fail(file, column, i, value);
      }
      // INT32 holds every count a study produces; a larger value widens the column to INT64.
      type = small ? 'INT32' : 'INT64';
      if (!small)
        for (let i = 0; i < data.length; i++) if (data[i] !== null) data[i] = BigInt(data[i] as number);
      break;
    }
  }
  return { name: column.name, data, type, nullable: true };
}

/** The table as Parquet bytes: the file's columns in order, typed by their definitions. */
export function toParquet(file: FileDef, table: ColumnTable): Uint8Array {
  const columnData = file.columns.map((column) => {
    if (!table.columnNames().includes(column.name)) {
      throw new TypeError(`${file.name}: the table has no column ${column.name}`);
    }
    return encodeColumn(file, column, table.array(column.name) as ArrayLike<unknown>);
  });
  const buffer = parquetWriteBuffer({ columnData, rowGroupSize: ROW_GROUP_ROWS, createdBy: CREATED_BY });
  return new Uint8Array(buffer);
}
