import { describe, expect, it } from 'vitest';
import { asArray, expectClose, readReference } from './reference.ts';
import { trajectories } from './trajectories.ts';

interface Case {
  dyads: { sessions: number | number[]; totals: number | null | (number | null)[] }[];
  expected: { n_dyads: number; mean_slope: number; sd_slope: number | null };
}
const cases = readReference<Record<string, Case>>('trajectories');

describe('trajectories', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches R's lm slopes over sessions 1–5 on ${name}`, () => {
      const result = trajectories(
        c.dyads.map((d) => ({ sessions: asArray(d.sessions), totals: asArray(d.totals) })),
      );
      expect(result.n_dyads).toBe(c.expected.n_dyads);
      expectClose(result.mean_slope, c.expected.mean_slope);
      expectClose(result.sd_slope, c.expected.sd_slope);
    });
  }
  it('returns nulls with a reason when no dyad has three early totals', () => {
    const result = trajectories([{ sessions: [1, 2, 6], totals: [40, 41, 42] }]);
    expect(result).toEqual({
      n_dyads: 0,
      mean_slope: null,
      sd_slope: null,
      reason: 'no dyad with three totals in sessions 1–5',
    });
  });
});
