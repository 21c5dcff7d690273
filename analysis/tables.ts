import { ROLES, type Role } from '../shared/instruments/roles.ts';
import { ALL_SITES } from './columns.ts';
import { MODALITIES, NO_ANSWER, type ResponseColumns } from './load/study-data.ts';
import { type InstrumentPlan, type ScoredResponses, scaleColumn } from './score.ts';
import { agreement as agreementOf } from './stats/agreement.ts';
import { cronbachAlphaOfMatrix } from './stats/alpha.ts';
import { describe } from './stats/describe.ts';
import { type IccRow, iccSiteTherapist, iccTherapist } from './stats/icc.ts';
import { NO_HETEROGENEITY, poolCorrelations, type SiteEffect, siteCorrelation } from './stats/meta.ts';
import { hedgesG } from './stats/moderators.ts';
import { type RuptureThreshold, ruptures as rupturesOf } from './stats/ruptures.ts';
import { type DyadSeries, trajectories as trajectoriesOf } from './stats/trajectories.ts';
import { therapistWellbeing as wellbeingOf } from './stats/wellbeing.ts';
import type { CountedRow, Row } from './suppress.ts';

// The open-tier tables other than site_session_summary, assembled from the scored responses by
// calling the statistics modules. Each builder returns rows with the distinct dyads (or
// therapists) behind them; suppression happens afterwards, in release.ts.

/** One score per response of a (instrument, role, scale), grouped by dyad in session order. */
export interface DyadScores {
  /** Scores of dyad d are values[start[d] … start[d + 1] − 1]. */
  start: Int32Array;
  session: Int32Array;
  values: Float64Array;
}

/** Present scores of one instrument/role/scale per dyad, in session order (missing ones skipped). */
export function dyadScores(
  scored: ScoredResponses,
  instrumentId: string,
  role: Role,
  scale: string,
): DyadScores {
  const { data } = scored;
  const r = data.responses;
  const dyads = data.dyads.count;
  const instrument = data.instruments.findIndex((def) => def.id === instrumentId);
  const roleIndex = ROLES.indexOf(role);
  const scores = scaleColumn(scored, scale);
  const start = new Int32Array(dyads + 1);
  const sessions: number[] = [];
  const values: number[] = [];
  if (instrument >= 0 && scores) {
    // Responses are in canonical order (dyad, role, session, instrument), so one pass suffices.
    let dyad = 0;
    for (let i = 0; i < r.count; i++) {
      const d = r.dyad[i]!;
      if (d < 0 || r.instrument[i] !== instrument || r.role[i] !== roleIndex) continue;
      const value = scores[i]!;
      if (Number.isNaN(value)) continue;
      while (dyad < d) start[++dyad] = values.length;
      sessions.push(r.session[i]!);
      values.push(value);
    }
    while (dyad < dyads) start[++dyad] = values.length;
  }
  return { start, session: Int32Array.from(sessions), values: Float64Array.from(values) };
}

const slice = (scores: DyadScores, d: number): Float64Array =>
  scores.values.subarray(scores.start[d]!, scores.start[d + 1]!);
const sessionsOf = (scores: DyadScores, d: number): Int32Array =>
  scores.session.subarray(scores.start[d]!, scores.start[d + 1]!);

function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Per site (and ALL): calls `build` with the dyads of that site; a null result leaves no row. */
function perSite(
  scored: ScoredResponses,
  build: (dyads: number[], site: string) => CountedRow[] | CountedRow | null,
): CountedRow[] {
  const { data } = scored;
  const bySite: number[][] = data.sites.map(() => []);
  for (let d = 0; d < data.dyads.count; d++) bySite[data.dyads.site[d]!]!.push(d);
  const all = bySite.flat().sort((a, b) => a - b);
  const out: CountedRow[] = [];
  const add = (result: CountedRow[] | CountedRow | null): void => {
    if (result === null) return;
    for (const row of Array.isArray(result) ? result : [result]) if (row.units > 0) out.push(row);
  };
  for (const [index, site] of data.sites.entries()) add(build(bySite[index]!, site.siteId));
  add(build(all, ALL_SITES));
  return out;
}

/** Client alliance totals per dyad, the series most statistics use. */
export function clientAlliance(scored: ScoredResponses): DyadScores {
  return dyadScores(scored, 'alliance-client', 'client', 'total');
}

/**
 * Each owner's first administration (lowest session) of every (instrument, role), in one pass:
 * an owner's responses are contiguous and in session order (canonical order).
 */
function firstAdministrations(scored: ScoredResponses): number[][] {
  const { data } = scored;
  const r = data.responses;
  const slots = data.instruments.length * ROLES.length;
  const first: number[][] = Array.from({ length: slots }, () => []);
  const seen = new Uint8Array(slots);
  const touched: number[] = [];
  let previousOwner = -1;
  for (let i = 0; i < r.count; i++) {
    const owner = r.dyad[i]! >= 0 ? r.dyad[i]! : data.dyads.count + r.therapist[i]!;
    if (owner !== previousOwner) {
      for (const slot of touched) seen[slot] = 0;
      touched.length = 0;
      previousOwner = owner;
    }
    const slot = r.instrument[i]! * ROLES.length + r.role[i]!;
    if (seen[slot]) continue;
    seen[slot] = 1;
    touched.push(slot);
    first[slot]!.push(i);
  }
  return first;
}

/**
 * reliability.csv rows: alpha per instrument × role × scale × site on each owner's first
 * administration. Each first administration's keyed answers are read once per instrument into a
 * matrix (rows in site order), and every scale's alpha is taken from its columns: reading the
 * answers per scale into an array per row took 0.7–1.36 s of CPU at 1M responses, this
 * 0.39–0.72 s (2026-12-01, same process and data, two rounds each on a shared machine).
 */
export function reliabilityRows(scored: ScoredResponses): CountedRow[] {
  const { data } = scored;
  const sites = data.sites.length;
  const firstBySlot = firstAdministrations(scored);
  const out: CountedRow[] = [];
  for (const [instrument, plan] of scored.plans.entries()) {
    const items = plan.def.items.length;
    for (const role of plan.def.roles) {
      const first = firstBySlot[instrument * ROLES.length + ROLES.indexOf(role)]!;
      if (first.length === 0) continue;
      const { bySite, siteStart } = bySiteOf(data.responses.site, first, sites);
      const keyed = keyedMatrix(data.responses, bySite, plan);
      for (const scale of plan.scales) {
        const k = scale.positions.length;
        if (k < 2 || scale.positions.includes(-1)) continue;
        const { complete, completeStart } = completeRows(keyed, items, scale.positions, siteStart);
        const add = (site: string, from: number, to: number): void => {
          if (to === from) return;
          const result = cronbachAlphaOfMatrix(complete.subarray(from * k, to * k), to - from, k);
          out.push({
            row: {
              instrument: plan.def.id,
              role,
              scale: scale.name,
              site,
              n: result.n,
              items: result.items,
              alpha: result.alpha,
              alpha_lo: result.alpha_lo,
              alpha_hi: result.alpha_hi,
            },
            units: result.n,
          });
        };
        for (const [index, site] of data.sites.entries())
          add(site.siteId, completeStart[index]!, completeStart[index + 1]!);
        add(ALL_SITES, 0, completeStart[sites]!);
      }
    }
  }
  return out;
}

// reliabilityRows' passes are functions of their own: as one function with its loops inline,
// V8 compiled it five times at 1M responses (deoptimised as each loop met new types), the last
// compiles taking 0.13–0.36 s of CPU each on a background thread beside the release's own.

/**
 * The first administrations by site (stable: in owner order within a site), so that ALL's rows
 * are the sites' rows one after another, as alpha has always read them; and where each site's begin.
 */
function bySiteOf(
  site: Int32Array,
  first: readonly number[],
  sites: number,
): { bySite: Int32Array; siteStart: Int32Array } {
  const siteStart = new Int32Array(sites + 1);
  for (const i of first) siteStart[site[i]! + 1]!++;
  for (let s = 0; s < sites; s++) siteStart[s + 1]! += siteStart[s]!;
  const bySite = new Int32Array(first.length);
  const fill = siteStart.slice(0, sites);
  for (const i of first) bySite[fill[site[i]!]!++] = i;
  return { bySite, siteStart };
}

/** Keyed answers, a row per administration (NaN where the item was not answered). */
function keyedMatrix(r: ResponseColumns, bySite: Int32Array, plan: InstrumentPlan): Float64Array {
  const items = plan.def.items.length;
  const min = plan.def.scale.min;
  const keyed = new Float64Array(bySite.length * items);
  for (let row = 0; row < bySite.length; row++) {
    const start = r.answerStart[bySite[row]!]!;
    for (let position = 0; position < items; position++) {
      const answer = r.answers[start + position]!;
      keyed[row * items + position] =
        answer === NO_ANSWER ? Number.NaN : plan.keyed[position * plan.width + answer - min]!;
    }
  }
  return keyed;
}

/** A scale's complete rows (every item answered), and where each site's begin (the last: their count). */
function completeRows(
  keyed: Float64Array,
  items: number,
  positions: ArrayLike<number>,
  siteStart: Int32Array,
): { complete: Float64Array; completeStart: Int32Array } {
  const k = positions.length;
  const sites = siteStart.length - 1;
  const complete = new Float64Array(siteStart[sites]! * k);
  const completeStart = new Int32Array(sites + 1);
  let rows = 0;
  for (let site = 0; site < sites; site++) {
    completeStart[site] = rows;
    for (let row = siteStart[site]!; row < siteStart[site + 1]!; row++) {
      let j = 0;
      for (; j < k; j++) {
        const value = keyed[row * items + positions[j]!]!;
        if (Number.isNaN(value)) break;
        complete[rows * k + j] = value;
      }
      if (j === k) rows++;
    }
  }
  completeStart[sites] = rows;
  return { complete, completeStart };
}

/** agreement.csv rows: client vs therapist alliance totals at matched (dyad, session). */
export function agreementRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  const therapist = dyadScores(scored, 'alliance-therapist', 'therapist', 'total');
  return perSite(scored, (dyads, site) => {
    const x: number[] = [];
    const y: number[] = [];
    let units = 0;
    for (const d of dyads) {
      const cs = sessionsOf(client, d);
      const ts = sessionsOf(therapist, d);
      const cv = slice(client, d);
      const tv = slice(therapist, d);
      let matched = false;
      for (let a = 0, b = 0; a < cs.length && b < ts.length; ) {
        if (cs[a]! < ts[b]!) a++;
        else if (cs[a]! > ts[b]!) b++;
        else {
          x.push(cv[a++]!);
          y.push(tv[b++]!);
          matched = true;
        }
      }
      if (matched) units++;
    }
    if (x.length === 0) return null;
    const result = agreementOf(x, y);
    return {
      row: {
        site,
        n_pairs: result.n_pairs,
        r: result.r,
        mean_diff: result.mean_diff,
        sd_diff: result.sd_diff,
      },
      units,
    };
  });
}

/** trajectories.csv rows: early slopes of client alliance totals. */
export function trajectoryRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  return perSite(scored, (dyads, site) => {
    const series: DyadSeries[] = dyads.map((d) => ({
      sessions: sessionsOf(client, d),
      totals: slice(client, d),
    }));
    const result = trajectoriesOf(series);
    return {
      row: { site, n_dyads: result.n_dyads, mean_slope: result.mean_slope, sd_slope: result.sd_slope },
      units: result.n_dyads,
    };
  });
}

/** ruptures.csv rows: ruptures and repairs at 1 and 2 SD. */
export function ruptureRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  const thresholds: RuptureThreshold[] = ['1sd', '2sd'];
  return perSite(scored, (dyads, site) =>
    thresholds.map((threshold) => {
      const result = rupturesOf(
        dyads.map((d) => slice(client, d)),
        threshold,
      );
      return {
        row: {
          site,
          threshold,
          n_dyads: result.n_dyads,
          n_dyads_rupture: result.n_dyads_rupture,
          rupture_rate: result.rupture_rate,
          n_ruptures: result.n_ruptures,
          n_repaired: result.n_repaired,
          repair_rate: result.repair_rate,
        },
        units: result.n_dyads,
      };
    }),
  );
}

/** Each dyad's mean client alliance total (dyads with one or more), with its therapist and site: what the ICCs model. */
export interface DyadAllianceMeans {
  y: number[];
  therapist: string[];
  site: string[];
}

/** The dyad means of client alliance totals that icc.csv models (DESIGN §9, ICC). */
export function dyadAllianceMeans(scored: ScoredResponses, client: DyadScores): DyadAllianceMeans {
  const { data } = scored;
  const y: number[] = [];
  const therapist: string[] = [];
  const site: string[] = [];
  for (let d = 0; d < data.dyads.count; d++) {
    const values = slice(client, d);
    if (values.length === 0) continue;
    y.push(meanOf(values));
    therapist.push(data.therapists[data.dyads.therapist[d]!]!);
    site.push(data.sites[data.dyads.site[d]!]!.siteId);
  }
  return { y, therapist, site };
}

/** icc.csv rows: REML components of each dyad's mean client alliance total. */
export function iccRows(scored: ScoredResponses, client: DyadScores): Row[] {
  const { y, therapist, site } = dyadAllianceMeans(scored, client);
  const toRow = (row: IccRow): Row => ({
    model: row.model,
    level: row.level,
    variance: row.variance,
    icc: row.icc,
    n_groups: row.n_groups,
    n_obs: row.n_obs,
  });
  return [...iccTherapist(y, therapist), ...iccSiteTherapist(y, site, therapist)].map(toRow);
}

/**
 * alliance_outcome.csv rows: per site r of early alliance (sessions 1–3) with PHQ-9 improvement
 * (first − last); `pool` gets the site rows after suppression and adds the pooled rows.
 */
export function allianceOutcomeSiteRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  const phq9 = dyadScores(scored, 'phq9', 'client', 'total');
  const { data } = scored;
  const out: CountedRow[] = [];
  const bySite: { x: number[]; y: number[] }[] = data.sites.map(() => ({ x: [], y: [] }));
  for (let d = 0; d < data.dyads.count; d++) {
    const sessions = sessionsOf(client, d);
    const totals = slice(client, d);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < sessions.length; i++) {
      if (sessions[i]! >= 1 && sessions[i]! <= 3) {
        sum += totals[i]!;
        count++;
      }
    }
    const outcome = slice(phq9, d);
    if (count === 0 || outcome.length < 2) continue;
    const group = bySite[data.dyads.site[d]!]!;
    group.x.push(sum / count);
    group.y.push(outcome[0]! - outcome[outcome.length - 1]!);
  }
  data.sites.forEach((site, index) => {
    const { x, y } = bySite[index]!;
    if (x.length === 0) return;
    const c = siteCorrelation(x, y);
    out.push({
      row: {
        row: 'site',
        site: site.siteId,
        method: null,
        k: 1,
        n: c.n,
        r: c.r,
        z: c.z,
        vi: c.vi,
        se: c.se,
        ci_lo: c.ci_lo,
        ci_hi: c.ci_hi,
        r_lo: c.r_lo,
        r_hi: c.r_hi,
        zval: c.zval,
        pval: c.pval,
        ...NO_HETEROGENEITY,
      },
      units: c.n,
    });
  });
  return out;
}

/** What pooling reads of the alliance_outcome site rows that are not suppressed. */
export function poolableSites(siteRows: readonly Row[]): SiteEffect[] {
  return siteRows
    .filter((row) => row.suppressed !== true && typeof row.n === 'number')
    .map((row) => ({ n: row.n as number, z: row.z as number | null, vi: row.vi as number | null }));
}

/** The pooled rows (DL and REML) over site rows that are not suppressed; none with fewer than two sites. */
export function allianceOutcomePooledRows(siteRows: readonly Row[]): Row[] {
  const sites = poolableSites(siteRows);
  return (['DL', 'REML'] as const).flatMap((method) => {
    const p = poolCorrelations(sites, method);
    if (p.k < 2) return [];
    return [
      {
        row: 'pooled',
        site: null,
        method,
        k: p.k,
        n: p.n,
        r: p.r,
        z: p.z,
        vi: p.vi,
        se: p.se,
        ci_lo: p.ci_lo,
        ci_hi: p.ci_hi,
        r_lo: p.r_lo,
        r_hi: p.r_hi,
        zval: p.zval,
        pval: p.pval,
        tau2: p.tau2,
        i2: p.i2,
        q: p.q,
        q_p: p.q_p,
        pi_lo: p.pi_lo,
        pi_hi: p.pi_hi,
        suppressed: false,
      },
    ];
  });
}

/** The comparison each moderator row carries g for: level → reference level. */
const G_REFERENCE: Record<string, string> = { online: 'in_person', true: 'false' };

/** moderators.csv rows (before suppression): dyad means of client alliance by modality and interpreter. */
export function moderatorRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  const { data } = scored;
  const groups = new Map<string, number[]>();
  const key = (moderator: string, level: string): string => `${moderator}\u0000${level}`;
  for (let d = 0; d < data.dyads.count; d++) {
    const values = slice(client, d);
    if (values.length === 0) continue;
    const m = meanOf(values);
    for (const k of [
      key('modality', MODALITIES[data.dyads.modality[d]!]!),
      key('interpreter', data.dyads.interpreter[d] === 1 ? 'true' : 'false'),
    ]) {
      const list = groups.get(k);
      if (list) list.push(m);
      else groups.set(k, [m]);
    }
  }
  const out: CountedRow[] = [];
  const levels: [string, string[]][] = [
    ['modality', [...MODALITIES]],
    ['interpreter', ['false', 'true']],
  ];
  for (const [moderator, names] of levels) {
    for (const level of names) {
      const values = groups.get(key(moderator, level));
      if (!values) continue;
      const d = describe(values);
      const reference = G_REFERENCE[level];
      const referenceValues = reference === undefined ? undefined : groups.get(key(moderator, reference));
      const g = referenceValues ? hedgesG(values, referenceValues) : null;
      out.push({
        row: {
          moderator,
          level,
          n: d.n,
          mean: d.mean,
          sd: d.sd,
          hedges_g: g?.hedges_g ?? null,
          g_vi: g?.g_vi ?? null,
          g_lo: g?.g_lo ?? null,
          g_hi: g?.g_hi ?? null,
        },
        units: d.n,
      });
    }
  }
  return out;
}

/** Empties the g columns of a moderator row whose level or reference level is suppressed. */
export function hideSuppressedContrasts(rows: Row[]): Row[] {
  const suppressed = new Set(
    rows.filter((row) => row.suppressed === true).map((row) => `${row.moderator}:${row.level}`),
  );
  return rows.map((row) => {
    const reference = G_REFERENCE[String(row.level)];
    if (reference === undefined) return row;
    if (!suppressed.has(`${row.moderator}:${row.level}`) && !suppressed.has(`${row.moderator}:${reference}`))
      return row;
    return { ...row, hedges_g: null, g_vi: null, g_lo: null, g_hi: null };
  });
}

/** therapist_wellbeing.csv row: therapists' mean exhaustion vs their dyads' mean client alliance. */
export function wellbeingRows(scored: ScoredResponses, client: DyadScores): CountedRow[] {
  const { data } = scored;
  const r = data.responses;
  const exhaustion = scaleColumn(scored, 'exhaustion');
  const instrument = data.instruments.findIndex((def) => def.id === 'therapist-wellbeing');
  const therapistRole = ROLES.indexOf('therapist');
  const perTherapist = data.therapists.map(() => ({
    exhaustion: [] as number[],
    dyads: [] as Float64Array[],
  }));
  if (exhaustion && instrument >= 0) {
    for (let i = 0; i < r.count; i++) {
      if (r.instrument[i] !== instrument || r.role[i] !== therapistRole) continue;
      const value = exhaustion[i]!;
      if (!Number.isNaN(value)) perTherapist[r.therapist[i]!]!.exhaustion.push(value);
    }
  }
  for (let d = 0; d < data.dyads.count; d++)
    perTherapist[data.dyads.therapist[d]!]!.dyads.push(slice(client, d));
  const result = wellbeingOf(perTherapist);
  if (result.n_therapists === 0) return [];
  return [{ row: { n_therapists: result.n_therapists, r: result.r }, units: result.n_therapists }];
}
