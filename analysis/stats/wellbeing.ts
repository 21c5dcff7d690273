import { pearson } from './correlation.ts';
import { mean } from './describe.ts';

/** One therapist's exhaustion scores and, per dyad, that dyad's client alliance totals (nulls skipped). */
export interface TherapistScores {
  exhaustion: ArrayLike<number | null>;
  dyads: ReadonlyArray<ArrayLike<number | null>>;
}

/** Therapist wellbeing vs alliance (therapist_wellbeing.csv without suppression). */
export interface TherapistWellbeing {
  n_therapists: number;
  r: number | null;
  reason: string | null;
}

function meanOfPresent(values: ArrayLike<number | null>): number | null {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) present.push(v);
  }
  return present.length > 0 ? mean(present) : null;
}

/** Pearson r over therapists with both: mean exhaustion vs the mean of their dyads' mean client alliance. */
export function therapistWellbeing(therapists: Iterable<TherapistScores>): TherapistWellbeing {
  const exhaustion: number[] = [];
  const alliance: number[] = [];
  for (const therapist of therapists) {
    const e = meanOfPresent(therapist.exhaustion);
    const dyadMeans = therapist.dyads.map(meanOfPresent).filter((m): m is number => m !== null);
    if (e === null || dyadMeans.length === 0) continue;
    exhaustion.push(e);
    alliance.push(mean(dyadMeans));
  }
  const { n, r, reason } = pearson(exhaustion, alliance);
  return { n_therapists: n, r, reason };
}
