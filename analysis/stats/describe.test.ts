import { expect, it, describe as suite } from 'vitest';
import { describe } from './describe.ts';
import { asArray, expectClose, readReference } from './reference.ts';

interface Case {
  values: number | (number | null)[];
  expected: { n: number; mean: number; sd: number | null; median: number; q1: number; q3: number };
}
const cases = readReference<Record<string, Case>>('describe');

suite('describe', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches R's mean, sd and quantile(type = 7) on ${name}`, () => {
      const values = asArray(c.values).filter((v): v is number => v !== null);
      const d = describe(values);
      expect(d.n).toBe(c.expected.n);
      for (const key of ['mean', 'sd', 'median', 'q1', 'q3'] as const) expectClose(d[key], c.expected[key]);
    });
  }
  it('gives nulls with a reason for no values', () => {
    expect(describe([])).toEqual({
      n: 0,
      mean: null,
      sd: null,
      median: null,
      q1: null,
      q3: null,
      reason: 'no values',
    });
  });
  it('gives no sd for one value and says why', () => {
    expect(describe([4]).reason).toMatch(/one value/);
  });
});
