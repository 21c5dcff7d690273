import { describe, expect, it } from 'vitest';
import { asArray, expectClose, readReference } from './reference.ts';
import { type Ruptures, ruptures } from './ruptures.ts';

type Expected = Omit<Ruptures, 'threshold' | 'reason'>;
interface Case {
  dyads: (number | null | (number | null)[])[];
  expected: { '1sd': Expected; '2sd': Expected };
}
const cases = readReference<Record<string, Case>>('ruptures');

describe('ruptures', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const threshold of ['1sd', '2sd'] as const) {
      it(`matches the R transcription of the definition at ${threshold} on ${name}`, () => {
        const result = ruptures(c.dyads.map(asArray), threshold);
        const expected = c.expected[threshold];
        for (const key of ['n_dyads', 'n_dyads_rupture', 'n_ruptures', 'n_repaired'] as const) {
          expect(result[key]).toBe(expected[key]);
        }
        expectClose(result.rupture_rate, expected.rupture_rate);
        expectClose(result.repair_rate, expected.repair_rate);
      });
    }
  }
  it('never finds a rupture in a dyad whose totals do not vary, but counts it as eligible', () => {
    expect(ruptures([[40, 40, 40, 40]], '1sd')).toMatchObject({ n_dyads: 1, n_ruptures: 0, rupture_rate: 0 });
  });
  it('returns null rates with a reason when no dyad is eligible', () => {
    expect(ruptures([[40, null, 30, 31]], '2sd')).toMatchObject({
      n_dyads: 0,
      rupture_rate: null,
      reason: 'no dyad with four totals',
    });
  });
});
