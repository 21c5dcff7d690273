import { pearson } from './correlation.ts';
import { chiSquareUpper, twoSidedNormalP, Z975 } from './distributions.ts';

/** One site's alliance–outcome correlation on the Fisher-z scale (a site row of alliance_outcome.csv). */
export interface SiteCorrelation {
  n: number;
  r: number | null;
  /** atanh(r). */
  z: number | null;
  /** 1/(n − 3). */
  vi: number | null;
  se: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
  r_lo: number | null;
  r_hi: number | null;
  zval: number | null;
  pval: number | null;
  reason: string | null;
}

/**
 * How sites are pooled: random effects with τ² by DerSimonian–Laird or REML, or fixed effect
 * (inverse variance, τ² = 0; `tandem plan` reports its power beside REML's).
 */
export type PoolingMethod = 'DL' | 'REML' | 'FE';

/** A pooled correlation (a pooled row of alliance_outcome.csv). */
export interface PooledCorrelation {
  method: PoolingMethod;
  /** Sites pooled, and dyads behind them. */
  k: number;
  n: number;
  /** Pooled Fisher z, its variance se² and its z test. */
  z: number | null;
  vi: number | null;
  se: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
  r: number | null;
  r_lo: number | null;
  r_hi: number | null;
  zval: number | null;
  pval: number | null;
  tau2: number | null;
  /** I² in percent. */
  i2: number | null;
  q: number | null;
  q_p: number | null;
  pi_lo: number | null;
  pi_hi: number | null;
  reason: string | null;
}

/** The least a site needs to be pooled: its size and Fisher z with sampling variance. */
export interface SiteEffect {
  n: number;
  z: number | null;
  vi: number | null;
}

// The z-scale estimate of a correlation when there is none.
const NO_ESTIMATE = {
  z: null,
  vi: null,
  se: null,
  ci_lo: null,
  ci_hi: null,
  r_lo: null,
  r_hi: null,
  zval: null,
  pval: null,
} as const;

/** The heterogeneity columns of a correlation that pools nothing (one site, or too few sites). */
export const NO_HETEROGENEITY = {
  tau2: null,
  i2: null,
  q: null,
  q_p: null,
  pi_lo: null,
  pi_hi: null,
} as const;

/** Pearson r of early alliance and improvement at one site, with Fisher z, vi = 1/(n − 3) and its z-based CI. */
export function siteCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): SiteCorrelation {
  const { n, r, reason } = pearson(x, y);
  const none = NO_ESTIMATE;
  if (r === null) return { n, r: null, ...none, reason };
  if (Math.abs(r) === 1) return { n, r, ...none, reason: 'r = ±1: Fisher z is infinite' };
  const z = Math.atanh(r);
  if (n < 4) return { n, r, ...none, z, reason: 'fewer than four dyads: no sampling variance' };
  const vi = 1 / (n - 3);
  const se = Math.sqrt(vi);
  const ci_lo = z - Z975 * se;
  const ci_hi = z + Z975 * se;
  return {
    n,
    r,
    z,
    vi,
    se,
    ci_lo,
    ci_hi,
    r_lo: Math.tanh(ci_lo),
    r_hi: Math.tanh(ci_hi),
    zval: z / se,
    pval: twoSidedNormalP(z / se),
    reason: null,
  };
}

// Σw, Σwy, Σw², Σw³ over the sites with inverse-variance weights w = 1/(v + τ²).
function weightSums(y: Float64Array, v: Float64Array, tau2: number) {
  let sw = 0;
  let swy = 0;
  let sw2 = 0;
  let sw3 = 0;
  for (let i = 0; i < y.length; i++) {
    const w = 1 / (v[i]! + tau2);
    sw += w;
    swy += w * y[i]!;
    sw2 += w * w;
    sw3 += w * w * w;
  }
  return { sw, swy, sw2, sw3 };
}

// metafor's REML: Fisher scoring from the Hedges estimate, step halving at the boundary 0.
function remlTau2(y: Float64Array, v: Float64Array): number {
  const k = y.length;
  let meanY = 0;
  let meanV = 0;
  for (let i = 0; i < k; i++) {
    meanY += y[i]! / k;
    meanV += v[i]! / k;
  }
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (y[i]! - meanY) ** 2;
  let tau2 = Math.max(0, ss / (k - 1) - meanV);
  for (let iter = 0; iter < 1000; iter++) {
    const { sw, swy, sw2, sw3 } = weightSums(y, v, tau2);
    const mu = swy / sw;
    // P = W − w wᵀ/Σw: Yᵀ P P Y = Σ (w (y − μ))², tr P and tr P² in closed form.
    let yPPy = 0;
    for (let i = 0; i < k; i++) yPPy += (y[i]! - mu) ** 2 / (v[i]! + tau2) ** 2;
    const trP = sw - sw2 / sw;
    const trPP = sw2 - (2 * sw3) / sw + (sw2 * sw2) / (sw * sw);
    let adj = (yPPy - trP) / trPP;
    while (tau2 + adj < 0) adj /= 2;
    tau2 += adj;
    if (Math.abs(adj) <= 1e-10) break;
  }
  return Math.max(0, tau2);
}

/**
 * Pooling of site Fisher z values, as metafor::rma(yi, vi, method = "DL" | "REML" | "FE",
 * control = list(threshold = 1e-10)); only sites with n ≥ 4 and a finite z count, k ≥ 2 needed.
 */
export function poolCorrelations(sites: ReadonlyArray<SiteEffect>, method: PoolingMethod): PooledCorrelation {
  const used = sites.filter((site) => site.n >= 4 && site.z !== null && site.vi !== null);
  const k = used.length;
  let n = 0;
  for (const site of used) n += site.n;
  const base = { method, k, n };
  if (k < 2) {
    return { ...base, r: null, ...NO_ESTIMATE, ...NO_HETEROGENEITY, reason: 'fewer than two sites to pool' };
  }
  const y = Float64Array.from(used, (site) => site.z!);
  const v = Float64Array.from(used, (site) => site.vi!);
  // Fixed-effect weights give Q and the typical within-site variance s² of I².
  const { sw, sw2, swy } = weightSums(y, v, 0);
  const fixed = swy / sw;
  let q = 0;
  for (let i = 0; i < k; i++) q += (y[i]! - fixed) ** 2 / v[i]!;
  const tau2 =
    method === 'FE' ? 0 : method === 'DL' ? Math.max(0, (q - (k - 1)) / (sw - sw2 / sw)) : remlTau2(y, v);
  const s2 = ((k - 1) * sw) / (sw * sw - sw2);
  const random = weightSums(y, v, tau2);
  const z = random.swy / random.sw;
  const vi = 1 / random.sw;
  const se = Math.sqrt(vi);
  const ci_lo = z - Z975 * se;
  const ci_hi = z + Z975 * se;
  const pi = Z975 * Math.sqrt(vi + tau2);
  const fe = method === 'FE';
  return {
    ...base,
    z,
    vi,
    se,
    ci_lo,
    ci_hi,
    r: Math.tanh(z),
    r_lo: Math.tanh(ci_lo),
    r_hi: Math.tanh(ci_hi),
    zval: z / se,
    pval: twoSidedNormalP(z / se),
    tau2,
    // metafor's fixed-effect I² is Higgins' (Q − df)/Q, and it gives no prediction interval.
    i2: fe ? (q > 0 ? Math.max(0, (100 * (q - (k - 1))) / q) : 0) : (100 * tau2) / (tau2 + s2),
    q,
    q_p: chiSquareUpper(q, k - 1),
    pi_lo: fe ? null : z - pi,
    pi_hi: fe ? null : z + pi,
    reason: null,
  };
}
