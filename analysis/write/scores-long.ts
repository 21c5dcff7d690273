import { ROLES } from '../../shared/instruments/roles.ts';
import type { FileDef } from '../columns.ts';
import { MODALITIES } from '../load/study-data.ts';
import { pseudonyms } from '../pseudonyms.ts';
import type { ScoredResponses } from '../score.ts';
import {
  commaNumbers,
  concat,
  copyInto,
  csvCell,
  EMPTY,
  encoded,
  GrowingBuffer,
  longest,
  NEWLINE,
  NUMBER_BYTES,
  SAMPLE_ROWS,
} from './csv-bytes.ts';
import type { ColumnSource, IndexedColumn } from './parquet.ts';

// scores_long (DESIGN §8, analyst tier) written straight from the scored typed columns: every
// response with pseudonymised dyad and therapist, in release order (site, therapist, dyad, role,
// session, instrument). Cells that depend on the owner (pseudonyms, site, modality, interpreter)
// are encoded once per dyad or therapist, numbers once per distinct value, and rows are copied
// into one buffer as bytes; no million-row table and no per-row strings are built. At 1M responses
// (2026-12-01, same process and data, shared machine, two or three rounds each, CPU seconds): the
// CSV took 2.1–3.5 s as an arquero table of the rows written by the generic writer (write/csv.ts),
// 0.9–1.6 s here; redcap_import.csv 0.95–1.5 s from that table, 0.7–0.9 s from these rows; the
// Parquet 0.5–1.1 s from the table (built in the CSV's time), 0.65–1.2 s reading the scores
// through the release order, without the table's million strings in memory.

/** scores_long's rows: which response each row is, and the release's pseudonyms. */
export interface LongRows {
  scored: ScoredResponses;
  /** Response index of each row, in release order. */
  order: Int32Array;
  /** Pseudonym of each dyad, and of each therapist, in this release. */
  dyadName: readonly string[];
  therapistName: readonly string[];
}

/**
 * The rows of scores_long for one release, in release order without a million-row sort: an
 * owner's responses are contiguous and in (role, session, instrument) order already (canonical
 * order), so only the owners' blocks are sorted, by (site, therapist, dyad) pseudonym.
 */
export function scoresLongRows(scored: ScoredResponses, releaseId: string, secret: string): LongRows {
  const { data } = scored;
  const r = data.responses;
  const dyadName = pseudonyms(secret, releaseId, data.dyads.id, 'D');
  const therapistName = pseudonyms(secret, releaseId, data.therapists, 'T');
  const blockStart: number[] = [];
  for (let i = 0; i < r.count; i++) if (i === 0 || newOwner(scored, i, i - 1)) blockStart.push(i);
  blockStart.push(r.count);
  const keyOf = (block: number): [string, string, string] => {
    const i = blockStart[block]!;
    const d = r.dyad[i]!;
    return [data.sites[r.site[i]!]!.siteId, therapistName[r.therapist[i]!]!, d < 0 ? '' : dyadName[d]!];
  };
  const blocks = Array.from({ length: blockStart.length - 1 }, (_, block) => ({ block, key: keyOf(block) }));
  blocks.sort((a, b) => {
    for (let j = 0; j < 3; j++) if (a.key[j] !== b.key[j]) return a.key[j]! < b.key[j]! ? -1 : 1;
    return 0;
  });
  const order = new Int32Array(r.count);
  let next = 0;
  for (const { block } of blocks)
    for (let i = blockStart[block]!; i < blockStart[block + 1]!; i++) order[next++] = i;
  return { scored, order, dyadName, therapistName };
}

/** Whether responses i and j belong to different owners (dyads, or therapists for therapist-level ones). */
export function newOwner({ data }: ScoredResponses, i: number, j: number): boolean {
  const r = data.responses;
  return r.dyad[i] !== r.dyad[j] || (r.dyad[i]! < 0 && r.therapist[i] !== r.therapist[j]);
}

const OWNER_COLUMNS = ['dyad', 'therapist', 'site', 'role', 'session', 'instrument'] as const;
const DYAD_COLUMNS = ['modality', 'interpreter', 'week'] as const;

/** Checks that the file is scores_long as columns.ts defines it; the scale columns' indices in scored.scales. */
function scaleColumns(file: FileDef, scored: ScoredResponses): number[] {
  const names = file.columns.map((column) => column.name);
  const expected = [...OWNER_COLUMNS, ...scored.scaleNames, ...DYAD_COLUMNS];
  if (names.join(',') !== expected.join(','))
    throw new Error(`${file.name}: columns ${names.join(', ')} are not scores_long's ${expected.join(', ')}`);
  return scored.scaleNames.map((_, index) => index);
}

/**
 * The scale cells of an instrument's rows: an empty cell (a comma) for each scale column the
 * instrument does not have, its scores in the others. scoreResponses leaves every other scale
 * column NaN, so their cells are empty in every row; writing them as one piece saves a copy each.
 */
interface ScaleRuns {
  /** Commas of the empty cells before each of the instrument's scale columns. */
  empty: Uint8Array[];
  values: Float64Array[];
  /** Commas of the empty cells after the last one. */
  rest: Uint8Array;
}

function scaleRuns(file: FileDef, scored: ScoredResponses): ScaleRuns[] {
  const columns = scaleColumns(file, scored);
  return scored.plans.map((plan) => {
    const own = new Set(plan.scales.map((scale) => scale.column));
    const runs: ScaleRuns = { empty: [], values: [], rest: EMPTY };
    let commas = 0;
    for (const column of columns) {
      if (!own.has(column)) {
        commas++;
        continue;
      }
      runs.empty.push(encoded(','.repeat(commas)));
      runs.values.push(scored.scales[column]!);
      commas = 0;
    }
    runs.rest = encoded(','.repeat(commas));
    return runs;
  });
}

/** scores_long.csv: the same bytes as the generic CSV writer (write/csv.ts) gives for these rows. */
export function scoresLongCsv(file: FileDef, long: LongRows): Uint8Array {
  const { scored, order, dyadName, therapistName } = long;
  const { data } = scored;
  const r = data.responses;
  const number = commaNumbers();
  const scales = scaleRuns(file, scored);
  const cells = (values: readonly string[], before = ''): Uint8Array[] =>
    values.map((value) => encoded(`${before}${csvCell(value)}`));
  const site = cells(
    data.sites.map((s) => s.siteId),
    ',',
  );
  const therapistCell = cells(therapistName, ',');
  const roleCell = cells(ROLES, ',');
  const instrumentCell = cells(
    data.instruments.map((def) => def.id),
    ',',
  );
  const modalityCell = cells(MODALITIES, ',');
  const out = new GrowingBuffer(`${file.columns.map((column) => csvCell(column.name)).join(',')}\n`);
  const rowBytes =
    longest(site) +
    longest(therapistCell) +
    longest(roleCell) +
    longest(instrumentCell) +
    longest(modalityCell) +
    Math.max(0, ...dyadName.map((name) => csvCell(name).length * 3)) +
    (scored.scaleNames.length + 2) * NUMBER_BYTES +
    16;
  // An owner's cells up to role (dyad, therapist, site, role: one piece per role), and modality
  // and interpreter, encoded once per owner.
  let upToRole: (Uint8Array | undefined)[] = [];
  let before: Uint8Array = EMPTY;
  let after: Uint8Array = EMPTY;
  const n = order.length;
  for (let row = 0; row < n; row++) {
    const i = order[row]!;
    const d = r.dyad[i]!;
    if (row === 0 || newOwner(scored, i, order[row - 1]!)) {
      const dyad = d < 0 ? '' : csvCell(dyadName[d]);
      before = concat(encoded(dyad), therapistCell[r.therapist[i]!]!, site[r.site[i]!]!);
      upToRole = [];
      const interpreter = data.dyads.interpreter[d] === 1;
      after =
        d < 0 ? encoded(',,') : concat(modalityCell[data.dyads.modality[d]!]!, encoded(`,${interpreter}`));
    }
    // After a sample of rows the whole file's size is known roughly: reserve it once.
    const bytes = out.room(rowBytes, row === SAMPLE_ROWS ? Math.ceil((out.size / row) * n * 1.02) : 0);
    const role = r.role[i]!;
    let head = upToRole[role];
    if (head === undefined) {
      head = concat(before, roleCell[role]!);
      upToRole[role] = head;
    }
    let at = copyInto(bytes, out.size, head);
    at = copyInto(bytes, at, number(r.session[i]!));
    const instrument = r.instrument[i]!;
    at = copyInto(bytes, at, instrumentCell[instrument]!);
    const runs = scales[instrument]!;
    for (let s = 0; s < runs.values.length; s++) {
      at = copyInto(bytes, at, runs.empty[s]!);
      at = copyInto(bytes, at, number(runs.values[s]![i]!));
    }
    at = copyInto(bytes, at, runs.rest);
    at = copyInto(bytes, at, after);
    at = copyInto(bytes, at, number(d < 0 ? Number.NaN : scored.week[i]!));
    out.written(copyInto(bytes, at, NEWLINE));
  }
  return out.bytes();
}

/**
 * scores_long's columns for the Parquet writer, read through the release order: a scale column is
 * the scored column itself, a text column codes into its few distinct values (pseudonyms, sites…);
 * no column of a million values is copied.
 */
export function scoresLongColumns(file: FileDef, long: LongRows): ColumnSource {
  const { scored, order, dyadName, therapistName } = long;
  const { data } = scored;
  const r = data.responses;
  const scales = scaleColumns(file, scored);
  const n = order.length;
  /** Per row, `code` of its response (−1: missing). */
  const codes = (code: (i: number) => number): Int32Array => {
    const index = new Int32Array(n);
    for (let row = 0; row < n; row++) index[row] = code(order[row]!);
    return index;
  };
  /** Per row, its dyad (−1 for therapist-level responses): the index of three columns, built once. */
  let dyads: Int32Array | undefined;
  const byDyad = (values: ArrayLike<unknown>): IndexedColumn => {
    dyads ??= codes((i) => r.dyad[i]!);
    return { index: dyads, values };
  };
  const columns = new Map<string, () => IndexedColumn>([
    ['dyad', () => byDyad(dyadName)],
    ['therapist', () => ({ index: codes((i) => r.therapist[i]!), values: therapistName })],
    ['site', () => ({ index: codes((i) => r.site[i]!), values: data.sites.map((site) => site.siteId) })],
    ['role', () => ({ index: codes((i) => r.role[i]!), values: ROLES })],
    ['session', () => ({ index: order, values: r.session })],
    [
      'instrument',
      () => ({ index: codes((i) => r.instrument[i]!), values: data.instruments.map((def) => def.id) }),
    ],
    ['modality', () => byDyad(Array.from(data.dyads.modality, (modality) => MODALITIES[modality]!))],
    ['interpreter', () => byDyad(Array.from(data.dyads.interpreter, (flag) => flag === 1))],
    ['week', () => ({ index: codes((i) => (r.dyad[i]! < 0 ? -1 : i)), values: scored.week })],
  ]);
  for (const index of scales)
    columns.set(scored.scaleNames[index]!, () => ({ index: order, values: scored.scales[index]! }));
  return {
    numRows: n,
    names: file.columns.map((column) => column.name),
    values: (name) => {
      const column = columns.get(name);
      if (!column) throw new TypeError(`${file.name}: the table has no column ${name}`);
      return column();
    },
  };
}
