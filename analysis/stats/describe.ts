/** Summary of one group of scores, as R's length, mean, sd and quantile(type = 7). */
export interface Description {
  n: number;
  mean: number | null;
  /** Sample SD (n − 1); null for fewer than two values. */
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  /** Why a statistic is null; null when every statistic is present. */
  reason: string | null;
}

/** Mean by two passes (R's correction), stable for large n. */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const first = sum / n;
  let correction = 0;
  for (let i = 0; i < n; i++) correction += values[i]! - first;
  return first + correction / n;
}

/** Sample variance (n − 1) around a given mean; callers ensure n ≥ 2. */
export function variance(values: ArrayLike<number>, center = mean(values)): number {
  const n = values.length;
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - center;
    ss += d * d;
    s += d;
  }
  return (ss - (s * s) / n) / (n - 1);
}

/** R's quantile(type = 7) of ascending-sorted values at probability p. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const index = (sorted.length - 1) * p;
  const lo = Math.floor(index);
  const low = sorted[lo]!;
  const h = index - lo;
  if (h === 0) return low;
  const high = sorted[lo + 1]!;
  return high === low ? low : (1 - h) * low + h * high;
}

/** Whole numbers spanning at most this many values (and no more than the values' count) are counted, not sorted. */
const COUNTING_RANGE = 1 << 16;

const NO_OTHERS = new Float64Array(0);

/**
 * A sorted copy by V8's sort: the path for values that are not counted. A function of its own:
 * inline, its rarely reached `new` sent site_session_summary's optimised code into a
 * deoptimisation loop (about 3,600 deoptimisations in a 1M release). `new Float64Array` copies an
 * array or typed array directly; `Float64Array.from` goes through its iterator, which took a
 * fifth of site_session_summary's time at 1M responses.
 */
function sortedBySort(values: ArrayLike<number>): Float64Array {
  return new Float64Array(values).sort();
}

/**
 * The values in ascending order, exactly as `new Float64Array(values).sort()` gives them. Scores
 * are mostly sums of scale points, whole numbers in a small range: those are counted instead of
 * sorted (two passes over them and one over the range, where a sort compares n·log n times), the
 * few others (prorated scores, −0) are sorted, and the two runs are merged. Whole numbers over a
 * wide range are sorted with the rest.
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const others: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value) || Object.is(value, -0)) others.push(value);
    else {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  const whole = n - others.length;
  const range = max - min + 1;
  if (whole === 0 || range > COUNTING_RANGE || range > whole) return sortedBySort(values);
  const counts = new Int32Array(range);
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    // `| 0`: V8 holds `value - min` as a double, and a store at a double index took the slow path
    // (the counting loop alone 4–5× slower in an isolated test).
    if (Number.isInteger(value) && !Object.is(value, -0)) counts[(value - min) | 0]!++;
  }
  const rest = others.length === 0 ? NO_OTHERS : sortedBySort(others);
  const sorted = new Float64Array(n);
  let at = 0;
  let next = 0;
  for (let k = 0; k < range; k++) {
    const count = counts[k]!;
    if (count === 0) continue;
    const value = min + k;
    // The sort puts −0 before 0, and NaN after everything.
    while (next < rest.length && (rest[next]! < value || (rest[next] === value && Object.is(rest[next], -0))))
      sorted[at++] = rest[next++]!;
    // A loop, not fill(): groups are small, and a call per distinct value cost more than the values.
    for (const to = at + count; at < to; ) sorted[at++] = value;
  }
  while (next < rest.length) sorted[at++] = rest[next++]!;
  return sorted;
}

/** n, mean, sd (n − 1), median and quartiles (type 7) of the values; never NaN. */
export function describe(values: ArrayLike<number>): Description {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, median: null, q1: null, q3: null, reason: 'no values' };
  const sorted = sortedCopy(values);
  const m = mean(sorted);
  return {
    n,
    mean: m,
    sd: n > 1 ? Math.sqrt(Math.max(0, variance(sorted, m))) : null,
    median: quantileSorted(sorted, 0.5),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    reason: n > 1 ? null : 'one value: no standard deviation',
  };
}
