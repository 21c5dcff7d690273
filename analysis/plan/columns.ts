import type { PlanInputs, PlanPoint } from './types.ts';

// The columns of a plan, in one place: the terminal table and plan.html's table show the same
// figures with the same headings, formats and meanings.

/** What a figure that could not be computed shows. */
export const MISSING = '–';

/** A share (0–1) as a percentage with `digits` decimals, `83.2%`. */
export const percent = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`;

const decimals =
  (digits: number) =>
  (value: number | null): string =>
    value === null ? MISSING : value.toFixed(digits);
const share = (value: number | null): string => (value === null ? MISSING : percent(value));

/** One column of a plan table. */
export interface PlanColumn {
  /** plan.json's key of the figure. */
  key: keyof PlanPoint;
  heading: string;
  /** What the figure means, in a lead's words. */
  meaning: string;
  /** The figure as shown; `MISSING` when it could not be computed or means nothing for the design. */
  cell(point: PlanPoint, inputs: PlanInputs): string;
}

/** The columns of the terminal table and of plan.html, one row per design point. */
export const PLAN_COLUMNS: readonly PlanColumn[] = [
  {
    key: 'dyads',
    heading: 'dyads',
    meaning: 'Dyads enrolled per site: the design point.',
    cell: (p) => String(p.dyads),
  },
  {
    key: 'power',
    heading: 'power ± MCSE',
    meaning:
      'Share of simulated studies whose pooled random-effects (REML) alliance–outcome test is significant at α = .05 (one site: its own correlation test), ± its Monte Carlo SE in percentage points.',
    cell: (p) => `${percent(p.power)} ± ${(p.mcse * 100).toFixed(1)}`,
  },
  {
    key: 'power_fe',
    heading: 'FE power',
    meaning:
      'The same with the fixed-effect (inverse-variance) pooled test, which ignores between-site spread.',
    cell: (p) => percent(p.power_fe),
  },
  {
    key: 'ci_width',
    heading: 'CI width',
    meaning: 'Mean width of the pooled 95% confidence interval of r.',
    cell: (p) => decimals(3)(p.ci_width),
  },
  {
    key: 'pi_width',
    heading: 'PI width',
    meaning: "Mean width of the 95% prediction interval of r: where a new site's correlation would fall.",
    cell: (p) => decimals(3)(p.pi_width),
  },
  {
    key: 'too_few_sites',
    heading: '< 2 sites',
    meaning:
      'Share of simulated studies in which fewer than 2 sites could be pooled (counted as not significant); a one-site study pools nothing.',
    cell: (p, inputs) => (inputs.sites === 1 ? MISSING : percent(p.too_few_sites)),
  },
  {
    key: 'n_analysed',
    heading: 'n analysed',
    meaning:
      'Mean dyads per site that enter the alliance–outcome analysis (after dropout and missing answers).',
    cell: (p) => p.n_analysed.toFixed(1),
  },
  {
    key: 'icc_sd',
    heading: 'ICC SD',
    meaning:
      'SD of the therapist-ICC estimate over the simulated studies: how precisely the study estimates it.',
    cell: (p) => decimals(3)(p.icc_sd),
  },
  {
    key: 'power_g',
    heading: 'power g',
    meaning: 'Power of the online-vs-in-person Hedges g test of mean client alliance at α = .05.',
    cell: (p) => share(p.power_g),
  },
  {
    key: 'suppressed_share',
    heading: 'suppressed',
    meaning: 'Share of site rows suppressed because fewer than k dyads stand behind them.',
    cell: (p) => percent(p.suppressed_share),
  },
];

/** The design points in order of dyads per site. */
export const byDyads = (points: readonly PlanPoint[]): PlanPoint[] =>
  [...points].sort((a, b) => a.dyads - b.dyads);
