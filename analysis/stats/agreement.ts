import { pearson } from './correlation.ts';
import { mean, variance } from './describe.ts';

/** Client–therapist agreement on matched (dyad, session) alliance totals. */
export interface Agreement {
  n_pairs: number;
  r: number | null;
  /** Mean of client − therapist. */
  mean_diff: number | null;
  /** SD (n − 1) of client − therapist. */
  sd_diff: number | null;
  reason: string | null;
}

/** Pearson r and the mean and SD of the differences client − therapist over matched pairs. */
export function agreement(client: ArrayLike<number>, therapist: ArrayLike<number>): Agreement {
  const n = client.length;
  const correlation = pearson(client, therapist);
  if (n === 0) return { n_pairs: 0, r: null, mean_diff: null, sd_diff: null, reason: 'no matched pairs' };
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = client[i]! - therapist[i]!;
  const m = mean(diff);
  return {
    n_pairs: n,
    r: correlation.r,
    mean_diff: m,
    sd_diff: n > 1 ? Math.sqrt(Math.max(0, variance(diff, m))) : null,
    reason: correlation.reason,
  };
}
