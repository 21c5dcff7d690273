import { describe, expect, it, vi } from 'vitest';
import { normalCdf, Z975 } from '../stats/distributions.ts';
import { asArray, readReference } from '../stats/reference.ts';
import { calibrate, studyDesign } from './design.ts';
import { runPlan } from './run.ts';
import { simulateBatch, summarisePoint } from './simulate.ts';
import type { PlanInputs, PlanPoint } from './types.ts';

// The simulated power against closed forms (issue 14): with τ = 0, no clustering and no dropout
// the fixed-effect test has the power of a z test on Σ(nᵢ − 3) pairs; with one site, that of
// R's pwr::pwr.r.test; power falls as τ rises; and a seed gives the same plan on 1 or 2 workers.
// Sizes are small (a few hundred studies of a few sites) and tolerances are 3 Monte Carlo SEs.

// Each plan starts its workers and (once per design shape in this process) calibrates; on a
// shared 2-core machine that takes seconds.
vi.setConfig({ testTimeout: 120_000 });

const base: PlanInputs = {
  sites: 4,
  dyads: [25],
  sessions: 8,
  dropout: 0,
  r: 0.2,
  tau: 0,
  therapistIcc: 0,
  online: 0.3,
  interpreter: 0.1,
  k: 5,
  g: 0.3,
  sims: 400,
  seed: 14,
};

/** Monte Carlo SE of a simulated power p. */
const mcse = (p: number, sims: number): number => Math.sqrt((p * (1 - p)) / sims);

/** Φ(|atanh r|·√(Σ(nᵢ − 3)) − z₀.₉₇₅) with every site at the point's mean analysed dyads. */
function closedFormPower(inputs: PlanInputs, point: PlanPoint): number {
  return normalCdf(Math.abs(Math.atanh(inputs.r)) * Math.sqrt(inputs.sites * (point.n_analysed - 3)) - Z975);
}

describe('runPlan', () => {
  it('matches the closed-form fixed-effect power with τ = 0, no clustering and no dropout', async () => {
    const { points } = await runPlan(base, { workers: 2 });
    const point = points[0]!;
    const expected = closedFormPower(base, point);
    // Between 20% and 80%, where a wrong r or n would show.
    expect(expected).toBeGreaterThan(0.2);
    expect(expected).toBeLessThan(0.8);
    const se = mcse(expected, point.sims);
    expect(Math.abs(point.power_fe - expected)).toBeLessThanOrEqual(3 * se);
    // REML estimates τ² ≥ 0 and widens the CI: never materially more power than the fixed effect.
    expect(point.power - expected).toBeLessThanOrEqual(3 * se);
    expect(point.too_few_sites).toBe(0);
    expect(point.n_analysed).toBeGreaterThan(20);
    expect(point.n_analysed).toBeLessThanOrEqual(25);
  });

  it('matches pwr::pwr.r.test with one site', async () => {
    const reference = readReference<{ cases: { r: number; n: number[]; power: number[] }[] }>('plan-pwr');
    const inputs: PlanInputs = { ...base, sites: 1, dyads: [45], r: 0.3 };
    const { points } = await runPlan(inputs, { workers: 2 });
    const point = points[0]!;
    const ref = reference.cases.find((c) => c.r === inputs.r)!;
    const n = asArray(ref.n);
    const power = asArray(ref.power);
    // Interpolate R's power at the mean analysed dyads.
    const below = n.findIndex((value, i) => value <= point.n_analysed && n[i + 1]! > point.n_analysed);
    expect(below).toBeGreaterThanOrEqual(0);
    const share = point.n_analysed - n[below]!;
    const expected = power[below]! + share * (power[below + 1]! - power[below]!);
    expect(Math.abs(point.power - expected)).toBeLessThanOrEqual(3 * mcse(expected, point.sims));
    expect(point.power_fe).toBe(point.power);
    expect(point.too_few_sites).toBe(1);
    expect(point.pi_width).toBeNull();
    expect(point.ci_width).toBeGreaterThan(0);
  });

  it('loses power as the between-site SD τ rises', () => {
    // In this thread (the engine's batch function, as a worker runs it): three plans' workers would
    // take longer to start than these studies take to simulate.
    const powers: number[] = [];
    for (const tau of [0, 0.15, 0.3]) {
      const inputs: PlanInputs = { ...base, sites: 10, dyads: [15], tau, sims: 200 };
      const design = studyDesign(inputs, calibrate(inputs));
      const outcomes = simulateBatch(inputs, design, { point: 0, from: 0, to: inputs.sims });
      powers.push(summarisePoint(inputs, 15, outcomes).power);
    }
    expect(powers[0]!).toBeGreaterThan(powers[1]!);
    expect(powers[1]!).toBeGreaterThan(powers[2]!);
  });

  it('gives the same plan for a seed on one worker and on two, and another plan for another seed', async () => {
    // The base's design shape, so that the calibration is the one already made.
    const inputs: PlanInputs = { ...base, sites: 3, dyads: [8, 12], sims: 20, tau: 0.1, therapistIcc: 0.05 };
    const progress: number[] = [];
    const one = await runPlan(inputs, { workers: 1 });
    const two = await runPlan(inputs, { workers: 2, onProgress: (done) => progress.push(done) });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(40);
    const other = await runPlan({ ...inputs, seed: inputs.seed + 1 }, { workers: 2 });
    expect(other.points.map((p) => p.n_analysed)).not.toEqual(one.points.map((p) => p.n_analysed));
  });
});
