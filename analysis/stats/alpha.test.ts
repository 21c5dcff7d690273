import { describe, expect, it } from 'vitest';
import { cronbachAlpha } from './alpha.ts';
import { expectClose, readReference } from './reference.ts';

interface Case {
  rows: (number | null)[][];
  expected: { n: number; items: number; alpha: number; alpha_lo: number; alpha_hi: number };
}
const cases = readReference<Record<string, Case>>('alpha');

describe('cronbachAlpha', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches psych::alpha and alpha.ci on ${name}`, () => {
      const complete = c.rows.filter((row): row is number[] => row.every((v) => v !== null));
      const result = cronbachAlpha(complete);
      expect(result.n).toBe(c.expected.n);
      expect(result.items).toBe(c.expected.items);
      expectClose(result.alpha, c.expected.alpha);
      expectClose(result.alpha_lo, c.expected.alpha_lo);
      expectClose(result.alpha_hi, c.expected.alpha_hi);
    });
  }
  it('returns null with a reason for a single administration', () => {
    const result = cronbachAlpha([[1, 2, 3]]);
    expect(result.alpha).toBeNull();
    expect(result.reason).toMatch(/fewer than two/);
  });
  it('returns null with a reason when the total does not vary', () => {
    const result = cronbachAlpha([
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(result.alpha).toBeNull();
    expect(result.reason).toBe('zero variance of the total');
  });
});
