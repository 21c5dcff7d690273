import { byDyads, percent } from './columns.ts';
import type { PlanInputs, PlanPoint, PlanResult } from './types.ts';

// The words of a plan: its inputs as a lead would state them, and the paragraph a lead can paste
// into a grant or an ethics application, built from the figures alone.

/** The power a study is conventionally planned for. */
export const TARGET_POWER = 0.8;

/** A correlation as a psychology journal writes it: `.28`, `−.05`. */
export const correlationLabel = (r: number): string =>
  `${r < 0 ? '−' : ''}${String(Number(Math.abs(r).toFixed(3))).replace(/^0(?=\.)/, '')}`;

/** A power as a whole percentage, with one decimal where rounding would claim the 80% target: `83%`, `79.7%`. */
export function powerLabel(power: number): string {
  const whole = Math.round(power * 100);
  return whole >= TARGET_POWER * 100 && power < TARGET_POWER ? percent(power) : `${whole}%`;
}

const perSite = (sites: number): string => (sites === 1 ? '' : ' per site');
const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The smallest design point that reaches 80% power, or undefined when none does. */
export function smallestPowered(points: readonly PlanPoint[]): PlanPoint | undefined {
  return byDyads(points).find((point) => point.power >= TARGET_POWER);
}

/** Each input of the plan as one plain sentence (for the page's "what was planned" list). */
export function inputsInWords(inputs: PlanInputs): string[] {
  const dyads = inputs.dyads.length === 1 ? `${inputs.dyads[0]}` : listOf(inputs.dyads.map(String), 'or');
  return [
    inputs.sites === 1
      ? `One site with ${dyads} dyads.`
      : `${inputs.sites} sites, each with ${dyads} dyads (one design per number of dyads).`,
    `${count(inputs.sessions, 'session', 'sessions')} per dyad.`,
    inputs.dropout === 0
      ? 'No dropout: every dyad attends every session.'
      : `${percent(inputs.dropout, 0)} of dyads drop out before their last session.`,
    `A true correlation of r = ${correlationLabel(inputs.r)} between the early-alliance mean (sessions 1–3) and PHQ-9 improvement.`,
    inputs.sites === 1
      ? 'With one site there is no between-site spread to model.'
      : inputs.tau === 0
        ? 'The same true correlation at every site (τ = 0).'
        : `A between-site SD of that correlation of τ = ${inputs.tau.toFixed(2)} on Fisher's z.`,
    `Therapists account for ${percent(inputs.therapistIcc, 0)} of the variance in alliance (therapist ICC ${inputs.therapistIcc.toFixed(2)}).`,
    `${percent(inputs.online, 0)} of dyads meet online and ${percent(inputs.interpreter, 0)} work with an interpreter.`,
    `A true online-vs-in-person difference in mean client alliance of Hedges g = ${inputs.g.toFixed(2)}.`,
    `Rows that fewer than ${inputs.k} dyads stand behind are suppressed (k = ${inputs.k}).`,
    `${inputs.sims} simulated studies per design, seed ${inputs.seed}, tests at α = .05.`,
  ];
}

function listOf(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** The test behind `power`, named for the design. */
const testName = (sites: number): string =>
  sites === 1
    ? "the site's own correlation test (Fisher's z at α = .05; with one site nothing is pooled)"
    : 'the pooled random-effects (REML) test at α = .05';

/** "With 12 sites of 25 dyads (300 in all)" or "With one site of 40 dyads". */
const design = (sites: number, dyads: number): string =>
  sites === 1
    ? `With one site of ${dyads} dyads`
    : `With ${sites} sites of ${dyads} dyads (${sites * dyads} in all)`;

const uncertainty = (point: PlanPoint): string =>
  `(Monte Carlo SE ±${(point.mcse * 100).toFixed(1)}%, ${point.sims} simulated studies)`;

/** The headline: which design reaches 80% power, or that none of those simulated does. */
function headline(
  inputs: PlanInputs,
  points: readonly PlanPoint[],
): { sentences: string[]; point: PlanPoint } {
  const sorted = byDyads(points);
  const reached = smallestPowered(sorted);
  const point = reached ?? sorted[sorted.length - 1]!;
  const r = `r = ${correlationLabel(inputs.r)}`;
  const power = `${powerLabel(point.power)} power ${uncertainty(point)}`;
  if (!reached) {
    const which = sorted.length === 1 ? '' : ', the largest simulated';
    return {
      point,
      sentences: [
        `${sorted.length === 1 ? 'The design simulated does not reach' : 'None of the designs simulated reaches'} ${percent(TARGET_POWER, 0)} power to detect an alliance–outcome correlation of ${r}.`,
        `${design(inputs.sites, point.dyads)}${which}, ${testName(inputs.sites)} has ${power}; ${inputs.sites === 1 ? 'more dyads are' : 'more sites or more dyads per site are'} needed.`,
      ],
    };
  }
  const smallest =
    sorted.length > 1
      ? `, the smallest of the designs simulated that reaches ${percent(TARGET_POWER, 0)}`
      : '';
  const sentences = [
    `${design(inputs.sites, point.dyads)}, a study like this detects an alliance–outcome correlation of ${r} with ${power} in ${testName(inputs.sites)}${smallest}.`,
  ];
  const before = sorted[sorted.indexOf(point) - 1];
  if (before)
    sentences.push(
      `With ${before.dyads} dyads${perSite(inputs.sites)}, power is ${powerLabel(before.power)}.`,
    );
  return { point, sentences };
}

/** How much the design point tells beyond the test: analysed dyads, interval widths, the other tests. */
function details(inputs: PlanInputs, point: PlanPoint): string[] {
  const out: string[] = [];
  const analysed = `On average ${point.n_analysed.toFixed(1)} of the ${point.dyads} dyads${perSite(inputs.sites)} enter the analysis`;
  const ci =
    point.ci_width === null ? null : `the 95% confidence interval of r is ${point.ci_width.toFixed(2)} wide`;
  const pi =
    point.pi_width === null
      ? null
      : `the 95% prediction interval for a new site's correlation ${point.pi_width.toFixed(2)} wide`;
  const precision = [ci, pi].filter((part): part is string => part !== null).join(' and ');
  out.push(precision ? `${analysed}; ${precision}.` : `${analysed}.`);
  if (inputs.sites > 1) {
    out.push(
      `A fixed-effect (inverse-variance) pooled test, which ignores between-site spread, would have ${powerLabel(point.power_fe)} power.`,
    );
    if (point.too_few_sites > 0)
      out.push(
        `In ${percent(point.too_few_sites)} of the simulated studies fewer than 2 sites could be pooled; they count as not significant.`,
      );
  }
  if (point.power_g !== null)
    out.push(
      `The same design detects an online-vs-in-person difference in mean client alliance of g = ${inputs.g.toFixed(2)} with ${powerLabel(point.power_g)} power.`,
    );
  if (point.suppressed_share > 0)
    out.push(
      `Suppression would empty ${percent(point.suppressed_share)} of site rows (fewer than k = ${inputs.k} dyads behind them).`,
    );
  return out;
}

/** What the figures rest on, in one sentence, pointing at the document that sets it out. */
function assumptions(inputs: PlanInputs): string {
  const spread =
    inputs.sites === 1 ? '' : `a between-site SD of τ = ${inputs.tau.toFixed(2)} on Fisher's z, `;
  const dropout = inputs.dropout === 0 ? 'no dropout' : `${percent(inputs.dropout, 0)} dropout`;
  return `The studies were drawn by Tandem's synthetic-study generator with ${spread}a therapist ICC of ${inputs.therapistIcc.toFixed(2)}, ${count(inputs.sessions, 'session', 'sessions')} per dyad and ${dropout}, and analysed as a Tandem release would analyse them; what the simulation assumes is set out in docs/planning.md.`;
}

/** The plain-language paragraph of a plan, for a grant or an ethics application. */
export function planParagraph(result: PlanResult): string {
  if (result.points.length === 0) return 'No design was simulated.';
  const { sentences, point } = headline(result.inputs, result.points);
  return [...sentences, ...details(result.inputs, point), assumptions(result.inputs)].join(' ');
}
