import type { ColumnTable } from 'arquero';
import type { InstrumentDefinition } from '../shared/instruments/schema.ts';
import { scaleNames } from '../shared/instruments/score.ts';

// The columns of every release file (DESIGN §8), defined once. The CSV and Parquet writers write
// only the columns defined here, and the codebook is generated from the same definitions, so no
// column can be released without a codebook entry.

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';
export type Tier = 'open' | 'analyst';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  meaning: string;
  /** Possible values, as text for the codebook (`0–1`, `1sd, 2sd`). */
  range?: string;
  /** When the cell is empty. */
  missing?: string;
  /** For enumerated strings: the values in the order rows are sorted by (else text order). */
  levels?: readonly string[];
  /** Readable labels of some levels, by value (a level without one is labelled by its value). */
  levelLabels?: Readonly<Record<string, string>>;
  /** Levels that depend on the study, filled in by `withStudyLevels` (analysis/levels.ts). */
  studyLevels?: StudyLevels;
}

/** Study-dependent level sets: site ids (with ALL on pooled files), instrument ids, scale names. */
export type StudyLevels = 'sites' | 'sitesAndAll' | 'instruments' | 'scales';

export interface FileDef {
  /** File name with extension, e.g. `site_session_summary.csv`. */
  name: string;
  tier: Tier;
  /** Columns that identify a row, in sort order (`site` sorts `ALL` after the sites). */
  keyColumns: readonly string[];
  columns: readonly ColumnDef[];
}

/** The release's tables by file name (`site_session_summary.csv` → its arquero table). */
export type ReleaseTables = Map<string, ColumnTable>;

/** Value of `site` on the rows that pool every site. */
export const ALL_SITES = 'ALL';

/** Scale names every release knows, in scores_long column order; a study's own scales follow. */
export const BUILTIN_SCALES = ['total', 'task', 'bond', 'goal', 'exhaustion', 'self-care'] as const;

const SUPPRESSED_NOTE = 'empty when the row is suppressed';
const sitePlusAll: ColumnDef = {
  name: 'site',
  type: 'string',
  meaning: 'site id, or ALL for every site together',
  range: 'site ids, ALL',
  studyLevels: 'sitesAndAll',
};
const suppressed: ColumnDef = {
  name: 'suppressed',
  type: 'boolean',
  meaning: 'true when fewer than k distinct dyads (therapists for therapist-level rows) stand behind the row',
  range: 'true, false',
};
const count = (name: string, meaning: string): ColumnDef => ({
  name,
  type: 'integer',
  meaning,
  range: '≥ 1',
  missing: SUPPRESSED_NOTE,
});
const statistic = (name: string, meaning: string, range?: string, missing = SUPPRESSED_NOTE): ColumnDef => ({
  name,
  type: 'number',
  meaning,
  ...(range === undefined ? {} : { range }),
  missing,
});
const role: ColumnDef = {
  name: 'role',
  type: 'string',
  meaning: 'who answered',
  range: 'client, therapist, interpreter',
  levels: ['client', 'therapist', 'interpreter'],
};
const instrument: ColumnDef = {
  name: 'instrument',
  type: 'string',
  meaning: 'instrument id',
  studyLevels: 'instruments',
};
const scale: ColumnDef = {
  name: 'scale',
  type: 'string',
  meaning: 'subscale name, or total',
  studyLevels: 'scales',
};
const modalityLevels = {
  levels: ['in_person', 'online', 'mixed'],
  levelLabels: { in_person: 'in person', online: 'online', mixed: 'mixed' },
} as const;

export const siteSessionSummary: FileDef = {
  name: 'site_session_summary.csv',
  tier: 'open',
  keyColumns: ['site', 'session', 'role', 'instrument', 'scale'],
  columns: [
    sitePlusAll,
    {
      name: 'session',
      type: 'integer',
      meaning: 'session number (administration number for monthly therapist instruments)',
      range: '≥ 1',
    },
    role,
    instrument,
    scale,
    count('n', 'scored administrations'),
    statistic('mean', 'mean scale score (unrounded; prorated when 75% or more of the items were answered)'),
    statistic('sd', 'standard deviation (n − 1)', '≥ 0', 'empty when suppressed or n < 2'),
    statistic('median', 'median scale score'),
    statistic('q1', 'first quartile (R quantile type 7)'),
    statistic('q3', 'third quartile (R quantile type 7)'),
    suppressed,
  ],
};

export const reliability: FileDef = {
  name: 'reliability.csv',
  tier: 'open',
  keyColumns: ['instrument', 'role', 'scale', 'site'],
  columns: [
    instrument,
    role,
    scale,
    sitePlusAll,
    count('n', 'dyads (therapists for therapist-level instruments) with a complete first administration'),
    { name: 'items', type: 'integer', meaning: 'items in the scale (k)', range: '≥ 2' },
    statistic(
      'alpha',
      "Cronbach's alpha on reverse-scored items of the first administration",
      '≤ 1',
      'empty when suppressed or not computable',
    ),
    statistic(
      'alpha_lo',
      'Feldt 95% confidence interval, lower bound',
      '≤ 1',
      'empty when suppressed or not computable',
    ),
    statistic(
      'alpha_hi',
      'Feldt 95% confidence interval, upper bound',
      '≤ 1',
      'empty when suppressed or not computable',
    ),
    suppressed,
  ],
};

export const agreement: FileDef = {
  name: 'agreement.csv',
  tier: 'open',
  keyColumns: ['site'],
  columns: [
    sitePlusAll,
    count('n_pairs', 'matched (dyad, session) pairs of client and therapist alliance totals'),
    statistic(
      'r',
      'Pearson correlation of client and therapist totals',
      '−1–1',
      'empty when suppressed or not computable',
    ),
    statistic('mean_diff', 'mean of client − therapist total'),
    statistic(
      'sd_diff',
      'standard deviation (n − 1) of client − therapist total',
      '≥ 0',
      'empty when suppressed or n < 2',
    ),
    suppressed,
  ],
};

export const icc: FileDef = {
  name: 'icc.csv',
  tier: 'open',
  keyColumns: ['model', 'level'],
  columns: [
    {
      name: 'model',
      type: 'string',
      meaning:
        'random-effects model of dyad mean client alliance: y ~ 1 + (1|therapist), or y ~ 1 + (1|site) + (1|site:therapist)',
      range: 'therapist, site/therapist',
      levels: ['therapist', 'site/therapist'],
    },
    {
      name: 'level',
      type: 'string',
      meaning: 'variance component',
      range: 'site, therapist, residual',
      levels: ['site', 'therapist', 'residual'],
    },
    statistic(
      'variance',
      'REML variance component (0 at the boundary)',
      '≥ 0',
      'empty when the model cannot be fitted',
    ),
    statistic('icc', 'component / total variance', '0–1', 'empty when the model cannot be fitted'),
    {
      name: 'n_groups',
      type: 'integer',
      meaning: 'groups at this level (n_obs on the residual row)',
      range: '≥ 0',
    },
    { name: 'n_obs', type: 'integer', meaning: 'dyads in the model', range: '≥ 0' },
  ],
};

export const trajectories: FileDef = {
  name: 'trajectories.csv',
  tier: 'open',
  keyColumns: ['site'],
  columns: [
    sitePlusAll,
    count('n_dyads', 'dyads with at least 3 client alliance totals in sessions 1–5'),
    statistic('mean_slope', 'mean OLS slope of client alliance total on session number (points per session)'),
    statistic(
      'sd_slope',
      'standard deviation (n − 1) of the slopes',
      '≥ 0',
      'empty when suppressed or n < 2',
    ),
    suppressed,
  ],
};

export const ruptures: FileDef = {
  name: 'ruptures.csv',
  tier: 'open',
  keyColumns: ['site', 'threshold'],
  columns: [
    sitePlusAll,
    {
      name: 'threshold',
      type: 'string',
      meaning: "a rupture is a drop of at least 1 or 2 SDs of the dyad's client alliance totals",
      range: '1sd, 2sd',
      levels: ['1sd', '2sd'],
      levelLabels: { '1sd': 'drop of at least 1 SD', '2sd': 'drop of at least 2 SD' },
    },
    count('n_dyads', 'dyads with at least 4 client alliance totals'),
    count('n_dyads_rupture', 'dyads with at least one rupture'),
    statistic('rupture_rate', 'n_dyads_rupture / n_dyads', '0–1'),
    count('n_ruptures', 'ruptures'),
    count('n_repaired', 'ruptures repaired within the next two totals'),
    statistic(
      'repair_rate',
      'repaired / ruptures followed by at least one total',
      '0–1',
      'empty when suppressed or no rupture was followed by a total',
    ),
    suppressed,
  ],
};

export const allianceOutcome: FileDef = {
  name: 'alliance_outcome.csv',
  tier: 'open',
  keyColumns: ['row', 'site', 'method'],
  columns: [
    {
      name: 'row',
      type: 'string',
      meaning: 'a site estimate or a pooled estimate',
      range: 'site, pooled',
      levels: ['site', 'pooled'],
    },
    {
      name: 'site',
      type: 'string',
      meaning: 'site id',
      missing: 'empty on pooled rows',
      studyLevels: 'sites',
    },
    {
      name: 'method',
      type: 'string',
      meaning: 'random-effects estimator of the pooled rows',
      range: 'DL, REML',
      missing: 'empty on site rows',
      levels: ['', 'DL', 'REML'],
    },
    count('k', 'sites pooled (1 on site rows)'),
    count('n', 'dyads with early alliance and PHQ-9 improvement (summed over pooled sites)'),
    statistic(
      'r',
      'correlation of early alliance (mean client total, sessions 1–3) with PHQ-9 improvement (first − last)',
      '−1–1',
      'empty when suppressed or not computable',
    ),
    statistic(
      'z',
      'Fisher z = atanh(r); the pooled estimate on pooled rows',
      undefined,
      'empty when suppressed or not computable',
    ),
    statistic(
      'vi',
      'sampling variance of z (1/(n−3); se² on pooled rows)',
      '> 0',
      'empty when suppressed or not computable',
    ),
    statistic('se', 'standard error of z', '> 0', 'empty when suppressed or not computable'),
    statistic(
      'ci_lo',
      '95% confidence interval of z, lower bound',
      undefined,
      'empty when suppressed or not computable',
    ),
    statistic(
      'ci_hi',
      '95% confidence interval of z, upper bound',
      undefined,
      'empty when suppressed or not computable',
    ),
    statistic('r_lo', 'tanh(ci_lo)', '−1–1', 'empty when suppressed or not computable'),
    statistic('r_hi', 'tanh(ci_hi)', '−1–1', 'empty when suppressed or not computable'),
    statistic(
      'zval',
      'z test of z (H0: no association): z / se',
      undefined,
      'empty when suppressed or not computable',
    ),
    statistic('pval', 'two-sided p of zval', '0–1', 'empty when suppressed or not computable'),
    statistic('tau2', 'between-site variance τ²', '≥ 0', 'empty on site rows'),
    statistic('i2', 'I² in percent', '0–100', 'empty on site rows'),
    statistic('q', "Cochran's Q", '≥ 0', 'empty on site rows'),
    statistic('q_p', 'p of Q with k − 1 df', '0–1', 'empty on site rows'),
    statistic('pi_lo', '95% prediction interval of z, lower bound', undefined, 'empty on site rows'),
    statistic('pi_hi', '95% prediction interval of z, upper bound', undefined, 'empty on site rows'),
    suppressed,
  ],
};

export const moderators: FileDef = {
  name: 'moderators.csv',
  tier: 'open',
  keyColumns: ['moderator', 'level'],
  columns: [
    {
      name: 'moderator',
      type: 'string',
      meaning: 'dyad characteristic',
      range: 'modality, interpreter',
      levels: ['modality', 'interpreter'],
    },
    {
      name: 'level',
      type: 'string',
      meaning: 'value of the moderator',
      range: 'in_person, online, mixed; false, true',
      levels: ['in_person', 'online', 'mixed', 'false', 'true'],
      levelLabels: { ...modalityLevels.levelLabels, false: 'no interpreter', true: 'interpreter' },
    },
    count('n', 'dyads with at least one client alliance total'),
    statistic('mean', 'mean of dyad means of client alliance totals'),
    statistic('sd', 'standard deviation (n − 1) of dyad means', '≥ 0', 'empty when suppressed or n < 2'),
    statistic(
      'hedges_g',
      'Hedges g of this level against in_person (modality) or false (interpreter); positive: this level higher',
      undefined,
      'only on the online and true rows; empty when either level is suppressed',
    ),
    statistic('g_vi', 'sampling variance of g', '> 0', 'as hedges_g'),
    statistic('g_lo', '95% confidence interval of g, lower bound', undefined, 'as hedges_g'),
    statistic('g_hi', '95% confidence interval of g, upper bound', undefined, 'as hedges_g'),
    suppressed,
  ],
};

export const therapistWellbeing: FileDef = {
  name: 'therapist_wellbeing.csv',
  tier: 'open',
  keyColumns: [],
  columns: [
    count('n_therapists', 'therapists with both exhaustion scores and client alliance totals'),
    statistic(
      'r',
      "Pearson correlation of a therapist's mean exhaustion with the mean of their dyads' mean client alliance totals",
      '−1–1',
      'empty when suppressed or not computable',
    ),
    { ...suppressed, meaning: 'true when fewer than k distinct therapists stand behind the row' },
  ],
};

/** The scale columns of scores_long: the built-in scale names, then any a study adds. */
export function releaseScaleNames(instruments: Iterable<InstrumentDefinition>): string[] {
  const names: string[] = [...BUILTIN_SCALES];
  for (const def of instruments)
    for (const name of scaleNames(def)) if (!names.includes(name)) names.push(name);
  return names;
}

/** The analyst-tier file, whose scale columns depend on the study's instruments. */
export function scoresLong(scales: readonly string[]): FileDef {
  return {
    name: 'scores_long.csv',
    tier: 'analyst',
    keyColumns: ['site', 'therapist', 'dyad', 'role', 'session', 'instrument'],
    columns: [
      {
        name: 'dyad',
        type: 'string',
        meaning: 'dyad pseudonym, new in every release',
        missing: 'empty for therapist-level instruments',
      },
      { name: 'therapist', type: 'string', meaning: 'therapist pseudonym, new in every release' },
      { name: 'site', type: 'string', meaning: 'site id', studyLevels: 'sites' },
      role,
      {
        name: 'session',
        type: 'integer',
        meaning: 'session number (administration number for monthly therapist instruments)',
        range: '≥ 1',
      },
      instrument,
      ...scales.map(
        (name): ColumnDef => ({
          name,
          type: 'number',
          meaning: `${name} score (unrounded; prorated when 75% or more of its items were answered)`,
          missing: 'empty when the instrument has no such scale or too few of its items were answered',
        }),
      ),
      {
        name: 'modality',
        type: 'string',
        meaning: "the dyad's modality",
        range: 'in_person, online, mixed',
        missing: 'empty for therapist-level instruments',
        ...modalityLevels,
      },
      {
        name: 'interpreter',
        type: 'boolean',
        meaning: 'the dyad works with an interpreter',
        range: 'true, false',
        missing: 'empty for therapist-level instruments',
      },
      {
        name: 'week',
        type: 'integer',
        meaning: 'whole weeks from enrolment to submission',
        range: '≥ 0',
        missing: 'empty for therapist-level instruments',
      },
    ],
  };
}

/** The open-tier tables, in the order a release lists them. */
export const OPEN_FILES: readonly FileDef[] = [
  siteSessionSummary,
  reliability,
  agreement,
  icc,
  trajectories,
  ruptures,
  allianceOutcome,
  moderators,
  therapistWellbeing,
];

/** Every tabular file of a release (CSV, each with a Parquet twin), open tier first. */
export function releaseFiles(scales: readonly string[]): FileDef[] {
  return [...OPEN_FILES, scoresLong(scales)];
}

/** Enrolment and response figures of one site, for the report. */
export interface SiteEnrolment {
  siteId: string;
  name: string;
  targetDyads: number;
  dyads: number;
  active: number;
  ended: number;
  withdrawn: number;
  therapists: number;
  responses: number;
  /** Administrations due by the dyads' current sessions (dyad-level schedule entries). */
  due: number;
  /** Of those due, how many were answered. */
  completed: number;
  /** completed / due; null when nothing was due. */
  responseRate: number | null;
}

/** What the report writer receives: everything it shows, already computed and suppressed. */
export interface ReportInput {
  releaseId: string;
  studyId: string;
  studyTitle: string;
  suppressionK: number;
  generator: string;
  inputs: { dyads: number; responses: number; skipped: number };
  /** Tabular files of the release, with their definitions (for column meanings). */
  files: readonly FileDef[];
  /** Open-tier tables only; the report is open tier. */
  tables: ReleaseTables;
  sites: readonly SiteEnrolment[];
}
