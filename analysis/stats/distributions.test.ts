import { describe, expect, it } from 'vitest';
import {
  betaI,
  chiSquareUpper,
  fQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  Z975,
} from './distributions.ts';
import { readReference } from './reference.ts';

interface Reference {
  lgamma: { x: number; expected: number }[];
  pbeta: { x: number; a: number; b: number; expected: number }[];
  qf: { p: number; df1: number; df2: number; expected: number }[];
  pnorm: { x: number; expected: number }[];
  qnorm: { p: number; expected: number }[];
  pchisq_upper: { q: number; df: number; expected: number }[];
}
const ref = readReference<Reference>('distributions');

// Relative error: these feed p values and intervals that must match R to 1e-6.
function expectRelative(actual: number, expected: number, tolerance = 1e-10) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1e-300));
}

describe('distributions', () => {
  it('logGamma matches lgamma', () => {
    for (const c of ref.lgamma) expectRelative(logGamma(c.x), c.expected, 1e-13);
  });
  it('betaI matches pbeta', () => {
    for (const c of ref.pbeta) expectRelative(betaI(c.x, c.a, c.b), c.expected, 1e-11);
  });
  it('fQuantile matches qf over small and huge degrees of freedom', () => {
    // log B(a, b) loses digits to cancellation when b is huge: still 1e-9 relative, far inside 1e-6.
    for (const c of ref.qf) expectRelative(fQuantile(c.p, c.df1, c.df2), c.expected, 1e-8);
  });
  it('normalCdf matches pnorm in both tails', () => {
    for (const c of ref.pnorm) expectRelative(normalCdf(c.x), c.expected, 1e-12);
  });
  it('normalQuantile matches qnorm, and Z975 is qnorm(0.975)', () => {
    for (const c of ref.qnorm) expectRelative(normalQuantile(c.p), c.expected, 1e-12);
    expect(Math.abs(normalQuantile(0.975) - Z975)).toBeLessThan(1e-14);
  });
  it('chiSquareUpper matches pchisq(lower.tail = FALSE)', () => {
    for (const c of ref.pchisq_upper) expectRelative(chiSquareUpper(c.q, c.df), c.expected, 1e-11);
  });
});
