import { mean, variance } from './describe.ts';
import { logGamma, Z975 } from './distributions.ts';

/** Standardized mean difference of a moderator level against its reference level. */
export interface HedgesG {
  hedges_g: number | null;
  g_vi: number | null;
  g_lo: number | null;
  g_hi: number | null;
  reason: string | null;
}

/** The exact small-sample correction J(m) = Γ(m/2) / (√(m/2)·Γ((m−1)/2)). */
export function hedgesCorrection(m: number): number {
  return Math.exp(logGamma(m / 2) - 0.5 * Math.log(m / 2) - logGamma((m - 1) / 2));
}

/**
 * Hedges g of `level` minus `reference` (positive: the level is higher) with the large-sample
 * variance and z-based 95% CI, as metafor::escalc(measure = "SMD").
 */
export function hedgesG(level: ArrayLike<number>, reference: ArrayLike<number>): HedgesG {
  const n1 = level.length;
  const n2 = reference.length;
  const none = { hedges_g: null, g_vi: null, g_lo: null, g_hi: null };
  if (n1 < 2 || n2 < 2) return { ...none, reason: 'fewer than two dyads in a group' };
  const m1 = mean(level);
  const m2 = mean(reference);
  const pooled = Math.sqrt(
    ((n1 - 1) * variance(level, m1) + (n2 - 1) * variance(reference, m2)) / (n1 + n2 - 2),
  );
  if (!(pooled > 0)) return { ...none, reason: 'zero variance' };
  const g = (hedgesCorrection(n1 + n2 - 2) * (m1 - m2)) / pooled;
  const vi = 1 / n1 + 1 / n2 + (g * g) / (2 * (n1 + n2));
  const half = Z975 * Math.sqrt(vi);
  return { hedges_g: g, g_vi: vi, g_lo: g - half, g_hi: g + half, reason: null };
}
