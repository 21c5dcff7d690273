import { expect, it, describe as suite } from 'vitest';
import { describe, sortedCopy } from './describe.ts';
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
  it('orders every kind of input exactly as a sort does, counted or sorted', () => {
    // A small deterministic generator, so that a failure can be replayed.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const kinds: Array<() => number[]> = [
      () => [],
      () => [3],
      () => Array.from({ length: 500 }, () => Math.floor(random() * 49)),
      () => Array.from({ length: 500 }, () => Math.floor(random() * 20) - 10),
      () => Array.from({ length: 300 }, () => Math.floor(random() * 60) + 0.5 * Math.floor(random() * 2)),
      () => [0, -0, 2, -0, 1, 0],
      () => [3, Number.NaN, 1, 2.5, 1, Number.NEGATIVE_INFINITY, 3, Number.POSITIVE_INFINITY, 2],
      () => Array.from({ length: 50 }, () => Math.floor(random() * 1e9)),
      () => [2 ** 40, 2 ** 40 + 1, 2 ** 40],
    ];
    for (const kind of kinds) {
      const values = kind();
      const expected = new Float64Array(values).sort();
      const sorted = sortedCopy(values);
      expect(sorted).toHaveLength(expected.length);
      // Object.is tells −0 from 0, as the sort does.
      expect(
        [...sorted].every((value, i) => Object.is(value, expected[i])),
        `${values.slice(0, 8)}…`,
      ).toBe(true);
    }
  });
});
