import { minimizeNonNegative } from './minimize.ts';

/** One row of icc.csv (DESIGN §8). */
export interface IccRow {
  model: 'therapist' | 'site/therapist';
  level: 'site' | 'therapist' | 'residual';
  variance: number | null;
  /** The component's share of the total variance. */
  icc: number | null;
  n_groups: number;
  n_obs: number;
  reason: string | null;
}

// Sufficient statistics per innermost group (therapist, or site:therapist), with y centred on
// its grand mean: every REML evaluation is then one pass over groups, never over dyads.
interface Groups {
  n: Float64Array;
  /**
   * The distinct group sizes, and each group's index among them: every REML evaluation takes the
   * logarithm of 1 + n·γ once per distinct size, not once per group (a few dozen sizes against
   * hundreds of therapists; the same values summed in the same order, so the same bits).
   */
  sizes: Float64Array;
  sizeOf: Int32Array;
  sum: Float64Array;
  sumSq: Float64Array;
  /** Index of the outer group (site) of each inner group. */
  outer: Int32Array;
  outerCount: number;
  nObs: number;
  /** Scratch of reml(): per outer group, and per distinct size. */
  scratch: { m: Float64Array; q: Float64Array; logs: Float64Array };
}

function group(y: ArrayLike<number>, inner: ArrayLike<string>, outer: ArrayLike<string> | null): Groups {
  const nObs = y.length;
  let grand = 0;
  for (let i = 0; i < nObs; i++) grand += y[i]!;
  grand /= nObs;
  const innerIndex = new Map<string, number>();
  const outerIndex = new Map<string, number>();
  const n: number[] = [];
  const sum: number[] = [];
  const sumSq: number[] = [];
  const outerOf: number[] = [];
  for (let i = 0; i < nObs; i++) {
    const o = outer ? outer[i]! : '';
    let oi = outerIndex.get(o);
    if (oi === undefined) {
      oi = outerIndex.size;
      outerIndex.set(o, oi);
    }
    // Nesting: the same therapist code at two sites is two site:therapist groups, as in lme4.
    const key = outer ? `${o}\u0000${inner[i]!}` : inner[i]!;
    let gi = innerIndex.get(key);
    if (gi === undefined) {
      gi = innerIndex.size;
      innerIndex.set(key, gi);
      n.push(0);
      sum.push(0);
      sumSq.push(0);
      outerOf.push(oi);
    }
    const d = y[i]! - grand;
    n[gi]! += 1;
    sum[gi]! += d;
    sumSq[gi]! += d * d;
  }
  const sizeIndex = new Map<number, number>();
  const sizeOf = Int32Array.from(n, (size) => {
    let index = sizeIndex.get(size);
    if (index === undefined) {
      index = sizeIndex.size;
      sizeIndex.set(size, index);
    }
    return index;
  });
  return {
    n: Float64Array.from(n),
    sizes: Float64Array.from(sizeIndex.keys()),
    sizeOf,
    sum: Float64Array.from(sum),
    sumSq: Float64Array.from(sumSq),
    outer: Int32Array.from(outerOf),
    outerCount: outerIndex.size,
    nObs,
    scratch: {
      m: new Float64Array(outerIndex.size),
      q: new Float64Array(outerIndex.size),
      logs: new Float64Array(sizeIndex.size),
    },
  };
}

interface Fit {
  deviance: number;
  /** Residual variance σ²; the components are γ·σ². */
  sigma2: number;
}

/**
 * Profiled REML criterion of y = μ + a_site + b_inner + e, with γo = var(a)/σ² and γi = var(b)/σ²,
 * from the closed forms of the block-diagonal V (Woodbury within each site); constants dropped.
 */
function reml(g: Groups, gammaOuter: number, gammaInner: number): Fit {
  const { m, q, logs } = g.scratch;
  m.fill(0);
  q.fill(0);
  for (let k = 0; k < g.sizes.length; k++) logs[k] = Math.log(1 + g.sizes[k]! * gammaInner);
  let logDet = 0;
  let yHy = 0;
  for (let t = 0; t < g.n.length; t++) {
    const n = g.n[t]!;
    const s = g.sum[t]!;
    const d = 1 + n * gammaInner;
    logDet += logs[g.sizeOf[t]!]!;
    yHy += g.sumSq[t]! - (gammaInner * s * s) / d;
    const o = g.outer[t]!;
    m[o]! += n / d;
    q[o]! += s / d;
  }
  let xHx = 0;
  let xHy = 0;
  for (let o = 0; o < g.outerCount; o++) {
    const e = 1 + gammaOuter * m[o]!;
    logDet += Math.log(e);
    xHx += m[o]! / e;
    xHy += q[o]! / e;
    yHy -= (gammaOuter * q[o]! * q[o]!) / e;
  }
  const rHr = Math.max(0, yHy - (xHy * xHy) / xHx);
  const df = g.nObs - 1;
  return { deviance: df * Math.log(rHr / df) + logDet + Math.log(xHx), sigma2: rHr / df };
}

function rows(
  model: IccRow['model'],
  levels: ReadonlyArray<{ level: IccRow['level']; variance: number | null; nGroups: number }>,
  nObs: number,
  reason: string | null,
): IccRow[] {
  let total = 0;
  for (const entry of levels) total += entry.variance ?? 0;
  return levels.map(({ level, variance, nGroups }) => ({
    model,
    level,
    variance,
    icc: variance === null || !(total > 0) ? null : variance / total,
    n_groups: nGroups,
    n_obs: nObs,
    reason,
  }));
}

function fittable(g: Groups, factors: ReadonlyArray<{ name: string; levels: number }>): string | null {
  if (g.nObs < 2) return 'fewer than two dyads';
  let randomEffects = 0;
  for (const { name, levels } of factors) {
    // The checks lme4::lmer makes before fitting (it stops with an error on each).
    if (levels < 2) return `fewer than two ${name} groups`;
    if (levels >= g.nObs) return `as many ${name} groups as dyads`;
    randomEffects += levels;
  }
  if (g.nObs <= randomEffects) return 'no more dyads than random effects';
  let ss = 0;
  for (let t = 0; t < g.n.length; t++) ss += g.sumSq[t]!;
  if (!(ss > 0)) return 'zero variance';
  return null;
}

/** REML variance components of y ~ 1 + (1|therapist), as lme4::lmer with a tightly converged bobyqa. */
export function iccTherapist(y: ArrayLike<number>, therapist: ArrayLike<string>): IccRow[] {
  const g = group(y, therapist, null);
  const nGroups = g.n.length;
  const reason = fittable(g, [{ name: 'therapist', levels: nGroups }]);
  if (reason !== null) {
    return rows(
      'therapist',
      [
        { level: 'therapist', variance: null, nGroups },
        { level: 'residual', variance: null, nGroups: g.nObs },
      ],
      g.nObs,
      reason,
    );
  }
  const best = minimizeNonNegative((theta) => reml(g, 0, theta * theta).deviance);
  const sigma2 = reml(g, 0, best.x * best.x).sigma2;
  return rows(
    'therapist',
    [
      { level: 'therapist', variance: best.x * best.x * sigma2, nGroups },
      { level: 'residual', variance: sigma2, nGroups: g.nObs },
    ],
    g.nObs,
    null,
  );
}

/** REML variance components of y ~ 1 + (1|site) + (1|site:therapist), as lme4::lmer (bobyqa, tight). */
export function iccSiteTherapist(
  y: ArrayLike<number>,
  site: ArrayLike<string>,
  therapist: ArrayLike<string>,
): IccRow[] {
  const g = group(y, therapist, site);
  const nSites = g.outerCount;
  const nTherapists = g.n.length;
  const reason = fittable(g, [
    { name: 'site:therapist', levels: nTherapists },
    { name: 'site', levels: nSites },
  ]);
  const levels = (site: number | null, therapist: number | null, residual: number | null) => [
    { level: 'site' as const, variance: site, nGroups: nSites },
    { level: 'therapist' as const, variance: therapist, nGroups: nTherapists },
    { level: 'residual' as const, variance: residual, nGroups: g.nObs },
  ];
  if (reason !== null) return rows('site/therapist', levels(null, null, null), g.nObs, reason);
  // Profile: for each site ratio, the best therapist ratio; then the best site ratio.
  const innerBest = (thetaSite: number) =>
    minimizeNonNegative((theta) => reml(g, thetaSite * thetaSite, theta * theta).deviance);
  const outer = minimizeNonNegative((thetaSite) => innerBest(thetaSite).value);
  const inner = innerBest(outer.x);
  const fit = reml(g, outer.x * outer.x, inner.x * inner.x);
  return rows(
    'site/therapist',
    levels(outer.x * outer.x * fit.sigma2, inner.x * inner.x * fit.sigma2, fit.sigma2),
    g.nObs,
    null,
  );
}
