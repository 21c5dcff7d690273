/** A bounded one-dimensional minimum: where and how low. */
export interface Minimum {
  x: number;
  value: number;
}

/** Brent's minimization (golden section with parabolic steps) of f on [a, b] to tolerance tol. */
export function brent(f: (x: number) => number, a: number, b: number, tol = 1e-12): Minimum {
  const golden = 0.381966011250105;
  let lo = a;
  let hi = b;
  let x = lo + golden * (hi - lo);
  let w = x;
  let v = x;
  let fx = f(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter < 500; iter++) {
    const mid = (lo + hi) / 2;
    const tol1 = 1e-10 * Math.abs(x) + tol;
    const tol2 = 2 * tol1;
    if (Math.abs(x - mid) <= tol2 - (hi - lo) / 2) break;
    let parabolic = false;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eOld = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * eOld) && p > q * (lo - x) && p < q * (hi - x)) {
        d = p / q;
        const u = x + d;
        if (u - lo < tol2 || hi - u < tol2) d = mid >= x ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = x >= mid ? lo - x : hi - x;
      d = golden * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) lo = x;
      else hi = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) lo = u;
      else hi = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, value: fx };
}

// Candidate relative SDs from 1e-5 to 1e3, four per decade, after the boundary 0.
const GRID = [0, ...Array.from({ length: 33 }, (_, i) => 10 ** ((i - 20) / 4))];

/**
 * Global minimum of f over [0, ∞) for a smooth, mostly unimodal f: a log grid finds the basin,
 * Brent polishes it, and the boundary 0 wins ties (a variance component at the boundary is 0).
 */
export function minimizeNonNegative(f: (x: number) => number): Minimum {
  const values = GRID.map(f);
  let best = 0;
  for (let i = 1; i < GRID.length; i++) if (values[i]! < values[best]!) best = i;
  const lo = GRID[Math.max(0, best - 1)]!;
  const hi = GRID[Math.min(GRID.length - 1, best + 1)]!;
  const polished = brent(f, lo, hi);
  const atZero = { x: 0, value: values[0]! };
  // A polished point within rounding of the boundary is the boundary.
  const atBoundary = polished.x < 1e-6 && atZero.value - polished.value < 1e-9 * (1 + Math.abs(atZero.value));
  return atZero.value <= polished.value || atBoundary ? atZero : polished;
}
