import { mean, variance } from './describe.ts';

/** A dyad's client alliance totals by session number (null: that administration is missing or unscored). */
export interface DyadSeries {
  sessions: ArrayLike<number>;
  totals: ArrayLike<number | null>;
}

/** Early alliance growth: slopes of dyads with ≥ 3 totals in sessions 1–5. */
export interface Trajectories {
  n_dyads: number;
  mean_slope: number | null;
  sd_slope: number | null;
  reason: string | null;
}

/** OLS slope of y on x; null when x does not vary. */
export function olsSlope(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** The early slope of one dyad (sessions 1–5, at least three totals), or null when it has none. */
export function earlySlope(series: DyadSeries): number | null {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < series.sessions.length; i++) {
    const session = series.sessions[i]!;
    const total = series.totals[i];
    if (session >= 1 && session <= 5 && total !== null && total !== undefined) {
      x.push(session);
      y.push(total);
    }
  }
  return x.length >= 3 ? olsSlope(x, y) : null;
}

/** Mean and SD (n − 1) of the early slopes over eligible dyads. */
export function trajectories(dyads: Iterable<DyadSeries>): Trajectories {
  const slopes: number[] = [];
  for (const dyad of dyads) {
    const slope = earlySlope(dyad);
    if (slope !== null) slopes.push(slope);
  }
  const n = slopes.length;
  if (n === 0)
    return {
      n_dyads: 0,
      mean_slope: null,
      sd_slope: null,
      reason: 'no dyad with three totals in sessions 1–5',
    };
  const m = mean(slopes);
  return {
    n_dyads: n,
    mean_slope: m,
    sd_slope: n > 1 ? Math.sqrt(Math.max(0, variance(slopes, m))) : null,
    reason: n > 1 ? null : 'one dyad: no standard deviation',
  };
}
