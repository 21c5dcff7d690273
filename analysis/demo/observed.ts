import { BUILTIN_INSTRUMENTS } from '../../shared/instruments/builtins.ts';
import { scoreInstrument } from '../../shared/instruments/score.ts';
import { agreement } from '../stats/agreement.ts';
import { cronbachAlpha } from '../stats/alpha.ts';
import { type IccRow, iccSiteTherapist, iccTherapist } from '../stats/icc.ts';
import { poolCorrelations, siteCorrelation } from '../stats/meta.ts';
import { therapistWellbeing } from '../stats/wellbeing.ts';
import type { ExportDyad, ExportResponse } from './generate.ts';

/** The headline structure of a study, computed with the release's own statistics. */
export interface ObservedStructure {
  dyads: number;
  responses: number;
  alphaClient: number | null;
  alphaTherapist: number | null;
  agreementR: number | null;
  meanDiff: number | null;
  pooledOutcomeR: number | null;
  outcomeTau2: number | null;
  siteOutcomeR: (number | null)[];
  icc: IccRow[];
  wellbeingR: number | null;
  interpreterDyads: number;
  onlineDyads: number;
}

/**
 * Scores a generated study and computes alpha (first client and therapist administrations),
 * client–therapist agreement, ICCs, and the pooled alliance–outcome r (REML), as DESIGN §9 defines them.
 */
export function observeStructure(
  dyads: readonly ExportDyad[],
  responses: Iterable<ExportResponse>,
): ObservedStructure {
  const totals = new Map<string, number>(); // `${dyad}|${role}|${session}` → alliance total
  const firstItems = new Map<string, { session: number; items: (number | null)[] }>();
  const phq = new Map<string, Map<number, number>>();
  const exhaustion = new Map<string, number[]>();
  let count = 0;
  for (const response of responses) {
    count++;
    const def = BUILTIN_INSTRUMENTS.get(response.instrument);
    if (!def) continue;
    const scales = scoreInstrument(def, response.answers).scales;
    if (response.dyadId === null) {
      const e = scales.exhaustion;
      if (e !== null && e !== undefined)
        exhaustion.set(response.therapistId, [...(exhaustion.get(response.therapistId) ?? []), e]);
      continue;
    }
    const total = scales.total;
    if (response.instrument === 'phq9' && total !== null && total !== undefined) {
      const byDyad = phq.get(response.dyadId) ?? new Map<number, number>();
      byDyad.set(response.session, total);
      phq.set(response.dyadId, byDyad);
    }
    if (response.instrument !== 'alliance-client' && response.instrument !== 'alliance-therapist') continue;
    if (total !== null && total !== undefined)
      totals.set(`${response.dyadId}|${response.role}|${response.session}`, total);
    const key = `${response.dyadId}|${response.role}`;
    const first = firstItems.get(key);
    if (!first || response.session < first.session) {
      firstItems.set(key, {
        session: response.session,
        items: def.items.map((item) => response.answers[item.id] ?? null),
      });
    }
  }
  const alphaOf = (role: string) =>
    cronbachAlpha(
      [...firstItems.entries()]
        .filter(([key, first]) => key.endsWith(`|${role}`) && first.items.every((v) => v !== null))
        .map(([, first]) => first.items as number[]),
    ).alpha;
  const client: number[] = [];
  const therapist: number[] = [];
  const clientSeries = new Map<string, Map<number, number>>();
  for (const [key, total] of totals) {
    const [dyad, role, session] = key.split('|') as [string, string, string];
    if (role !== 'client') continue;
    const series = clientSeries.get(dyad) ?? new Map<number, number>();
    series.set(Number(session), total);
    clientSeries.set(dyad, series);
    const other = totals.get(`${dyad}|therapist|${session}`);
    if (other !== undefined) {
      client.push(total);
      therapist.push(other);
    }
  }
  const agree = agreement(client, therapist);
  // ICC on dyad mean client totals; alliance–outcome per site on early alliance vs PHQ-9 improvement.
  const y: number[] = [];
  const ySite: string[] = [];
  const yTherapist: string[] = [];
  const perSite = new Map<string, { x: number[]; y: number[] }>();
  const byTherapist = new Map<string, (number | null)[][]>();
  for (const dyad of dyads) {
    const series = clientSeries.get(dyad.dyadId);
    if (!series) continue;
    const values = [...series.values()];
    y.push(values.reduce((a, b) => a + b, 0) / values.length);
    ySite.push(dyad.siteId);
    yTherapist.push(dyad.therapistId);
    byTherapist.set(dyad.therapistId, [...(byTherapist.get(dyad.therapistId) ?? []), values]);
    const early = [1, 2, 3].map((s) => series.get(s)).filter((v): v is number => v !== undefined);
    const outcome = phq.get(dyad.dyadId);
    if (early.length === 0 || !outcome || outcome.size < 2) continue;
    const sessions = [...outcome.keys()].sort((a, b) => a - b);
    const site = perSite.get(dyad.siteId) ?? { x: [], y: [] };
    site.x.push(early.reduce((a, b) => a + b, 0) / early.length);
    site.y.push(outcome.get(sessions[0]!)! - outcome.get(sessions[sessions.length - 1]!)!);
    perSite.set(dyad.siteId, site);
  }
  const siteRows = [...perSite.values()].map((site) => siteCorrelation(site.x, site.y));
  const pooled = poolCorrelations(siteRows, 'REML');
  const wellbeing = therapistWellbeing(
    [...byTherapist.entries()].map(([id, dyadsOf]) => ({
      exhaustion: exhaustion.get(id) ?? [],
      dyads: dyadsOf,
    })),
  );
  return {
    dyads: dyads.length,
    responses: count,
    alphaClient: alphaOf('client'),
    alphaTherapist: alphaOf('therapist'),
    agreementR: agree.r,
    meanDiff: agree.mean_diff,
    pooledOutcomeR: pooled.r,
    outcomeTau2: pooled.tau2,
    siteOutcomeR: siteRows.map((row) => row.r),
    icc: [...iccTherapist(y, yTherapist), ...iccSiteTherapist(y, ySite, yTherapist)],
    wellbeingR: wellbeing.r,
    interpreterDyads: dyads.filter((d) => d.interpreter).length,
    onlineDyads: dyads.filter((d) => d.modality === 'online').length,
  };
}
