import { variance } from './describe.ts';

export type RuptureThreshold = '1sd' | '2sd';

/** Ruptures and repairs at one threshold (a row of ruptures.csv without site and suppression). */
export interface Ruptures {
  threshold: RuptureThreshold;
  n_dyads: number;
  n_dyads_rupture: number;
  rupture_rate: number | null;
  n_ruptures: number;
  n_repaired: number;
  /** Repaired / ruptures followed by at least one total. */
  repair_rate: number | null;
  reason: string | null;
}

/** One dyad's count of ruptures, of those followed by a later total, and of those repaired. */
export interface DyadRuptures {
  ruptures: number;
  followed: number;
  repaired: number;
}

const FACTOR: Record<RuptureThreshold, number> = { '1sd': 1, '2sd': 2 };

/**
 * Ruptures in one dyad's observed totals (in session order): a drop by at least c·SD from the
 * previous total; repaired when one of the next two totals is back at the previous level.
 * Null for fewer than four totals (not eligible).
 */
export function dyadRuptures(totals: ArrayLike<number>, threshold: RuptureThreshold): DyadRuptures | null {
  const n = totals.length;
  if (n < 4) return null;
  const s = Math.sqrt(Math.max(0, variance(totals)));
  const result = { ruptures: 0, followed: 0, repaired: 0 };
  if (s === 0) return result;
  const drop = FACTOR[threshold] * s;
  for (let t = 1; t < n; t++) {
    const before = totals[t - 1]!;
    if (!(totals[t]! <= before - drop + 1e-9)) continue;
    result.ruptures++;
    if (t + 1 < n) result.followed++;
    if ((t + 1 < n && totals[t + 1]! >= before) || (t + 2 < n && totals[t + 2]! >= before)) result.repaired++;
  }
  return result;
}

/** Rupture and repair rates over dyads' client alliance totals in session order (nulls are skipped). */
export function ruptures(dyads: Iterable<ArrayLike<number | null>>, threshold: RuptureThreshold): Ruptures {
  let eligible = 0;
  let withRupture = 0;
  let count = 0;
  let followed = 0;
  let repaired = 0;
  for (const series of dyads) {
    const observed: number[] = [];
    for (let i = 0; i < series.length; i++) {
      const total = series[i];
      if (total !== null && total !== undefined) observed.push(total);
    }
    const dyad = dyadRuptures(observed, threshold);
    if (dyad === null) continue;
    eligible++;
    if (dyad.ruptures > 0) withRupture++;
    count += dyad.ruptures;
    followed += dyad.followed;
    repaired += dyad.repaired;
  }
  return {
    threshold,
    n_dyads: eligible,
    n_dyads_rupture: withRupture,
    rupture_rate: eligible > 0 ? withRupture / eligible : null,
    n_ruptures: count,
    n_repaired: repaired,
    repair_rate: followed > 0 ? repaired / followed : null,
    reason:
      eligible === 0 ? 'no dyad with four totals' : followed === 0 ? 'no rupture followed by a total' : null,
  };
}
