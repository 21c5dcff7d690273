import { describe, expect, it } from 'vitest';
import { hedgesCorrection, hedgesG } from './moderators.ts';
import { expectClose, readReference } from './reference.ts';

interface Case {
  level: number[];
  reference: number[];
  expected: { hedges_g: number; g_vi: number; g_lo: number; g_hi: number };
}
const cases = readReference<Record<string, Case>>('moderators');

describe('hedgesG', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches metafor::escalc("SMD") on ${name}`, () => {
      const g = hedgesG(c.level, c.reference);
      for (const key of ['hedges_g', 'g_vi', 'g_lo', 'g_hi'] as const) expectClose(g[key], c.expected[key]);
    });
  }
  it('returns null with a reason for a level of one dyad', () => {
    expect(hedgesG([40], [41, 45, 39])).toMatchObject({
      hedges_g: null,
      reason: 'fewer than two dyads in a group',
    });
  });
  it('returns null with a reason when neither group varies', () => {
    expect(hedgesG([40, 40], [41, 41])).toMatchObject({ hedges_g: null, reason: 'zero variance' });
  });
  it('uses the exact correction, close to 1 − 3/(4m − 1) for large m', () => {
    expect(Math.abs(hedgesCorrection(200) - (1 - 3 / 799))).toBeLessThan(1e-6);
  });
});
