import { fQuantile } from './distributions.ts';

/** Cronbach's alpha of one instrument's items with its Feldt 95% confidence interval. */
export interface Reliability {
  n: number;
  items: number;
  alpha: number | null;
  alpha_lo: number | null;
  alpha_hi: number | null;
  reason: string | null;
}

/**
 * Textbook alpha k/(k−1)·(1 − Σ var(item)/var(sum)) over complete rows (one per dyad, k keyed
 * answers each), as psych::alpha's raw_alpha; Feldt CI as psych::alpha.ci.
 */
export function cronbachAlpha(rows: ReadonlyArray<ArrayLike<number>>): Reliability {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const empty = (reason: string): Reliability => ({
    n,
    items: k,
    alpha: null,
    alpha_lo: null,
    alpha_hi: null,
    reason,
  });
  if (n < 2) return empty('fewer than two complete administrations');
  if (k < 2) return empty('fewer than two items');
  const itemMeans = new Float64Array(k);
  let totalMean = 0;
  for (const row of rows) {
    if (row.length !== k) throw new RangeError(`every row needs ${k} items, got ${row.length}`);
    for (let j = 0; j < k; j++) {
      itemMeans[j]! += row[j]!;
      totalMean += row[j]!;
    }
  }
  for (let j = 0; j < k; j++) itemMeans[j]! /= n;
  totalMean /= n;
  const itemSS = new Float64Array(k);
  let totalSS = 0;
  for (const row of rows) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      const d = row[j]! - itemMeans[j]!;
      itemSS[j]! += d * d;
      total += row[j]!;
    }
    totalSS += (total - totalMean) ** 2;
  }
  let sumItemSS = 0;
  for (let j = 0; j < k; j++) sumItemSS += itemSS[j]!;
  if (!(totalSS > 1e-12 * Math.max(1, sumItemSS))) return empty('zero variance of the total');
  const alpha = (k / (k - 1)) * (1 - sumItemSS / totalSS);
  const df1 = n - 1;
  const df2 = (n - 1) * (k - 1);
  return {
    n,
    items: k,
    alpha,
    alpha_lo: 1 - (1 - alpha) * fQuantile(0.975, df1, df2),
    alpha_hi: 1 - (1 - alpha) * fQuantile(0.025, df1, df2),
    reason: null,
  };
}
