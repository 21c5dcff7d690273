import { byDyads, PLAN_COLUMNS } from './columns.ts';
import type { PlanResult } from './types.ts';

// The terminal view of a plan: plain text, no colour codes (the CLI decides what a terminal gets).

/** The plan as an aligned text table: a header, a rule, one row per design point in order of dyads. */
export function planTable(result: PlanResult): string {
  const rows = [
    PLAN_COLUMNS.map((column) => column.heading),
    ...byDyads(result.points).map((point) => PLAN_COLUMNS.map((column) => column.cell(point, result.inputs))),
  ];
  const widths = PLAN_COLUMNS.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, index) => cell.padStart(widths[index]!)).join('  ');
  const [header, ...body] = rows;
  return [line(header!), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/**
 * A progress bar, `[#########...........]  45%  450/1000`: `done` is clamped to [0, total], and a
 * total of 0 counts as finished.
 */
export function progressBar(done: number, total: number, width = 30): string {
  const cells = Math.max(1, Math.floor(width));
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.floor(share * cells);
  const count = total > 0 ? `${Math.min(total, Math.max(0, done))}/${total}` : '0/0';
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${`${Math.floor(share * 100)}%`.padStart(4)}  ${count}`;
}
