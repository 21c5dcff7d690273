import { DEMO_ALLIANCE_SD, type StudyDesign } from '../demo/generate.ts';
import { variance } from '../stats/describe.ts';
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
}

/** The parts of a design that change what measurement does (not r, τ, the ICC or g). */
export type DesignShape = Pick<PlanInputs, 'sessions' | 'dropout' | 'online' | 'interpreter'>;

/** Calibration study size: the SE of its r (about .6) is about 0.64/√DYADS, 1% of r at this size. */
const CALIBRATION_DYADS = 12_000;
const CALIBRATION_RHO = 0.9;
const CALIBRATION_SEED = 20_261_201;
/** Site share of between-therapist variance (site and therapist effects), as in the demo study. */
const SITE_SHARE =
  DEMO_ALLIANCE_SD.site ** 2 / (DEMO_ALLIANCE_SD.site ** 2 + DEMO_ALLIANCE_SD.therapist ** 2);

/** Measures, with the release's statistics, how a design shape attenuates r and how variable dyad means are. */
export function calibrate(shape: DesignShape): Calibration {
  const { scored, client } = drawScoredStudy({
    sites: 1,
    dyads: CALIBRATION_DYADS,
    seed: CALIBRATION_SEED,
    design: {
      sessions: shape.sessions,
      dropout: shape.dropout,
      online: shape.online,
      interpreter: shape.interpreter,
      outcome: { zMean: Math.atanh(CALIBRATION_RHO), zSd: 0, rhoScale: 1 },
      siteSd: 0,
      therapistSd: 0,
      onlineShift: 0,
    },
  });
  const site = allianceOutcomeSiteRows(scored, client)[0]?.row;
  const observed = typeof site?.r === 'number' ? site.r : null;
  if (observed === null || !(observed > 0.05))
    throw new RangeError(
      `with ${shape.sessions} sessions and dropout ${shape.dropout} almost no dyad has an early alliance and a PHQ-9 improvement`,
    );
  return {
    rhoScale: CALIBRATION_RHO / observed,
    dyadMeanVariance: variance(dyadAllianceMeans(scored, client).y),
  };
}

/**
 * The generator's design for planned inputs: site correlations whose true observed r has Fisher z
 * ~ N(atanh r, τ²), site and therapist SDs that give the planned therapist ICC (site share as in
 * the demo), and an online shift of g pooled SDs. Throws a RangeError naming the option when the
 * design cannot show what is asked.
 */
export function studyDesign(inputs: PlanInputs, calibration: Calibration): StudyDesign {
  const { rhoScale, dyadMeanVariance: residual } = calibration;
  // Nearly every site's latent correlation must stay below 1: check at 3 τ from the centre.
  const extreme = Math.tanh(Math.abs(Math.atanh(inputs.r)) + 3 * inputs.tau) * rhoScale;
  if (extreme >= 0.99) {
    throw new RangeError(
      `--r ${inputs.r} with --tau ${inputs.tau} is more than this design can show: measurement noise caps the observed r near ${(0.99 / rhoScale).toFixed(2)}`,
    );
  }
  // ICC = (site + therapist variance) / (that + residual + …): the therapist variance comes out of
  // the dyad's, the site variance is added, so I = C / (residual + s·C).
  const cluster = (inputs.therapistIcc * residual) / (1 - inputs.therapistIcc * SITE_SHARE);
  const therapistVariance = (1 - SITE_SHARE) * cluster;
  const ownVariance = DEMO_ALLIANCE_SD.therapist ** 2 + DEMO_ALLIANCE_SD.dyad ** 2;
  if (therapistVariance >= 0.95 * ownVariance) {
    throw new RangeError(
      `--therapist-icc ${inputs.therapistIcc} is more than this design can show (at most about ${((0.95 * ownVariance) / (1 - SITE_SHARE) / (residual + (SITE_SHARE * 0.95 * ownVariance) / (1 - SITE_SHARE))).toFixed(2)})`,
    );
  }
  return {
    sessions: inputs.sessions,
    dropout: inputs.dropout,
    online: inputs.online,
    interpreter: inputs.interpreter,
    outcome: { zMean: Math.atanh(inputs.r), zSd: inputs.tau, rhoScale },
    siteSd: Math.sqrt(SITE_SHARE * cluster),
    therapistSd: Math.sqrt(therapistVariance),
    onlineShift: inputs.g * Math.sqrt(residual + SITE_SHARE * cluster),
    suppressionK: inputs.k,
  };
}
