import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

// DuckDB reads the Parquet files back in the tests: a reader written by other people than the
// writer's, so a file both accept is a file researchers' tools accept.

export type Row = Record<string, unknown>;

/** Runs one query in a fresh in-memory DuckDB and returns its rows as plain JS values. */
export async function duckRows(sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** SQL string literal. */
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Writes the bytes to a temporary file, calls `use` with its path and removes the folder after. */
export async function withTempFile<T>(
  name: string,
  bytes: Uint8Array | string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'tandem-parquet-'));
  try {
    const path = join(folder, name);
    await writeFile(path, bytes);
    return await use(path);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Rows of a Parquet file as DuckDB reads them, in file order. */
export const readParquet = (path: string): Promise<Row[]> =>
  duckRows(`select * from read_parquet(${literal(path)})`);

/** Column names and DuckDB types of a Parquet file. */
export async function parquetTypes(path: string): Promise<Record<string, string>> {
  const rows = await duckRows(`describe select * from read_parquet(${literal(path)})`);
  return Object.fromEntries(rows.map((row) => [String(row.column_name), String(row.column_type)]));
}
