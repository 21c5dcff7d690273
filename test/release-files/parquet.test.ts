import { table } from 'arquero';
import { describe, expect, it } from 'vitest';
import { scoresLong, siteSessionSummary } from '../../analysis/columns.ts';
import { toParquet } from '../../analysis/write/parquet.ts';
import { parquetTypes, readParquet, withTempFile } from './duckdb.ts';

const summary = table({
  site: ['berlin-mitte', 'zürich', 'ALL'],
  session: [1, 1, 1],
  role: ['client', 'client', 'client'],
  instrument: ['alliance-client', 'alliance-client', 'alliance-client'],
  scale: ['total', 'total', 'total'],
  n: [12, null, 20],
  mean: [41.25, null, 0.1 + 0.2],
  sd: [5.5, null, Number.NaN],
  median: [42, null, 40],
  q1: [37.75, null, 35],
  q3: [45.125, null, 44],
  suppressed: [false, true, false],
});

describe('toParquet', () => {
  it('writes every column with the Parquet type of its definition', async () => {
    const types = await withTempFile('summary.parquet', toParquet(siteSessionSummary, summary), parquetTypes);
    expect(types).toEqual({
      site: 'VARCHAR',
      session: 'INTEGER',
      role: 'VARCHAR',
      instrument: 'VARCHAR',
      scale: 'VARCHAR',
      n: 'INTEGER',
      mean: 'DOUBLE',
      sd: 'DOUBLE',
      median: 'DOUBLE',
      q1: 'DOUBLE',
      q3: 'DOUBLE',
      suppressed: 'BOOLEAN',
    });
  });

  it('gives back the same rows and values, at full precision, with missing cells as nulls', async () => {
    const rows = await withTempFile('summary.parquet', toParquet(siteSessionSummary, summary), readParquet);
    expect(rows).toEqual([
      {
        site: 'berlin-mitte',
        session: 1,
        role: 'client',
        instrument: 'alliance-client',
        scale: 'total',
        n: 12,
        mean: 41.25,
        sd: 5.5,
        median: 42,
        q1: 37.75,
        q3: 45.125,
        suppressed: false,
      },
      {
        site: 'zürich',
        session: 1,
        role: 'client',
        instrument: 'alliance-client',
        scale: 'total',
        n: null,
        mean: null,
        sd: null,
        median: null,
        q1: null,
        q3: null,
        suppressed: true,
      },
      {
        site: 'ALL',
        session: 1,
        role: 'client',
        instrument: 'alliance-client',
        scale: 'total',
        n: 20,
        mean: 0.30000000000000004,
        sd: null,
        median: 40,
        q1: 35,
        q3: 44,
        suppressed: false,
      },
    ]);
  });

  it('gives the same bytes for the same table', () => {
    expect(
      Buffer.from(toParquet(siteSessionSummary, summary)).equals(
        Buffer.from(toParquet(siteSessionSummary, summary)),
      ),
    ).toBe(true);
  });

  it('keeps scale columns with hyphens, empty strings as nulls and booleans of the analyst file', async () => {
    const file = scoresLong(['total', 'self-care']);
    const scores = table({
      dyad: ['a1b2c3', ''],
      therapist: ['t9', 't9'],
      site: ['berlin', 'berlin'],
      role: ['client', 'therapist'],
      session: [3, 1],
      instrument: ['alliance-client', 'therapist-wellbeing'],
      total: [48.5, null],
      'self-care': [null, 11],
      modality: ['online', null],
      interpreter: [true, null],
      week: [4, null],
    });
    const rows = await withTempFile('scores.parquet', toParquet(file, scores), readParquet);
    expect(rows).toEqual([
      {
        dyad: 'a1b2c3',
        therapist: 't9',
        site: 'berlin',
        role: 'client',
        session: 3,
        instrument: 'alliance-client',
        total: 48.5,
        'self-care': null,
        modality: 'online',
        interpreter: true,
        week: 4,
      },
      {
        dyad: null,
        therapist: 't9',
        site: 'berlin',
        role: 'therapist',
        session: 1,
        instrument: 'therapist-wellbeing',
        total: null,
        'self-care': 11,
        modality: null,
        interpreter: null,
        week: null,
      },
    ]);
  });

  it('reads back columns where every cell is missing, as nulls of the defined type', async () => {
    const file = scoresLong(['total']);
    const blank = table({
      dyad: [null, ''],
      therapist: ['t1', 't2'],
      site: ['berlin', 'berlin'],
      role: ['client', 'client'],
      session: [1, 2],
      instrument: ['alliance-client', 'alliance-client'],
      total: [Number.NaN, null],
      modality: [null, null],
      interpreter: [null, null],
      week: [null, Number.NaN],
    });
    const bytes = toParquet(file, blank);
    const rows = await withTempFile('blank.parquet', bytes, readParquet);
    expect(rows.map((row) => [row.dyad, row.total, row.modality, row.interpreter, row.week])).toEqual([
      [null, null, null, null, null],
      [null, null, null, null, null],
    ]);
    const types = await withTempFile('blank.parquet', bytes, parquetTypes);
    expect([types.dyad, types.total, types.interpreter, types.week]).toEqual([
      'VARCHAR',
      'DOUBLE',
      'BOOLEAN',
      'INTEGER',
    ]);
  });

  it('reads back a large table: many distinct strings and numbers, runs, nulls and wide integers', async () => {
    // Sizes past the writer's first buffer, dictionaries with wide indices, and columns with too
    // many distinct values for a dictionary: each takes a different path through the encodings.
    const n = 30_000;
    const columns = {
      site: Array.from({ length: n }, (_, i) =>
        i % 11 === 0 ? null : `site-${Math.floor(i / 7) % 5000}-zürich`,
      ),
      dyad: Array.from({ length: n }, (_, i) => `D${i}`),
      session: Array.from({ length: n }, (_, i) => (i < 20 ? 2 ** 40 + i : i % 9 === 0 ? null : i)),
      n_pairs: Array.from({ length: n }, (_, i) => Math.floor(i / 100)),
      r: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i / 7)),
      flag: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i % 2 === 0)),
    };
    const file = {
      name: 'large.csv',
      tier: 'open' as const,
      keyColumns: [],
      columns: [
        { name: 'site', type: 'string' as const, meaning: 'text' },
        { name: 'dyad', type: 'string' as const, meaning: 'distinct text' },
        { name: 'session', type: 'integer' as const, meaning: 'wide integer' },
        { name: 'n_pairs', type: 'integer' as const, meaning: 'runs' },
        { name: 'r', type: 'number' as const, meaning: 'distinct doubles' },
        { name: 'flag', type: 'boolean' as const, meaning: 'flag' },
      ],
    };
    const rows = await withTempFile('large.parquet', toParquet(file, table(columns)), readParquet);
    expect(rows).toHaveLength(n);
    const column = (name: keyof typeof columns) =>
      rows.map((row) => (typeof row[name] === 'bigint' ? Number(row[name]) : row[name]));
    for (const name of Object.keys(columns) as (keyof typeof columns)[]) {
      expect(column(name)).toEqual(columns[name]);
    }
  });

  it('writes an empty table as a file with the columns and no rows', async () => {
    const empty = table(Object.fromEntries(siteSessionSummary.columns.map((c) => [c.name, []])));
    const rows = await withTempFile('empty.parquet', toParquet(siteSessionSummary, empty), readParquet);
    expect(rows).toEqual([]);
  });

  it('refuses a value that does not fit the column type, naming file, column and row', () => {
    const bad = summary.derive({ n: () => 1.5 });
    expect(() => toParquet(siteSessionSummary, bad)).toThrow(
      /site_session_summary.csv: column n is integer, row 0/,
    );
  });

  it('refuses a table that lacks a defined column', () => {
    expect(() => toParquet(siteSessionSummary, summary.select('site'))).toThrow(/has no column session/);
  });
});
