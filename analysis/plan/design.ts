import { DEMO_ALLIANCE_SD, type StudyDesign } from '../demo/generate.ts';
import { mean, variance } from '../stats/describe.ts';
import { allianceOutcomeSiteRows, dyadAllianceMeans } from '../tables.ts';
import { drawScoredStudy } from './draw.ts';
import type { PlanInputs } from './types.ts';

// From what a lead plans to what the generator draws. The lead speaks of observed quantities, the
// ones a release reports: r between the early-alliance mean and the PHQ-9 improvement, τ of the
// sites' true Fisher z, the therapist ICC of dyad-mean alliance, Hedges g of those means. The
// generator draws latent ones, which measurement blurs: items are rounded, sessions are noisy,
// ruptures come and go, PHQ-9 answers are clamped. One calibration study per design shape (one
// site, many dyads, no clustering) measures, with the release's own statistics, how much of a
// latent correlation is observed and how variable dyad means are; the design is then scaled so that
// the observed quantities are the planned ones.

/** What a calibration measured for one design shape. */
export interface Calibration {
  /** Latent correlation per unit of observed alliance–outcome r (≥ 1: measurement attenuates). */
  rhoScale: number;
  /** Variance of dyad-mean client alliance totals without site and therapist effects. */
  dyadMeanVariance: number;
  /**
   * Observed dyad-mean alliance per latent point (< 1: the items' ceiling compresses high
   * alliance), so a latent variance V shows as about slope²·V.
   */
  slope: number;
}

/** The parts of a design that change what measurement does (not r, τ, the ICC or g). */
export type DesignShape = Pick<PlanInputs, 'sessions' | 'dropout' | 'online' | 'interpreter'>;

/** Calibration study size: the SE of its r (about .6) is about 0.64/√DYADS, 1% of r at this size. */
const CALIBRATION_DYADS = 12_000;
const CALIBRATION_RHO = 0.9;
const CALIBRATION_SEED = 20_261_201;
/** The slope is measured with common random numbers: two studies that differ only by a shift. */
const SLOPE_DYADS = 4000;
const SLOPE_SHIFT = 2;
/** Site share of between-therapist variance (site and therapist effects), as in the demo study. */
const SITE_SHARE =
  DEMO_ALLIANCE_SD.site ** 2 / (DEMO_ALLIANCE_SD.site ** 2 + DEMO_ALLIANCE_SD.therapist ** 2);

// Calibrations of this process by shape: a plan's points share one, and so do plans with the same shape.
const calibrations = new Map<string, Calibration>();

/**
 * Measures, with the release's statistics, how a design shape attenuates r and how variable dyad
 * means are; deterministic, and computed once per shape in a process.
 */
export function calibrate(shape: DesignShape): Calibration {
  const key = JSON.stringify([shape.sessions, shape.dropout, shape.online, shape.interpreter]);
  let calibration = calibrations.get(key);
  if (!calibration) {
    calibration = measure(shape);
    calibrations.set(key, calibration);
  }
  return calibration;
}

function measure(shape: DesignShape): Calibration {
  const unclustered: StudyDesign = {
    sessions: shape.sessions,
    dropout: shape.dropout,
    online: shape.online,
    interpreter: shape.interpreter,
    outcome: { zMean: Math.atanh(CALIBRATION_RHO), zSd: 0, rhoScale: 1 },
    siteSd: 0,
    therapistSd: 0,
    onlineShift: 0,
  };
  const { scored, client } = drawScoredStudy({
    sites: 1,
    dyads: CALIBRATION_DYADS,
    seed: CALIBRATION_SEED,
    design: unclustered,
  });
  const site = allianceOutcomeSiteRows(scored, client)[0]?.row;
  const observed = typeof site?.r === 'number' ? site.r : null;
  if (observed === null || !(observed > 0.05))
    throw new RangeError(
      `--sessions ${shape.sessions} with --dropout ${shape.dropout} leaves almost no dyad with an early alliance and a PHQ-9 improvement`,
    );
  // Every dyad online, once without and once with a shift: the same draws, levels apart by SLOPE_SHIFT.
  const shifted = (onlineShift: number): number => {
    const study = drawScoredStudy({
      sites: 1,
      dyads: SLOPE_DYADS,
      seed: CALIBRATION_SEED,
      design: { ...unclustered, online: 1, onlineShift },
    });
    return mean(dyadAllianceMeans(study.scored, study.client).y);
  };
  return {
    rhoScale: CALIBRATION_RHO / observed,
    dyadMeanVariance: variance(dyadAllianceMeans(scored, client).y),
    slope: (shifted(SLOPE_SHIFT) - shifted(0)) / SLOPE_SHIFT,
  };
}

/**
 * The generator's design for planned inputs: site correlations whose true observed r has Fisher z
 * ~ N(atanh r, τ²), site and therapist SDs that give the planned therapist ICC (site share as in
 * the demo), and an online shift of g pooled SDs. Throws a RangeError naming the option when the
 * design cannot show what is asked.
 */
export function studyDesign(inputs: PlanInputs, calibration: Calibration): StudyDesign {
  const { rhoScale, dyadMeanVariance: residual, slope } = calibration;
  // A site's latent correlation must stay below 1: the generator clamps it at 0.99, which must
  // touch no more than the 2% of sites beyond 2 τ from the centre.
  const extreme = Math.tanh(Math.abs(Math.atanh(inputs.r)) + 2 * inputs.tau) * rhoScale;
  if (extreme >= 0.99) {
    throw new RangeError(
      `--r ${inputs.r} with --tau ${inputs.tau} is more than this design can show: measurement noise caps the observed r near ${(0.99 / rhoScale).toFixed(2)}`,
    );
  }
  // Observed ICC = (site + therapist variance) / total: the therapist variance comes out of the
  // dyad's, the site variance is added, and the online shift of g SDs adds online·(1 − online)·g²
  // of the rest, so I = C / ((residual + s·C)(1 + q)) with C observed; the generator's (latent)
  // variances are C / slope².
  const q = inputs.online * (1 - inputs.online) * inputs.g ** 2;
  const cluster =
    (inputs.therapistIcc * residual * (1 + q)) / (1 - inputs.therapistIcc * SITE_SHARE * (1 + q));
  const therapistVariance = ((1 - SITE_SHARE) * cluster) / slope ** 2;
  const ownVariance = DEMO_ALLIANCE_SD.therapist ** 2 + DEMO_ALLIANCE_SD.dyad ** 2;
  if (therapistVariance >= 0.95 * ownVariance)
    throw new RangeError(`--therapist-icc ${inputs.therapistIcc} is more than this design can show`);
  return {
    sessions: inputs.sessions,
    dropout: inputs.dropout,
    online: inputs.online,
    interpreter: inputs.interpreter,
    outcome: { zMean: Math.atanh(inputs.r), zSd: inputs.tau, rhoScale },
    siteSd: Math.sqrt(SITE_SHARE * cluster) / slope,
    therapistSd: Math.sqrt(therapistVariance),
    // g pooled (observed) SDs of dyad means, in latent points.
    onlineShift: (inputs.g * Math.sqrt(residual + SITE_SHARE * cluster)) / slope,
    suppressionK: inputs.k,
  };
}
