// Grouping of a million rows without per-row objects: each row gets a numeric group code, codes
// become dense group ids, and a counting sort lists each group's rows contiguously.
//
// Why not arquero's groupby/rollup here: site_session_summary of 1M responses (one row per
// response × scale, grouped by site, session, role, instrument and scale, then n, mean, stdev,
// median and quartiles) took 5.8 s of CPU with arquero against 0.7–1.0 s with this loop
// (2026-12-01, 2 cores, same process and data). The release's small tables are ordered with
// arquero's verbs (write/csv.ts).

export interface Groups {
  /** Code of each group, in order of first appearance. */
  codes: number[];
  /** Rows of group g are order[start[g] … start[g + 1] − 1], in input order. */
  start: Int32Array;
  order: Int32Array;
  /** Group of each row; −1 for rows left out. */
  groupOf: Int32Array;
}

/** Groups rows by `codeOf(row)`; rows whose code is negative are left out. */
export function groupRows(n: number, codeOf: (row: number) => number): Groups {
  const ids = new Map<number, number>();
  const codes: number[] = [];
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const code = codeOf(i);
    if (code < 0) {
      groupOf[i] = -1;
      continue;
    }
    let id = ids.get(code);
    if (id === undefined) {
      id = codes.length;
      codes.push(code);
      ids.set(code, id);
    }
    groupOf[i] = id;
  }
  const start = new Int32Array(codes.length + 1);
  for (let i = 0; i < n; i++) if (groupOf[i]! >= 0) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < codes.length; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, codes.length);
  const order = new Int32Array(start[codes.length]!);
  for (let i = 0; i < n; i++) if (groupOf[i]! >= 0) order[fill[groupOf[i]!]!++] = i;
  return { codes, start, order, groupOf };
}
