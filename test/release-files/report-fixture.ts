import { table } from 'arquero';
import {
  agreement,
  allianceOutcome,
  BUILTIN_SCALES,
  type FileDef,
  icc,
  moderators,
  type ReleaseTables,
  type ReportInput,
  releaseFiles,
  reliability,
  ruptures,
  siteSessionSummary,
  therapistWellbeing,
  trajectories,
} from '../../analysis/columns.ts';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { StudyDataBuilder } from '../../analysis/load/study-data.ts';
import { computeRelease, renderRelease } from '../../analysis/release.ts';
import { Study } from '../../shared/study/schema.ts';

// A hand-made release for the report tests: three sites, one of them small enough to be
// suppressed, so every section has ordinary rows and suppressed ones.

type Row = Record<string, unknown>;

/** An arquero table of a file's columns from row objects; absent cells are null. */
export function tableOf(file: FileDef, rows: Row[]) {
  return table(Object.fromEntries(file.columns.map((c) => [c.name, rows.map((row) => row[c.name] ?? null)])));
}

const summaryRows: Row[] = [];
for (const session of [1, 2, 3, 4, 5]) {
  for (const [role, instrument, base] of [
    ['client', 'alliance-client', 44],
    ['therapist', 'alliance-therapist', 41],
  ] as const) {
    summaryRows.push(
      {
        site: 'berlin',
        session,
        role,
        instrument,
        scale: 'total',
        n: 20,
        mean: base + session * 0.8,
        sd: 6.1,
        median: base + session,
        q1: base - 3,
        q3: base + 4,
        suppressed: false,
      },
      { site: 'tiny', session, role, instrument, scale: 'total', suppressed: true },
      {
        site: 'ALL',
        session,
        role,
        instrument,
        scale: 'total',
        n: 44,
        mean: base + session * 0.7 + 0.05,
        sd: 6.4,
        median: base + session,
        q1: base - 3.5,
        q3: base + 4.25,
        suppressed: false,
      },
    );
  }
}

const tables: ReleaseTables = new Map([
  [siteSessionSummary.name, tableOf(siteSessionSummary, summaryRows)],
  [
    reliability.name,
    tableOf(reliability, [
      {
        instrument: 'alliance-client',
        role: 'client',
        scale: 'total',
        site: 'berlin',
        n: 20,
        items: 12,
        alpha: 0.891,
        alpha_lo: 0.81,
        alpha_hi: 0.94,
        suppressed: false,
      },
      {
        instrument: 'alliance-client',
        role: 'client',
        scale: 'total',
        site: 'tiny',
        items: 12,
        suppressed: true,
      },
      {
        instrument: 'alliance-client',
        role: 'client',
        scale: 'total',
        site: 'ALL',
        n: 44,
        items: 12,
        alpha: 0.9,
        alpha_lo: 0.85,
        alpha_hi: 0.94,
        suppressed: false,
      },
    ]),
  ],
  [
    agreement.name,
    tableOf(agreement, [
      { site: 'berlin', n_pairs: 80, r: 0.36, mean_diff: 2.9, sd_diff: 6.2, suppressed: false },
      { site: 'tiny', suppressed: true },
      { site: 'ALL', n_pairs: 170, r: 0.34, mean_diff: 3.1, sd_diff: 6.4, suppressed: false },
    ]),
  ],
  [
    icc.name,
    tableOf(icc, [
      { model: 'therapist', level: 'therapist', variance: 2.1, icc: 0.062, n_groups: 12, n_obs: 44 },
      { model: 'therapist', level: 'residual', variance: 31.8, icc: 0.938, n_groups: 44, n_obs: 44 },
      { model: 'site/therapist', level: 'site', variance: 0, icc: 0, n_groups: 3, n_obs: 44 },
      { model: 'site/therapist', level: 'therapist', variance: 2.1, icc: 0.062, n_groups: 12, n_obs: 44 },
      { model: 'site/therapist', level: 'residual', variance: 31.8, icc: 0.938, n_groups: 44, n_obs: 44 },
    ]),
  ],
  [
    trajectories.name,
    tableOf(trajectories, [
      { site: 'berlin', n_dyads: 18, mean_slope: 0.71, sd_slope: 1.2, suppressed: false },
      { site: 'tiny', suppressed: true },
      { site: 'ALL', n_dyads: 40, mean_slope: 0.69, sd_slope: 1.25, suppressed: false },
    ]),
  ],
  [
    ruptures.name,
    tableOf(ruptures, [
      {
        site: 'berlin',
        threshold: '1sd',
        n_dyads: 15,
        n_dyads_rupture: 6,
        rupture_rate: 0.4,
        n_ruptures: 7,
        n_repaired: 5,
        repair_rate: 0.714,
        suppressed: false,
      },
      {
        site: 'berlin',
        threshold: '2sd',
        n_dyads: 15,
        n_dyads_rupture: 1,
        rupture_rate: 0.0667,
        n_ruptures: 1,
        n_repaired: 1,
        repair_rate: 1,
        suppressed: false,
      },
      { site: 'tiny', threshold: '1sd', suppressed: true },
      { site: 'tiny', threshold: '2sd', suppressed: true },
      {
        site: 'ALL',
        threshold: '1sd',
        n_dyads: 33,
        n_dyads_rupture: 12,
        rupture_rate: 0.364,
        n_ruptures: 14,
        n_repaired: 10,
        repair_rate: 0.769,
        suppressed: false,
      },
      {
        site: 'ALL',
        threshold: '2sd',
        n_dyads: 33,
        n_dyads_rupture: 2,
        rupture_rate: 0.0606,
        n_ruptures: 2,
        n_repaired: 1,
        repair_rate: 0.5,
        suppressed: false,
      },
    ]),
  ],
  [
    allianceOutcome.name,
    tableOf(allianceOutcome, [
      {
        row: 'site',
        site: 'berlin',
        method: '',
        k: 1,
        n: 18,
        r: 0.31,
        z: 0.3205,
        vi: 0.0667,
        se: 0.2582,
        ci_lo: -0.1856,
        ci_hi: 0.8266,
        r_lo: -0.1835,
        r_hi: 0.6787,
        suppressed: false,
      },
      {
        row: 'site',
        site: 'hamburg',
        method: '',
        k: 1,
        n: 16,
        r: 0.22,
        z: 0.2237,
        vi: 0.0769,
        se: 0.2774,
        ci_lo: -0.3199,
        ci_hi: 0.7673,
        r_lo: -0.3094,
        r_hi: 0.6456,
        suppressed: false,
      },
      { row: 'site', site: 'tiny', method: '', suppressed: true },
      {
        row: 'pooled',
        site: '',
        method: 'DL',
        k: 2,
        n: 34,
        r: 0.267,
        z: 0.274,
        vi: 0.0357,
        se: 0.189,
        ci_lo: -0.0966,
        ci_hi: 0.6446,
        r_lo: -0.0963,
        r_hi: 0.568,
        zval: 1.45,
        pval: 0.147,
        tau2: 0,
        i2: 0,
        q: 0.066,
        q_p: 0.797,
        pi_lo: -0.0966,
        pi_hi: 0.6446,
        suppressed: false,
      },
      {
        row: 'pooled',
        site: '',
        method: 'REML',
        k: 2,
        n: 34,
        r: 0.267,
        z: 0.274,
        vi: 0.0357,
        se: 0.189,
        ci_lo: -0.0966,
        ci_hi: 0.6446,
        r_lo: -0.0963,
        r_hi: 0.568,
        zval: 1.45,
        pval: 0.0004,
        tau2: 0.01,
        i2: 12.5,
        q: 0.066,
        q_p: 0.797,
        pi_lo: -0.2,
        pi_hi: 0.75,
        suppressed: false,
      },
    ]),
  ],
  [
    moderators.name,
    tableOf(moderators, [
      { moderator: 'modality', level: 'in_person', n: 30, mean: 46.1, sd: 5.2, suppressed: false },
      {
        moderator: 'modality',
        level: 'online',
        n: 10,
        mean: 44.8,
        sd: 5.9,
        hedges_g: -0.23,
        g_vi: 0.135,
        g_lo: -0.95,
        g_hi: 0.49,
        suppressed: false,
      },
      { moderator: 'modality', level: 'mixed', suppressed: true },
      { moderator: 'interpreter', level: 'false', n: 39, mean: 45.9, sd: 5.4, suppressed: false },
      { moderator: 'interpreter', level: 'true', suppressed: true },
    ]),
  ],
  [therapistWellbeing.name, tableOf(therapistWellbeing, [{ n_therapists: 12, r: -0.21, suppressed: false }])],
]);

/** A report input with every open table filled and some rows suppressed. */
export function reportFixture(): ReportInput {
  return {
    releaseId: '2027-03-01',
    studyId: 'alliance-2027',
    studyTitle: 'Alliance <across> sites',
    suppressionK: 5,
    generator: 'tandem 0.1.0',
    inputs: { dyads: 44, responses: 1320, skipped: 2 },
    files: releaseFiles([...BUILTIN_SCALES]),
    tables,
    sites: [
      {
        siteId: 'berlin',
        name: 'Berlin Mitte',
        targetDyads: 25,
        dyads: 20,
        active: 15,
        ended: 4,
        withdrawn: 1,
        therapists: 6,
        responses: 700,
        due: 800,
        completed: 690,
        responseRate: 0.8625,
      },
      {
        siteId: 'hamburg',
        name: 'Hamburg',
        targetDyads: 20,
        dyads: 20,
        active: 20,
        ended: 0,
        withdrawn: 0,
        therapists: 5,
        responses: 600,
        due: 640,
        completed: 600,
        responseRate: 0.9375,
      },
      {
        siteId: 'tiny',
        name: 'Tiny clinic',
        targetDyads: 0,
        dyads: 4,
        active: 4,
        ended: 0,
        withdrawn: 0,
        therapists: 1,
        responses: 20,
        due: 0,
        completed: 0,
        responseRate: null,
      },
    ],
  };
}

/** report.html of the demo study of `tandem dev` (3 sites, 60 dyads), rendered by the release pipeline. */
export function demoReport(): string {
  const generated = generateStudy({ sites: 3, dyads: 60, seed: 1 });
  const builder = new StudyDataBuilder(Study.parse(generated.study));
  for (const [i, dyad] of generated.dyads.entries()) builder.addDyad(dyad, 'dyads', i + 1);
  for (const [i, response] of generated.responses.entries())
    builder.addResponse(response, 'responses', i + 1);
  const files = renderRelease(computeRelease(builder.finish(), 5), '2027-03-01', 'report-test');
  const report = files.find((file) => file.name === 'report.html');
  if (!report) throw new Error('the release has no report.html');
  return new TextDecoder().decode(report.body);
}
