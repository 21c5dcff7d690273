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
  if (n < 2 || k < 2) return cronbachAlphaOfMatrix(new Float64Array(0), n, k);
  const values = new Float64Array(n * k);
  rows.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`every row needs ${k} items, got ${row.length}`);
    values.set(row, i * k);
  });
  return cronbachAlphaOfMatrix(values, n, k);
}

/** As cronbachAlpha, of n rows stored one after another in `values`, k items each. */
export function cronbachAlphaOfMatrix(values: Float64Array, n: number, k: number): Reliability {
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
  const end = n * k;
  for (let at = 0; at < end; at += k) {
    for (let j = 0; j < k; j++) {
      itemMeans[j]! += values[at + j]!;
      totalMean += values[at + j]!;
    }
  }
  for (let j = 0; j < k; j++) itemMeans[j]! /= n;
  totalMean /= n;
  const itemSS = new Float64Array(k);
  let totalSS = 0;
  for (let at = 0; at < end; at += k) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      const d = values[at + j]! - itemMeans[j]!;
      itemSS[j]! += d * d;
      total += values[at + j]!;
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
