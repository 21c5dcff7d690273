import type { StudyDesign } from '../demo/generate.ts';
import { childSeed } from '../demo/random.ts';
import { allianceOutcomeSites, moderatorTable } from '../release.ts';
import { iccTherapist } from '../stats/icc.ts';
import { poolCorrelations } from '../stats/meta.ts';
import { allianceOutcomeSiteRows, dyadAllianceMeans, poolableSites } from '../tables.ts';
import { drawScoredStudy } from './draw.ts';
import type { PlanInputs, PlanPoint } from './types.ts';

// One simulated study of a design point, analysed in memory by the release's own functions: the
// generator draws it, the release's builder loads it, scoring and the alliance_outcome, icc and
// moderators statistics run on it with suppression at the study's k. A study's result is a handful
// of numbers (OUTCOME_FIELDS), so that workers send typed arrays back and the summary is exact
// whatever thread computed which study.

const ALPHA = 0.05;

/** What one simulated study gives, in this order, as numbers (NaN: not available). */
export const OUTCOME_FIELDS = [
  /** 1 when the pooled REML test (one site: the site's own test) is significant at α. */
  'significant',
  /** The same for the fixed-effect pooled test. */
  'significantFe',
  /** Sites pooled. */
  'pooledSites',
  /** Width of the 95% CI of r (pooled REML; one site: the site's), NaN when none. */
  'ciWidth',
  /** Width of the 95% prediction interval of r, NaN when none. */
  'piWidth',
  /** Analysed dyads (early alliance and a PHQ-9 improvement) over all sites. */
  'analysed',
  /** Therapist ICC estimate, NaN when not estimable. */
  'icc',
  /** 1 when the online-vs-in-person g differs from 0 at α, 0 when not, NaN when there is no g. */
  'significantG',
  /** Site rows of alliance_outcome and how many were suppressed. */
  'siteRows',
  'suppressedRows',
] as const;

export const OUTCOME_SIZE = OUTCOME_FIELDS.length;
const FIELD = Object.fromEntries(OUTCOME_FIELDS.map((name, index) => [name, index])) as Record<
  (typeof OUTCOME_FIELDS)[number],
  number
>;

/** The seed of simulation `sim` of design point `point`: independent of which worker runs it. */
export function simulationSeed(seed: number, point: number, sim: number): number {
  return childSeed(childSeed(seed >>> 0, point), sim);
}

/**
 * Draws one study of `dyads` dyads per site with the design and analyses it as a release would;
 * writes its OUTCOME_FIELDS into `out` at `offset`.
 */
export function simulateStudy(
  inputs: PlanInputs,
  design: StudyDesign,
  dyads: number,
  seed: number,
  out: Float64Array,
  offset: number,
): void {
  const { scored, client } = drawScoredStudy({
    sites: inputs.sites,
    dyads: inputs.sites * dyads,
    seed,
    design,
  });

  const counted = allianceOutcomeSiteRows(scored, client);
  let analysed = 0;
  for (const site of counted) analysed += site.units;
  const sites = allianceOutcomeSites(counted, inputs.k);
  const unsuppressed = sites.filter((row) => row.suppressed !== true);
  const effects = poolableSites(sites);
  const reml = poolCorrelations(effects, 'REML');
  const fe = poolCorrelations(effects, 'FE');
  const o = (name: (typeof OUTCOME_FIELDS)[number], value: number) => {
    out[offset + FIELD[name]] = value;
  };
  o('pooledSites', reml.k);
  o('analysed', analysed);
  o('siteRows', sites.length);
  o('suppressedRows', sites.length - unsuppressed.length);
  if (inputs.sites === 1) {
    const site = unsuppressed[0];
    const pval = site && typeof site.pval === 'number' ? site.pval : null;
    o('significant', pval !== null && pval < ALPHA ? 1 : 0);
    o('significantFe', pval !== null && pval < ALPHA ? 1 : 0);
    o(
      'ciWidth',
      site && typeof site.r_hi === 'number' && typeof site.r_lo === 'number'
        ? site.r_hi - site.r_lo
        : Number.NaN,
    );
    o('piWidth', Number.NaN);
  } else {
    // Fewer than two pooled sites: no pooled test, which counts as not significant.
    o('significant', reml.pval !== null && reml.pval < ALPHA ? 1 : 0);
    o('significantFe', fe.pval !== null && fe.pval < ALPHA ? 1 : 0);
    o('ciWidth', reml.r_hi !== null && reml.r_lo !== null ? reml.r_hi - reml.r_lo : Number.NaN);
    o(
      'piWidth',
      reml.pi_hi !== null && reml.pi_lo !== null ? Math.tanh(reml.pi_hi) - Math.tanh(reml.pi_lo) : Number.NaN,
    );
  }

  const means = dyadAllianceMeans(scored, client);
  const icc = iccTherapist(means.y, means.therapist).find((row) => row.level === 'therapist')?.icc ?? null;
  o('icc', icc ?? Number.NaN);

  const online = moderatorTable(scored, client, inputs.k).find(
    (row) => row.moderator === 'modality' && row.level === 'online',
  );
  const gLo = online?.g_lo;
  const gHi = online?.g_hi;
  o(
    'significantG',
    typeof gLo === 'number' && typeof gHi === 'number' ? (gLo > 0 || gHi < 0 ? 1 : 0) : Number.NaN,
  );
}

/** A batch of studies: sims `from` … `to` − 1 of design point `point`. */
export interface PlanBatch {
  point: number;
  from: number;
  to: number;
}

/** The outcomes of a batch's studies, OUTCOME_SIZE numbers each in sim order. */
export function simulateBatch(inputs: PlanInputs, design: StudyDesign, batch: PlanBatch): Float64Array {
  const dyads = inputs.dyads[batch.point]!;
  const outcomes = new Float64Array((batch.to - batch.from) * OUTCOME_SIZE);
  for (let sim = batch.from; sim < batch.to; sim++) {
    const seed = simulationSeed(inputs.seed, batch.point, sim);
    simulateStudy(inputs, design, dyads, seed, outcomes, (sim - batch.from) * OUTCOME_SIZE);
  }
  return outcomes;
}

/** The PlanPoint of a design point from its studies' outcomes (OUTCOME_SIZE numbers each, in sim order). */
export function summarisePoint(inputs: PlanInputs, dyads: number, outcomes: Float64Array): PlanPoint {
  const sims = outcomes.length / OUTCOME_SIZE;
  const column = (name: (typeof OUTCOME_FIELDS)[number]): number[] =>
    Array.from({ length: sims }, (_, sim) => outcomes[sim * OUTCOME_SIZE + FIELD[name]]!);
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const present = (values: readonly number[]): number[] => values.filter((value) => !Number.isNaN(value));
  const meanOrNull = (values: readonly number[]): number | null =>
    values.length === 0 ? null : sum(values) / values.length;

  const power = sum(column('significant')) / sims;
  const icc = present(column('icc'));
  const iccMean = meanOrNull(icc);
  const g = column('significantG');
  const siteRows = sum(column('siteRows'));
  return {
    dyads,
    sims,
    power,
    power_fe: sum(column('significantFe')) / sims,
    mcse: Math.sqrt((power * (1 - power)) / sims),
    ci_width: meanOrNull(present(column('ciWidth'))),
    pi_width: meanOrNull(present(column('piWidth'))),
    too_few_sites: column('pooledSites').filter((k) => k < 2).length / sims,
    n_analysed: sum(column('analysed')) / (sims * inputs.sites),
    icc_sd:
      iccMean === null || icc.length < 2
        ? null
        : Math.sqrt(sum(icc.map((value) => (value - iccMean) ** 2)) / (icc.length - 1)),
    // A study without both groups has no g: not significant, as long as some study had one.
    power_g: present(g).length === 0 ? null : sum(present(g)) / sims,
    suppressed_share: siteRows === 0 ? 0 : sum(column('suppressedRows')) / siteRows,
  };
}
