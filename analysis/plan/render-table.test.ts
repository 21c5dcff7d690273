import { describe, expect, it } from 'vitest';
import { NULLS, ONE_SITE, TEN_SITES } from '../../test/fixtures/plan.ts';
import { PLAN_COLUMNS } from './columns.ts';
import { planTable, progressBar } from './render-table.ts';

describe('planTable', () => {
  it('prints one aligned row per design in order of dyads, under a header and a rule', () => {
    const lines = planTable({ ...TEN_SITES, points: [...TEN_SITES.points].reverse() }).split('\n');
    expect(lines).toHaveLength(2 + TEN_SITES.points.length);
    expect(lines[0]).toBe(
      'dyads  power ± MCSE  FE power  CI width  PI width  < 2 sites  n analysed  ICC SD  power g  suppressed',
    );
    expect(lines[1]).toMatch(/^(-+ {2})+-+$/);
    expect(lines[2]).toBe(
      '   20   66.4% ± 2.1     70.4%     0.134     0.581       0.0%        15.6   0.089    44.0%        0.4%',
    );
    expect(lines.slice(2).map((line) => Number(line.trim().split(/\s+/)[0]))).toEqual([20, 25, 30, 35, 40]);
    // Every line as wide as the header, every column's right edge in the same place.
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines.join('')).not.toContain('\u001b');
  });

  it('shows a dash for a figure no simulated study could give', () => {
    const row = planTable(NULLS)
      .split('\n')[2]!
      .trim()
      .split(/\s{2,}/);
    expect(row).toEqual(['4', '0.0% ± 0.0', '0.0%', '–', '–', '100.0%', '3.1', '–', '–', '100.0%']);
  });

  it('shows no "fewer than 2 sites" share for a one-site study, which never pools', () => {
    const row = planTable(ONE_SITE)
      .split('\n')[2]!
      .trim()
      .split(/\s{2,}/);
    expect(row.slice(0, 6)).toEqual(['80', '74.2% ± 2.0', '74.2%', '0.067', '–', '–']);
  });

  it('has a column for every figure of a plan point but the number of simulations', () => {
    expect(PLAN_COLUMNS.map((c) => c.key).sort()).toEqual(
      Object.keys(TEN_SITES.points[0]!)
        .filter((key) => key !== 'sims' && key !== 'mcse')
        .sort(),
    );
  });
});

describe('progressBar', () => {
  it('fills in proportion to the work done, with the percentage and the count', () => {
    expect(progressBar(450, 1000, 20)).toBe('[#########...........]  45%  450/1000');
    expect(progressBar(0, 500, 10)).toBe('[..........]   0%  0/500');
    expect(progressBar(500, 500, 10)).toBe('[##########] 100%  500/500');
  });

  it('never overflows: done is clamped to the total, a total of 0 is finished, the width is at least 1', () => {
    expect(progressBar(7, 3, 10)).toBe('[##########] 100%  3/3');
    expect(progressBar(-2, 3, 10)).toBe('[..........]   0%  0/3');
    expect(progressBar(0, 0, 4)).toBe('[####] 100%  0/0');
    expect(progressBar(1, 2, 0)).toBe('[.]  50%  1/2');
    expect(progressBar(1, 3)).toMatch(/^\[#{10}\.{20}\] {2}33% {2}1\/3$/);
  });
});
