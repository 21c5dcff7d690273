import { describe, expect, it } from 'vitest';
import { type IccRow, iccSiteTherapist, iccTherapist } from './icc.ts';
import { readReference } from './reference.ts';

interface Case {
  site: string[];
  therapist: string[];
  y: number[];
  expected: {
    therapist: { therapist: number; residual: number; n_therapists: number };
    site_therapist?: { site: number; therapist: number; residual: number; n_therapists: number };
  };
}
const cases = readReference<Record<string, Case>>('icc');

// DESIGN §9: icc to 1e-4 absolute, variances to 1e-3 relative (absolute near the boundary 0).
function expectVariance(actual: number | null, expected: number, total: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.max(1e-3 * expected, 1e-6 * total));
}
function row(rows: IccRow[], level: IccRow['level']): IccRow {
  const found = rows.find((candidate) => candidate.level === level);
  if (!found) throw new Error(`no ${level} row`);
  return found;
}

describe('iccTherapist', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches lme4 on the ${name} data set`, () => {
      const rows = iccTherapist(c.y, c.therapist);
      const e = c.expected.therapist;
      const total = e.therapist + e.residual;
      expectVariance(row(rows, 'therapist').variance, e.therapist, total);
      expectVariance(row(rows, 'residual').variance, e.residual, total);
      expect(Math.abs(row(rows, 'therapist').icc! - e.therapist / total)).toBeLessThanOrEqual(1e-4);
      expect(row(rows, 'therapist').n_groups).toBe(e.n_therapists);
      expect(row(rows, 'residual').n_groups).toBe(c.y.length);
    });
  }
  it('returns nulls with a reason when every therapist has a single dyad', () => {
    const rows = iccTherapist([1, 2, 3], ['a', 'b', 'c']);
    expect(rows.map((r) => r.variance)).toEqual([null, null]);
    expect(rows[0]?.reason).toMatch(/as many therapist groups as dyads/);
  });
  it('returns nulls with a reason when the scores do not vary', () => {
    const rows = iccTherapist([3, 3, 3, 3], ['a', 'a', 'b', 'b']);
    expect(rows[0]?.icc).toBeNull();
    expect(rows[0]?.reason).toBe('zero variance');
  });
});

describe('iccSiteTherapist', () => {
  for (const [name, c] of Object.entries(cases)) {
    const e = c.expected.site_therapist;
    if (!e) continue;
    it(`matches lme4 on the ${name} data set`, () => {
      const rows = iccSiteTherapist(c.y, c.site, c.therapist);
      const total = e.site + e.therapist + e.residual;
      expectVariance(row(rows, 'site').variance, e.site, total);
      expectVariance(row(rows, 'therapist').variance, e.therapist, total);
      expectVariance(row(rows, 'residual').variance, e.residual, total);
      for (const level of ['site', 'therapist', 'residual'] as const) {
        expect(Math.abs(row(rows, level).icc! - e[level] / total)).toBeLessThanOrEqual(1e-4);
      }
      expect(row(rows, 'therapist').n_groups).toBe(e.n_therapists);
    });
  }
  it('does not fit the nested model for a single site', () => {
    const c = cases.one_site!;
    const rows = iccSiteTherapist(c.y, c.site, c.therapist);
    expect(rows.every((r) => r.variance === null && r.reason === 'fewer than two site groups')).toBe(true);
  });
});
