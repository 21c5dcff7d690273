import { describe, expect, it } from 'vitest';
import {
  allianceClient,
  allianceInterpreter,
  allianceTherapist,
  BUILTIN_INSTRUMENTS,
  gad7,
  phq9,
  sessionRating,
  therapistWellbeing,
} from './builtins.ts';
import { InstrumentDefinition } from './schema.ts';
import { keyedAnswer, scaleNames, scoreInstrument, scoreScale } from './score.ts';

/** Answers i1…iN all set to `value`. */
function all(n: number, value: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, index) => [`i${index + 1}`, value]));
}

describe('built-in instruments', () => {
  it('are valid instrument definitions with demo wording', () => {
    for (const def of BUILTIN_INSTRUMENTS.values()) {
      expect(InstrumentDefinition.safeParse(def).success, def.id).toBe(true);
      expect(def.wording).toBe('demo');
    }
  });

  it('are the seven of DESIGN §4 with their item counts and roles', () => {
    const shape = [...BUILTIN_INSTRUMENTS.values()].map((def) => [
      def.id,
      def.items.length,
      def.roles.join(),
    ]);
    expect(shape).toEqual([
      ['alliance-client', 12, 'client'],
      ['alliance-therapist', 12, 'therapist'],
      ['alliance-interpreter', 12, 'interpreter'],
      ['session-rating', 4, 'client'],
      ['phq9', 9, 'client'],
      ['gad7', 7, 'client'],
      ['therapist-wellbeing', 6, 'therapist'],
    ]);
  });

  it('have English, German and Arabic for every title, item and label', () => {
    for (const def of BUILTIN_INSTRUMENTS.values()) {
      const texts = [
        def.title,
        ...def.items.map((item) => item.text),
        ...(def.bands ?? []).map((b) => b.label),
      ];
      texts.push(...(def.flags ?? []).map((flag) => flag.label));
      for (const text of texts) expect(Object.keys(text).sort(), def.id).toEqual(['ar', 'de', 'en']);
      const labels = def.scale.labels ?? {};
      expect(Object.keys(labels).sort(), def.id).toEqual(['ar', 'de', 'en']);
      const counts = new Set(Object.values(labels).map((list) => list.length));
      expect(counts.size, `${def.id} label counts`).toBe(1);
    }
  });

  it('number items i1…iN in order', () => {
    for (const def of BUILTIN_INSTRUMENTS.values())
      expect(def.items.map((item) => item.id)).toEqual(def.items.map((_, index) => `i${index + 1}`));
  });
});

describe('scoreInstrument: alliance (WAI-SR structure)', () => {
  for (const def of [allianceClient, allianceTherapist, allianceInterpreter]) {
    it(`${def.id} scores task, bond, goal and total from their items`, () => {
      // Each item answered with its own index mod 5 + 1, so every subscale gets a distinct sum.
      const answers = Object.fromEntries(def.items.map((item, index) => [item.id, (index % 5) + 1]));
      const score = scoreInstrument(def, answers);
      // task 1,2,10,12 → 1+2+5+2; bond 3,5,7,9 → 3+5+2+4; goal 4,6,8,11 → 4+1+3+1
      expect(score.scales).toEqual({ task: 10, bond: 14, goal: 9, total: 33 });
      expect(scaleNames(def)).toEqual(['task', 'bond', 'goal', 'total']);
    });
  }

  it('ranges from 4 to 20 per subscale and 12 to 60 in total', () => {
    expect(scoreInstrument(allianceClient, all(12, 1)).scales).toEqual({
      task: 4,
      bond: 4,
      goal: 4,
      total: 12,
    });
    expect(scoreInstrument(allianceClient, all(12, 5)).scales).toEqual({
      task: 20,
      bond: 20,
      goal: 20,
      total: 60,
    });
  });

  it('prorates a subscale with exactly 75% of its items answered', () => {
    const answers = { ...all(12, 4), i12: null };
    const score = scoreInstrument(allianceClient, answers);
    expect(score.scales.task).toBe(16); // mean 4 of 3 answered × 4 items
    expect(score.scales.total).toBe(48); // 11 of 12 answered
  });

  it('prorates with the mean of the answered items, unrounded', () => {
    const answers = { ...all(12, 3), i1: 4, i2: 5, i10: null };
    expect(scoreInstrument(allianceClient, answers).scales.task).toBeCloseTo((12 / 3) * 4, 12);
    const uneven = { ...all(12, 3), i1: 4, i2: 4, i10: null };
    expect(scoreInstrument(allianceClient, uneven).scales.task).toBeCloseTo((11 / 3) * 4, 12);
  });

  it('leaves a subscale missing below 75% answered', () => {
    const answers: Record<string, number | null> = { ...all(12, 4), i1: null, i2: null };
    const score = scoreInstrument(allianceClient, answers);
    expect(score.scales.task).toBeNull();
    expect(score.scales.bond).toBe(16);
    expect(score.scales.total).toBeCloseTo(48, 12); // 10 of 12 ≥ 75%
  });

  it('leaves the total missing with exactly 9 of 12 answered prorated, and 8 of 12 missing', () => {
    const nine = { ...all(12, 2), i1: null, i3: null, i4: null };
    expect(scoreInstrument(allianceClient, nine).scales.total).toBe(24);
    const eight = { ...nine, i5: null };
    expect(scoreInstrument(allianceClient, eight).scales.total).toBeNull();
  });
});

describe('scoreInstrument: session-rating', () => {
  it('has a total from 0 to 40 and no subscales', () => {
    expect(scoreInstrument(sessionRating, all(4, 0)).scales).toEqual({ total: 0 });
    expect(scoreInstrument(sessionRating, all(4, 10)).scales).toEqual({ total: 40 });
  });

  it('flags a total below 36 and not at 36', () => {
    const at36 = scoreInstrument(sessionRating, all(4, 9));
    expect(at36.scales.total).toBe(36);
    expect(at36.flags.map((flag) => flag.fired)).toEqual([false]);
    const at35 = scoreInstrument(sessionRating, { ...all(4, 9), i4: 8 });
    expect(at35.flags.map((flag) => flag.fired)).toEqual([true]);
  });

  it('flags on a prorated total, and leaves the flag empty when the total is missing', () => {
    const prorated = scoreInstrument(sessionRating, { i1: 9, i2: 9, i3: 8, i4: null });
    expect(prorated.scales.total).toBeCloseTo((26 / 3) * 4, 12);
    expect(prorated.flags[0]?.fired).toBe(true);
    const missing = scoreInstrument(sessionRating, { i1: 9, i2: 9, i3: null, i4: null });
    expect(missing.scales.total).toBeNull();
    expect(missing.flags[0]?.fired).toBeNull();
  });
});

describe('scoreInstrument: phq9', () => {
  const band = (total: number) => {
    // Build answers summing to `total` over 9 items of 0–3, leaving item 9 at 0.
    const answers: Record<string, number> = all(9, 0);
    let rest = total;
    for (let index = 1; index <= 8 && rest > 0; index++) {
      const value = Math.min(3, rest);
      answers[`i${index}`] = value;
      rest -= value;
    }
    const score = scoreInstrument(phq9, answers);
    expect(score.scales.total).toBe(total);
    return score.band?.en;
  };

  it('puts a total in the last band whose lower edge it reaches', () => {
    expect([0, 4, 5, 9, 10, 14, 15, 19, 20, 24].map(band)).toEqual([
      'minimal',
      'minimal',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'moderately severe',
      'moderately severe',
      'severe',
      'severe',
    ]);
  });

  it('gives a prorated total a band even between whole numbers', () => {
    // 7 of 9 answered, sum 4 → 4/7·9 ≈ 5.14: mild.
    const answers = { ...all(9, 0), i1: 3, i2: 1, i8: null, i9: null };
    const score = scoreInstrument(phq9, answers);
    expect(score.scales.total).toBeCloseTo((4 / 7) * 9, 12);
    expect(score.band?.en).toBe('mild');
  });

  it('leaves the total and band missing with 6 of 9 answered', () => {
    const score = scoreInstrument(phq9, { ...all(9, 1), i1: null, i2: null, i3: null });
    expect(score.scales.total).toBeNull();
    expect(score.band).toBeNull();
  });

  it('fires the safety flag at item 9 ≥ 1, not at 0, and leaves it empty when item 9 is skipped', () => {
    const fired = (i9: number | null) => scoreInstrument(phq9, { ...all(9, 0), i9 }).flags;
    expect(fired(0)).toEqual([expect.objectContaining({ safety: true, fired: false })]);
    expect(fired(1)).toEqual([expect.objectContaining({ safety: true, fired: true })]);
    expect(fired(3)[0]?.fired).toBe(true);
    expect(fired(null)[0]?.fired).toBeNull();
  });

  it('reaches 27 at most', () => {
    expect(scoreInstrument(phq9, all(9, 3)).scales.total).toBe(27);
  });
});

describe('scoreInstrument: gad7', () => {
  it('bands totals at 0, 5, 10 and 15', () => {
    const bandOf = (answers: Record<string, number>) => scoreInstrument(gad7, answers).band?.en;
    expect(bandOf({ ...all(7, 0), i1: 3, i2: 1 })).toBe('minimal');
    expect(bandOf({ ...all(7, 0), i1: 3, i2: 2 })).toBe('mild');
    expect(bandOf({ ...all(7, 0), i1: 3, i2: 3, i3: 3 })).toBe('mild');
    expect(bandOf({ ...all(7, 0), i1: 3, i2: 3, i3: 3, i4: 1 })).toBe('moderate');
    expect(bandOf({ ...all(7, 2), i1: 0, i2: 1 })).toBe('moderate');
    expect(bandOf({ ...all(7, 2), i1: 3 })).toBe('severe');
    expect(bandOf(all(7, 3))).toBe('severe');
    expect(scoreInstrument(gad7, all(7, 3)).scales.total).toBe(21);
  });

  it('prorates with 6 of 7 answered and not with 5', () => {
    expect(scoreInstrument(gad7, { ...all(7, 2), i7: null }).scales.total).toBe(14);
    expect(scoreInstrument(gad7, { ...all(7, 2), i6: null, i7: null }).scales.total).toBeNull();
  });
});

describe('scoreInstrument: therapist-wellbeing', () => {
  it('has exhaustion and self-care and no total', () => {
    const score = scoreInstrument(therapistWellbeing, all(6, 3));
    expect(Object.keys(score.scales)).toEqual(['exhaustion', 'self-care']);
    expect(score.band).toBeNull();
  });

  it('reverse-scores items 5 and 6 only', () => {
    const score = scoreInstrument(therapistWellbeing, { i1: 1, i2: 2, i3: 3, i4: 5, i5: 1, i6: 2 });
    expect(score.scales.exhaustion).toBe(6);
    expect(score.scales['self-care']).toBe(5 + 5 + 4);
    expect(keyedAnswer(therapistWellbeing, 'i4', 5)).toBe(5);
    expect(keyedAnswer(therapistWellbeing, 'i5', 5)).toBe(1);
    expect(keyedAnswer(therapistWellbeing, 'i6', 3)).toBe(3);
  });

  it('needs all three items of a three-item subscale (2 of 3 is below 75%)', () => {
    const score = scoreInstrument(therapistWellbeing, { i1: 4, i2: 4, i3: null, i4: 2, i5: 2, i6: 2 });
    expect(score.scales.exhaustion).toBeNull();
    expect(score.scales['self-care']).toBe(2 + 4 + 4);
  });
});

describe('scoreScale', () => {
  it('is missing when nothing is answered', () => {
    expect(scoreScale(allianceClient, ['i1', 'i2'], {})).toBeNull();
  });

  it('prorates reverse-keyed answers after reversing them', () => {
    // self-care: i4 = 5, i5 = 5 (→ 1), i6 skipped: 2 of 3 is below 75% → missing.
    expect(scoreScale(therapistWellbeing, ['i4', 'i5', 'i6'], { i4: 5, i5: 5 })).toBeNull();
    // Four-item scale made of reverse items: 3 of 4 answered.
    const def = {
      ...therapistWellbeing,
      items: therapistWellbeing.items.map((item) => ({ ...item, reverse: true })),
    };
    expect(scoreScale(def, ['i1', 'i2', 'i3', 'i4'], { i1: 1, i2: 1, i3: 2 })).toBeCloseTo((14 / 3) * 4, 12);
  });
});
