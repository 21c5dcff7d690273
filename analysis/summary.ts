import { ROLES } from '../shared/instruments/roles.ts';
import { ALL_SITES } from './columns.ts';
import { groupRows } from './group.ts';
import type { ScoredResponses } from './score.ts';
import { type Description, describe } from './stats/describe.ts';
import type { CountedRow } from './suppress.ts';

/**
 * Rows of site_session_summary (before suppression): n, mean, sd, median, q1, q3 of every scale
 * per site and ALL × session × role × instrument; no row where no response has that score.
 * Units are n: the natural key allows one response per dyad (or therapist) in a group.
 *
 * One grouping pass, by site × session × role × instrument: a group's scores are copied, in one
 * sequential pass over the responses, into a block of their own (row by row, every scale of the
 * instrument side by side), and ALL's group is the blocks of its sites, which lie next to each
 * other. Grouping twice (sites, then ALL) and reading each group's scores through its row list
 * took 0.9–1.1 s of CPU at 1M responses, this 0.67–0.71 s (2026-12-01, same process and data, two
 * rounds each on a shared machine).
 */
export function siteSessionSummary(scored: ScoredResponses): CountedRow[] {
  const { data } = scored;
  const r = data.responses;
  const sites = data.sites.length;
  // Codes in ascending order list a (instrument, role, session)'s sites together, in site order.
  const groups = groupRows(
    r.count,
    (i) => ((r.instrument[i]! * ROLES.length + r.role[i]!) * 65536 + r.session[i]!) * sites + r.site[i]!,
  );
  const count = groups.codes.length;
  const byCode = Array.from({ length: count }, (_, g) => g).sort(
    (a, b) => groups.codes[a]! - groups.codes[b]!,
  );
  const planOf = (g: number) => scored.plans[Math.floor(groups.codes[g]! / sites / 65536 / ROLES.length)]!;
  const width = Int32Array.from({ length: count }, (_, g) => planOf(g).scales.length);
  // Group g's block: values[blockStart[g] … blockEnd(g) − 1], its rows one after another with
  // `width[g]` scores each; blocks lie in code order.
  const blockStart = new Int32Array(count);
  let total = 0;
  for (const g of byCode) {
    blockStart[g] = total;
    total += (groups.start[g + 1]! - groups.start[g]!) * width[g]!;
  }
  const blockEnd = (g: number): number =>
    blockStart[g]! + (groups.start[g + 1]! - groups.start[g]!) * width[g]!;
  const values = new Float64Array(total);
  const next = blockStart.slice();
  const columns = scored.plans.map((plan) => plan.scales.map((scale) => scored.scales[scale.column]!));
  for (let i = 0; i < r.count; i++) {
    const g = groups.groupOf[i]!;
    const scales = columns[r.instrument[i]!]!;
    let at = next[g]!;
    for (let s = 0; s < scales.length; s++) values[at++] = scales[s]![i]!;
    next[g] = at;
  }

  const rows: CountedRow[] = [];
  const buffer = new Float64Array(r.count);
  const add = (site: string, code: number, scale: number, from: number, to: number, stride: number): void => {
    const d = describeEvery(values, from + scale, to, stride, buffer);
    if (d === null) return;
    const session = Math.floor(code / sites) % 65536;
    const instrumentRole = Math.floor(code / sites / 65536);
    const plan = scored.plans[Math.floor(instrumentRole / ROLES.length)]!;
    rows.push({
      row: {
        site,
        session,
        role: ROLES[instrumentRole % ROLES.length]!,
        instrument: plan.def.id,
        scale: plan.scales[scale]!.name,
        n: d.n,
        mean: d.mean,
        sd: d.sd,
        median: d.median,
        q1: d.q1,
        q3: d.q3,
      },
      units: d.n,
    });
  };
  for (let k = 0; k < count; ) {
    // The sites of one (instrument, role, session), then ALL over their blocks together.
    const first = byCode[k]!;
    const pooled = Math.floor(groups.codes[first]! / sites);
    let end = k + 1;
    while (end < count && Math.floor(groups.codes[byCode[end]!]! / sites) === pooled) end++;
    const last = byCode[end - 1]!;
    const stride = width[first]!;
    for (let scale = 0; scale < stride; scale++) {
      for (let j = k; j < end; j++) {
        const g = byCode[j]!;
        const code = groups.codes[g]!;
        add(data.sites[code % sites]!.siteId, code, scale, blockStart[g]!, blockEnd(g), stride);
      }
      add(ALL_SITES, groups.codes[first]!, scale, blockStart[first]!, blockEnd(last), stride);
    }
    k = end;
  }
  return rows;
}

/**
 * describe() of values[from], values[from + stride], … below `to`, leaving out NaN (copied into
 * `buffer` first); null when none is left. A function of its own: inside the closure that builds
 * the rows, V8 deoptimised it about 2,600 times at 1M responses ("wrong map", "lost precision"),
 * recompiling each time.
 */
function describeEvery(
  values: Float64Array,
  from: number,
  to: number,
  stride: number,
  buffer: Float64Array,
): Description | null {
  let n = 0;
  for (let at = from; at < to; at += stride) {
    const value = values[at]!;
    if (!Number.isNaN(value)) buffer[n++] = value;
  }
  return n === 0 ? null : describe(buffer.subarray(0, n));
}
