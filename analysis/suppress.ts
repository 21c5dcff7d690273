import { ALL_SITES, type FileDef } from './columns.ts';

// Small-cell suppression (DESIGN §8). Rows are plain objects here: open-tier tables have at most
// tens of thousands of rows, and suppression needs to look across rows of the same group.

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** A release row with the number of distinct dyads (therapists, for therapist-level rows) behind it. */
export interface CountedRow {
  row: Row;
  units: number;
}

export interface SuppressionOptions {
  k: number;
  /** Also suppress sites until the suppressed sites of a group hold none or at least k units (DESIGN §8). */
  complementary: boolean;
  /** Columns kept on suppressed rows besides the key columns (e.g. `items`). */
  keep?: readonly string[];
}

/**
 * Marks every row `suppressed` (true when 1 ≤ units < k, plus complementary suppression) and
 * empties the counts and statistics of suppressed rows; returns the rows in the same order.
 */
export function suppressRows(
  file: FileDef,
  counted: readonly CountedRow[],
  options: SuppressionOptions,
): Row[] {
  const suppressed = counted.map(({ units }) => units >= 1 && units < options.k);
  if (options.complementary) complementary(file, counted, suppressed, options.k);
  const kept = new Set([...file.keyColumns, ...(options.keep ?? []), 'suppressed']);
  return counted.map(({ row }, index) => {
    const out: Row = { ...row, suppressed: suppressed[index]! };
    if (suppressed[index])
      for (const column of file.columns) if (!kept.has(column.name)) out[column.name] = null;
    return out;
  });
}

/**
 * Among site rows sharing every key column but `site`: while the suppressed rows together hold more
 * than 0 and fewer than k units, the unsuppressed site row with the fewest units (ties by site id)
 * is suppressed too, so ALL minus the visible sites never describes fewer than k units. Sites are
 * disjoint, so their units add up.
 */
function complementary(
  file: FileDef,
  counted: readonly CountedRow[],
  suppressed: boolean[],
  k: number,
): void {
  const others = file.keyColumns.filter((column) => column !== 'site');
  const groups = new Map<string, number[]>();
  counted.forEach(({ row }, index) => {
    if (row.site === ALL_SITES || row.site === null || row.site === undefined) return;
    const key = JSON.stringify(others.map((column) => row[column] ?? null));
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  for (const members of groups.values()) {
    for (;;) {
      let held = 0;
      for (const index of members) if (suppressed[index]) held += counted[index]!.units;
      if (held === 0 || held >= k) break;
      let next: number | undefined;
      for (const index of members) {
        if (suppressed[index]) continue;
        if (next === undefined || fewer(counted[index]!, counted[next]!)) next = index;
      }
      if (next === undefined) break;
      suppressed[next] = true;
    }
  }
}

function fewer(a: CountedRow, b: CountedRow): boolean {
  if (a.units !== b.units) return a.units < b.units;
  return String(a.row.site) < String(b.row.site);
}
