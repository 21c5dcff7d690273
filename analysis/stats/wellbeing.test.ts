import { describe, expect, it } from 'vitest';
import { asArray, expectClose, readReference } from './reference.ts';
import { therapistWellbeing } from './wellbeing.ts';

type Values = number | null | (number | null)[];
interface Case {
  therapists: { exhaustion: Values; dyads: Values[] }[];
  expected: { n_therapists: number; r: number };
}
const cases = readReference<Record<string, Case>>('wellbeing');

describe('therapistWellbeing', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches R on ${name}`, () => {
      const result = therapistWellbeing(
        c.therapists.map((t) => ({ exhaustion: asArray(t.exhaustion), dyads: t.dyads.map(asArray) })),
      );
      expect(result.n_therapists).toBe(c.expected.n_therapists);
      expectClose(result.r, c.expected.r);
    });
  }
  it('leaves out therapists without exhaustion scores or without rated dyads', () => {
    const result = therapistWellbeing([
      { exhaustion: [], dyads: [[40]] },
      { exhaustion: [9], dyads: [[null]] },
    ]);
    expect(result).toEqual({ n_therapists: 0, r: null, reason: 'fewer than two pairs' });
  });
});
