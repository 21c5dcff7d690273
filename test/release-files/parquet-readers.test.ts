import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from '@uwdata/flechette';
import { readParquet as readWithArrowRs } from 'parquet-wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import { duckRows, literal, type Row } from './duckdb.ts';

// Every Parquet file of a release, read by two readers that share no code with the writer nor with
// each other: DuckDB, and arrow-rs (parquet-wasm's reader, its Arrow IPC output decoded by
// flechette). Each must give back its CSV twin cell for cell, and each file must be compressed.

const FROM = fileURLToPath(new URL('../fixtures/release-reference/', import.meta.url));

/** A CSV as rows of text cells; scores_long's pseudonyms and ids never need quoting. */
function csvRows(text: string): { header: string[]; rows: string[][] } {
  expect(text).not.toContain('"');
  const [header, ...lines] = text.trimEnd().split('\n');
  return { header: header!.split(','), rows: lines.map((line) => line.split(',')) };
}

/** A value as the CSV writes it: shortest round-trip numbers, true/false, empty for missing. */
function asCsv(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return String(value);
}

function expectSameAsCsv(name: string, csv: string, rows: Row[]): void {
  const { header, rows: cells } = csvRows(csv);
  expect(rows.length, name).toBe(cells.length);
  expect(Object.keys(rows[0] ?? Object.fromEntries(header.map((h) => [h, null]))), name).toEqual(header);
  rows.forEach((row, r) => {
    expect(
      header.map((column) => asCsv(row[column])),
      `${name} row ${r + 1}`,
    ).toEqual(cells[r]);
  });
}

describe('Parquet files of a release', () => {
  let dir: string;
  let parquetNames: string[];
  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'tandem-parquet-readers-'));
    const { manifest } = await aggregate({
      from: FROM,
      out,
      releaseId: '2027-05-01',
      secret: 'reader-secret',
      clock: () => new Date('2027-05-01T02:00:00Z'),
    });
    dir = join(out, 'releases', manifest.releaseId);
    parquetNames = (await readdir(dir)).filter((name) => name.endsWith('.parquet')).sort();
  }, 60_000);

  it('has a Parquet twin for every CSV but the REDCap pair (DESIGN §8), scores_long included', async () => {
    const csvs = (await readdir(dir)).filter((name) => name.endsWith('.csv') && !name.startsWith('redcap_'));
    expect(parquetNames).toEqual(csvs.map((name) => name.replace(/\.csv$/, '.parquet')).sort());
    expect(parquetNames).toContain('scores_long.parquet');
  });

  it('compresses every column chunk (GZIP, which DuckDB and arrow-rs both read)', async () => {
    for (const name of parquetNames) {
      const codecs = await duckRows(
        `select distinct compression from parquet_metadata(${literal(join(dir, name))})`,
      );
      expect(
        codecs.map((row) => row.compression),
        name,
      ).toEqual(['GZIP']);
    }
  });

  it('reads with DuckDB as its CSV twin, cell for cell', async () => {
    for (const name of parquetNames) {
      const csv = await readFile(join(dir, name.replace(/\.parquet$/, '.csv')), 'utf8');
      expectSameAsCsv(name, csv, await duckRows(`select * from read_parquet(${literal(join(dir, name))})`));
    }
  }, 60_000);

  it('reads with arrow-rs (parquet-wasm) as its CSV twin, cell for cell', async () => {
    for (const name of parquetNames) {
      const csv = await readFile(join(dir, name.replace(/\.parquet$/, '.csv')), 'utf8');
      const arrow = readWithArrowRs(await readFile(join(dir, name)));
      const rows = tableFromIPC(arrow.intoIPCStream()).toArray() as Row[];
      expectSameAsCsv(name, csv, rows);
    }
  }, 60_000);
});
