import { table } from 'arquero';
import { describe, expect, it } from 'vitest';
import { agreement, type FileDef, icc } from '../columns.ts';
import { toCsv } from './csv.ts';
import { csvCell } from './csv-bytes.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('csvCell', () => {
  it('writes numbers in their shortest round-trip form', () => {
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-1.5e-7)).toBe('-1.5e-7');
    expect(Number(csvCell(Math.PI))).toBe(Math.PI);
  });

  it('leaves missing values empty, including NaN and infinities', () => {
    expect([
      csvCell(null),
      csvCell(undefined),
      csvCell(Number.NaN),
      csvCell(Number.POSITIVE_INFINITY),
    ]).toEqual(['', '', '', '']);
  });

  it('writes flags as true and false and quotes text that needs it', () => {
    expect([csvCell(true), csvCell(false)]).toEqual(['true', 'false']);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('toCsv', () => {
  it('writes a header, LF line ends and rows sorted by key columns with ALL after the sites', () => {
    const rows = table({
      site: ['ALL', 'zurich', 'berlin'],
      n_pairs: [12, 6, 6],
      r: [0.25, null, 0.5],
      mean_diff: [1, 2, 3],
      sd_diff: [0.5, null, 1],
      suppressed: [false, true, false],
    });
    expect(text(toCsv(agreement, rows))).toBe(
      'site,n_pairs,r,mean_diff,sd_diff,suppressed\nberlin,6,0.5,3,1,false\nzurich,6,,2,,true\nALL,12,0.25,1,0.5,false\n',
    );
  });

  it('orders enumerated key columns by their levels, not alphabetically', () => {
    const rows = table({
      model: ['site/therapist', 'therapist', 'site/therapist', 'therapist', 'site/therapist'],
      level: ['residual', 'residual', 'site', 'therapist', 'therapist'],
      variance: [1, 2, 3, 4, 5],
      icc: [0.1, 0.2, 0.3, 0.4, 0.5],
      n_groups: [1, 2, 3, 4, 5],
      n_obs: [9, 9, 9, 9, 9],
    });
    const lines = text(toCsv(icc, rows)).trimEnd().split('\n').slice(1);
    expect(lines.map((line) => line.split(',').slice(0, 2).join('/'))).toEqual([
      'therapist/therapist',
      'therapist/residual',
      'site/therapist/site',
      'site/therapist/therapist',
      'site/therapist/residual',
    ]);
  });

  it('refuses a column that has no definition (and so no codebook entry)', () => {
    const file: FileDef = {
      name: 'x.csv',
      tier: 'open',
      keyColumns: [],
      columns: [{ name: 'a', type: 'integer', meaning: 'a' }],
    };
    expect(() => toCsv(file, table({ a: [1], secret: ['x'] }))).toThrow(/secret has no definition/);
  });
});
