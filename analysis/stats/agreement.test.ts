import { describe, expect, it } from 'vitest';
import { agreement } from './agreement.ts';
import { pearson } from './correlation.ts';
import { asArray, expectClose, readReference } from './reference.ts';

interface Case {
  client: (number | null)[];
  therapist: (number | null)[];
  expected: { n_pairs: number; r: number; mean_diff: number; sd_diff: number };
}
const cases = readReference<Record<string, Case>>('agreement');

function matched(c: Case): [number[], number[]] {
  const client: number[] = [];
  const therapist: number[] = [];
  asArray(c.client).forEach((value, i) => {
    const other = asArray(c.therapist)[i];
    if (value !== null && other !== null && other !== undefined) {
      client.push(value);
      therapist.push(other);
    }
  });
  return [client, therapist];
}

describe('agreement', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches R's cor, mean and sd of the differences on ${name}`, () => {
      const result = agreement(...matched(c));
      expect(result.n_pairs).toBe(c.expected.n_pairs);
      expectClose(result.r, c.expected.r);
      expectClose(result.mean_diff, c.expected.mean_diff);
      expectClose(result.sd_diff, c.expected.sd_diff);
    });
  }
  it('gives the difference but no r or sd for a site with one dyad', () => {
    expect(agreement([44], [40])).toEqual({
      n_pairs: 1,
      r: null,
      mean_diff: 4,
      sd_diff: null,
      reason: 'fewer than two pairs',
    });
  });
  it('returns an empty result with a reason when no pairs match', () => {
    expect(agreement([], [])).toMatchObject({ n_pairs: 0, r: null, reason: 'no matched pairs' });
  });
});

describe('pearson', () => {
  it('returns null with a reason when one side does not vary', () => {
    expect(pearson([1, 2, 3], [4, 4, 4])).toEqual({ n: 3, r: null, reason: 'zero variance' });
  });
  it('stays within [−1, 1] for perfectly related values', () => {
    expect(pearson([0.1, 0.2, 0.3], [0.3, 0.6, 0.9]).r).toBeLessThanOrEqual(1);
  });
});
