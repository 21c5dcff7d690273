import { ROLES } from '../shared/instruments/schema.ts';
import { ALL_SITES } from './columns.ts';
import { groupRows } from './group.ts';
import type { ScoredResponses } from './score.ts';
import { describe } from './stats/describe.ts';
import type { CountedRow } from './suppress.ts';

/**
 * Rows of site_session_summary (before suppression): n, mean, sd, median, q1, q3 of every scale
 * per site and ALL × session × role × instrument; no row where no response has that score.
 * Units are n: the natural key allows one response per dyad (or therapist) in a group.
 */
export function siteSessionSummary(scored: ScoredResponses): CountedRow[] {
  const { data } = scored;
  const r = data.responses;
  const sites = data.sites.length;
  const rows: CountedRow[] = [];
  // Site index `sites` stands for ALL.
  for (const pooled of [false, true]) {
    const groups = groupRows(r.count, (i) => {
      const site = pooled ? sites : r.site[i]!;
      return ((r.instrument[i]! * ROLES.length + r.role[i]!) * 65536 + r.session[i]!) * (sites + 1) + site;
    });
    const buffer = new Float64Array(groups.order.length);
    groups.codes.forEach((code, g) => {
      const site = code % (sites + 1);
      const rest = (code - site) / (sites + 1);
      const session = rest % 65536;
      const instrumentRole = (rest - session) / 65536;
      const role = instrumentRole % ROLES.length;
      const plan = scored.plans[(instrumentRole - role) / ROLES.length]!;
      for (const scale of plan.scales) {
        const scores = scored.scales[scale.column]!;
        let n = 0;
        for (let j = groups.start[g]!; j < groups.start[g + 1]!; j++) {
          const value = scores[groups.order[j]!]!;
          if (!Number.isNaN(value)) buffer[n++] = value;
        }
        if (n === 0) continue;
        const d = describe(buffer.subarray(0, n));
        rows.push({
          row: {
            site: site === sites ? ALL_SITES : data.sites[site]!.siteId,
            session,
            role: ROLES[role]!,
            instrument: plan.def.id,
            scale: scale.name,
            n: d.n,
            mean: d.mean,
            sd: d.sd,
            median: d.median,
            q1: d.q1,
            q3: d.q3,
          },
          units: d.n,
        });
      }
    });
  }
  return rows;
}
