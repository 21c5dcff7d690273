import { mean } from './describe.ts';

/** Pearson correlation of paired values, or null with the reason it does not exist. */
export interface Correlation {
  n: number;
  r: number | null;
  reason: string | null;
}

/** Pearson r of x and y (equal lengths, complete pairs), as R's cor(x, y); clamped to [−1, 1]. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pearson needs paired values, got ${n} and ${y.length}`);
  if (n < 2) return { n, r: null, reason: 'fewer than two pairs' };
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return { n, r: null, reason: 'zero variance' };
  const r = sxy / Math.sqrt(sxx * syy);
  return { n, r: Math.max(-1, Math.min(1, r)), reason: null };
}
