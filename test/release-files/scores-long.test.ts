import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseScaleNames, scoresLong } from '../../analysis/columns.ts';
import { loadRawExport } from '../../analysis/load/raw-export.ts';
import { MODALITIES } from '../../analysis/load/study-data.ts';
import { type ScoredResponses, scoreResponses } from '../../analysis/score.ts';
import { toCsv } from '../../analysis/write/csv.ts';
import { columnsToParquet, toParquet } from '../../analysis/write/parquet.ts';
import {
  type LongRows,
  scoresLongColumns,
  scoresLongCsv,
  scoresLongRows,
} from '../../analysis/write/scores-long.ts';
import { ROLES } from '../../shared/instruments/roles.ts';
import { fixture, writeFixture } from '../release/fixture.ts';

// scores_long is written from the scored typed columns as bytes (write/scores-long.ts). The oracle
// here is the generic path: the same rows as an arquero table of plain values, written by the
// generic CSV writer (which also sorts the table if its order is not the release order) and by the
// Parquet writer from that table. Both must give the very same bytes.

let dir: string;
let scored: ScoredResponses;
let long: LongRows;
const file = (s: ScoredResponses) => scoresLong(releaseScaleNames(s.data.instruments));

/** scores_long's rows as an arquero table of plain values, row by row in the given order. */
function plainTable(rows: LongRows) {
  const { data } = rows.scored;
  const r = data.responses;
  const columns: Record<string, unknown[]> = Object.fromEntries(
    file(rows.scored).columns.map((c) => [c.name, []]),
  );
  for (const i of rows.order) {
    const d = r.dyad[i]!;
    columns.dyad!.push(d < 0 ? null : rows.dyadName[d]);
    columns.therapist!.push(rows.therapistName[r.therapist[i]!]);
    columns.site!.push(data.sites[r.site[i]!]!.siteId);
    columns.role!.push(ROLES[r.role[i]!]);
    columns.session!.push(r.session[i]);
    columns.instrument!.push(data.instruments[r.instrument[i]!]!.id);
    rows.scored.scaleNames.forEach((name, s) => {
      const value = rows.scored.scales[s]![i]!;
      columns[name]!.push(Number.isNaN(value) ? null : value);
    });
    columns.modality!.push(d < 0 ? null : MODALITIES[data.dyads.modality[d]!]);
    columns.interpreter!.push(d < 0 ? null : data.dyads.interpreter[d] === 1);
    columns.week!.push(d < 0 ? null : rows.scored.week[i]);
  }
  return table(columns);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-scores-long-'));
  await writeFixture(dir, fixture());
  scored = scoreResponses(await loadRawExport(dir, { threads: 1 }));
  long = scoresLongRows(scored, '2027-03-01', 'scores-long-test');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('scoresLongCsv', () => {
  it('gives the bytes the generic CSV writer gives for the same rows', () => {
    const expected = Buffer.from(toCsv(file(scored), plainTable(long))).toString('utf8');
    const actual = Buffer.from(scoresLongCsv(file(scored), long)).toString('utf8');
    expect(actual.split('\n').length).toBeGreaterThan(100);
    expect(actual).toBe(expected);
  });

  it('lists the rows in release order (site, therapist, dyad, role, session, instrument)', () => {
    const reversed: LongRows = { ...long, order: long.order.slice().reverse() };
    // The generic writer sorts a table that is out of order; the byte writer takes the order given.
    const sorted = Buffer.from(toCsv(file(scored), plainTable(reversed))).toString('utf8');
    expect(Buffer.from(scoresLongCsv(file(scored), long)).toString('utf8')).toBe(sorted);
  });

  it('refuses a file definition whose columns are not scores_long', () => {
    const other = { ...file(scored), columns: file(scored).columns.slice(1) };
    expect(() => scoresLongCsv(other, long)).toThrow(/are not scores_long's/);
  });
});

describe('scoresLongColumns', () => {
  it('gives the Parquet bytes of the same rows as a table', () => {
    const expected = Buffer.from(toParquet(file(scored), plainTable(long)));
    expect(
      Buffer.from(columnsToParquet(file(scored), scoresLongColumns(file(scored), long))).equals(expected),
    ).toBe(true);
  });
});
