import { type ColumnTable, table } from 'arquero';
import {
  agreement,
  allianceOutcome,
  type FileDef,
  icc,
  moderators,
  OPEN_FILES,
  type ReleaseTables,
  type ReportInput,
  releaseScaleNames,
  reliability,
  ruptures,
  type SiteEnrolment,
  scoresLong,
  siteSessionSummary,
  type Tier,
  therapistWellbeing,
  trajectories,
} from './columns.ts';
import { siteEnrolment } from './enrolment.ts';
import { withStudyLevels } from './levels.ts';
import type { StudyData } from './load/study-data.ts';
import { type ScoredResponses, scoreResponses } from './score.ts';
import { type StageTimes, timed } from './stages.ts';
import { siteSessionSummary as summaryRows } from './summary.ts';
import { type CountedRow, type Row, suppressRows } from './suppress.ts';
import {
  agreementRows,
  allianceOutcomePooledRows,
  allianceOutcomeSiteRows,
  clientAlliance,
  type DyadScores,
  hideSuppressedContrasts,
  iccRows,
  moderatorRows,
  reliabilityRows,
  ruptureRows,
  trajectoryRows,
  wellbeingRows,
} from './tables.ts';
import type { PreviousRelease } from './write/changes.ts';
import { codebookJson, codebookMarkdown, csvAndParquet } from './write/codebook.ts';
import { sortForRelease, toCsv } from './write/csv.ts';
import { sha256 } from './write/digest.ts';
import { toParquet } from './write/parquet.ts';
import { renderReport } from './write/report.ts';
import { withResearchFiles } from './write/research.ts';
import { renderScoresLong, type ScoresLongInput } from './write/scores-long-files.ts';

// A release from loaded study data: every table of DESIGN §8 computed and suppressed, then
// rendered to bytes. Nothing here reads a clock or the environment, so the same inputs and release
// id always give the same bytes; only the manifest's createdAt (added by publish.ts) differs.

/** Written into manifest.json and report.html as the producer of the release. */
export const GENERATOR = 'tandem-aggregate 1';

export interface ReleaseInputs {
  dyads: number;
  responses: number;
  skipped: number;
}

export interface ManifestFile {
  name: string;
  tier: Tier;
  /** Data rows of a table; null for the codebook and the report. */
  rows: number | null;
  bytes: number;
  sha256: string;
}

/** manifest.json (DESIGN §8). */
export interface Manifest {
  releaseId: string;
  studyId: string;
  createdAt: string;
  generator: string;
  suppressionK: number;
  inputs: ReleaseInputs;
  files: ManifestFile[];
}

/** One file of a release, rendered. */
export interface ReleaseFile {
  name: string;
  tier: Tier;
  rows: number | null;
  contentType: string;
  body: Uint8Array;
  /** The body's SHA-256 (hex), when the thread that rendered it computed it already. */
  sha256?: string;
}

/** Everything of a release that does not depend on its id, computed once. */
export interface ComputedRelease {
  studyId: string;
  studyTitle: string;
  suppressionK: number;
  inputs: ReleaseInputs;
  scored: ScoredResponses;
  /** Open-tier tables, suppressed and in release order. */
  tables: ReleaseTables;
  /** Every tabular file (open tier, then scores_long with the study's scale columns). */
  files: FileDef[];
  sites: SiteEnrolment[];
}

/** An arquero table with exactly the file's columns, in order, from plain rows. */
export function rowsTable(file: FileDef, rows: readonly Row[]): ColumnTable {
  const columns: Record<string, unknown[]> = {};
  for (const column of file.columns) columns[column.name] = rows.map((row) => row[column.name] ?? null);
  return sortForRelease(file, table(columns));
}

/** alliance_outcome.csv's site rows (allianceOutcomeSiteRows) with primary suppression at `k`: what pooling uses. */
export function allianceOutcomeSites(siteRows: readonly CountedRow[], k: number): Row[] {
  return suppressRows(allianceOutcome, siteRows, { k, complementary: false });
}

/** moderators.csv's rows, suppressed at `k`, with g hidden where a level it compares is suppressed. */
export function moderatorTable(scored: ScoredResponses, client: DyadScores, k: number): Row[] {
  return hideSuppressedContrasts(
    suppressRows(moderators, moderatorRows(scored, client), { k, complementary: false }),
  );
}

/** Scores the responses and builds every open-tier table with suppression at `k`. */
export function computeRelease(
  data: StudyData,
  k: number,
  times?: StageTimes,
  /** Called once the responses are scored, before the statistics (to start work on another thread). */
  onScored?: (scored: ScoredResponses) => void,
): ComputedRelease {
  const scored = timed(times, 'score', () => scoreResponses(data));
  onScored?.(scored);
  const client = timed(times, 'score', () => clientAlliance(scored));
  const withSites = { k, complementary: true } as const;
  const primary = { k, complementary: false } as const;
  const statistic = (file: FileDef, work: () => Row[]): [FileDef, Row[]] => [
    file,
    timed(times, `statistic ${file.name}`, work),
  ];

  const outcomeSites = timed(times, `statistic ${allianceOutcome.name}`, () =>
    allianceOutcomeSites(allianceOutcomeSiteRows(scored, client), k),
  );
  const rows = new Map<FileDef, Row[]>([
    statistic(siteSessionSummary, () => suppressRows(siteSessionSummary, summaryRows(scored), withSites)),
    statistic(reliability, () =>
      suppressRows(reliability, reliabilityRows(scored), { ...withSites, keep: ['items'] }),
    ),
    statistic(agreement, () => suppressRows(agreement, agreementRows(scored, client), withSites)),
    statistic(icc, () => iccRows(scored, client)),
    statistic(trajectories, () => suppressRows(trajectories, trajectoryRows(scored, client), withSites)),
    statistic(ruptures, () => suppressRows(ruptures, ruptureRows(scored, client), withSites)),
    statistic(allianceOutcome, () => [...outcomeSites, ...allianceOutcomePooledRows(outcomeSites)]),
    statistic(moderators, () => moderatorTable(scored, client, k)),
    statistic(therapistWellbeing, () =>
      suppressRows(therapistWellbeing, wellbeingRows(scored, client), primary),
    ),
  ]);
  const tables: ReleaseTables = new Map();
  for (const file of OPEN_FILES)
    tables.set(
      file.name,
      timed(times, `statistic ${file.name}`, () => rowsTable(file, rows.get(file) ?? [])),
    );

  return {
    studyId: data.study.studyId,
    studyTitle:
      data.study.title[data.study.defaultLanguage] ??
      Object.values(data.study.title)[0] ??
      data.study.studyId,
    suppressionK: k,
    inputs: { dyads: data.dyads.count, responses: data.responses.count, skipped: data.skipped },
    scored,
    tables,
    files: [...OPEN_FILES, scoresLong(releaseScaleNames(data.instruments))],
    sites: timed(times, 'enrolment', () => siteEnrolment(data)),
  };
}

/** The manifest entry of a rendered file. */
export function manifestEntry(file: ReleaseFile): ManifestFile {
  return {
    name: file.name,
    tier: file.tier,
    rows: file.rows,
    bytes: file.body.byteLength,
    sha256: file.sha256 ?? sha256(file.body),
  };
}

/** Renders the open-tier tables once (CSV and Parquet); they do not depend on the release id. */
export function renderOpenFiles(computed: ComputedRelease, times?: StageTimes): ReleaseFile[] {
  return OPEN_FILES.flatMap((file) => tableFiles(file, computed.tables.get(file.name)!, times));
}

/** A table's CSV and its Parquet twin. */
function tableFiles(file: FileDef, rows: ColumnTable, times?: StageTimes): ReleaseFile[] {
  return csvAndParquet(
    file,
    rows.numRows(),
    { csv: () => toCsv(file, rows), parquet: () => toParquet(file, rows) },
    times,
  );
}

/** What a writer of release-id-dependent files gets. */
export interface WriterInput {
  computed: ComputedRelease;
  releaseId: string;
  /** Pseudonym key of the analyst-tier files. */
  secret: string;
  /** The release's file definitions with the study's levels (describedFiles). */
  described: FileDef[];
  /** Files rendered ahead, on another thread, for one release id (scores_long). */
  prerendered?: Prerendered;
}

/** Files rendered ahead for a release id; used when the release gets that id. */
export interface Prerendered {
  releaseId: string;
  files: ReleaseFile[];
}

/**
 * A writer renders one or more files of a release, one at a time (a generator, so the largest is
 * never in memory next to the others). Adding a file to releases is adding a writer to WRITERS.
 */
export type ReleaseWriter = (input: WriterInput, times?: StageTimes) => Iterable<ReleaseFile>;

/** scores_long (analyst tier): pseudonyms depend on the release id, so it is rendered per id. */
function* scoresLongWriter(
  { computed, releaseId, secret, prerendered, described }: WriterInput,
  times?: StageTimes,
): Iterable<ReleaseFile> {
  if (prerendered?.releaseId === releaseId) {
    yield* prerendered.files;
    return;
  }
  yield* renderScoresLong(scoresLongInput(computed, described, releaseId, secret), times);
}

/** What scores_long and its REDCap form are rendered from, for one release id. */
function scoresLongInput(
  computed: ComputedRelease,
  described: FileDef[],
  releaseId: string,
  secret: string,
): ScoresLongInput {
  return {
    scored: computed.scored,
    file: computed.files[computed.files.length - 1]!,
    described: described[described.length - 1]!,
    releaseId,
    secret,
  };
}

const textFile = (name: string, contentType: string, body: string): ReleaseFile => ({
  name,
  tier: 'open',
  rows: null,
  contentType,
  body: new TextEncoder().encode(body),
});

function* codebookFiles({ described }: WriterInput, times?: StageTimes): Iterable<ReleaseFile> {
  yield timed(times, 'write codebook.json', () =>
    textFile('codebook.json', 'application/json', codebookJson(described)),
  );
  yield timed(times, 'write codebook.md', () =>
    textFile('codebook.md', 'text/markdown; charset=utf-8', codebookMarkdown(described)),
  );
}

function* reportFile({ computed, releaseId }: WriterInput, times?: StageTimes): Iterable<ReleaseFile> {
  const report: ReportInput = {
    releaseId,
    studyId: computed.studyId,
    studyTitle: computed.studyTitle,
    suppressionK: computed.suppressionK,
    generator: GENERATOR,
    inputs: computed.inputs,
    files: computed.files,
    tables: computed.tables,
    sites: computed.sites,
  };
  yield timed(times, 'write report.html', () =>
    textFile('report.html', 'text/html; charset=utf-8', renderReport(report)),
  );
}

/** The writers of the files after the open tables, in release order. */
export const WRITERS: readonly ReleaseWriter[] = [scoresLongWriter, codebookFiles, reportFile];

/** What releaseFiles may be given besides the computed release. */
export interface ReleaseFileOptions {
  /** The open tables, when already rendered (they do not depend on the release id). */
  openFiles?: ReleaseFile[] | undefined;
  times?: StageTimes | undefined;
  prerendered?: Prerendered | undefined;
  /** The release before this one, for changes.md. */
  previous?: PreviousRelease | undefined;
}

/** The release's file definitions with the study's own levels (sites, instruments, scales). */
export function describedFiles(computed: ComputedRelease): FileDef[] {
  return withStudyLevels(computed.files, computed.scored.data);
}

/**
 * Every file of a release with the given id, one at a time (so a caller can write and drop each
 * before the next is rendered): open tables (pass `openFiles` to reuse them), then each writer's
 * files (scores_long, codebook, report). Same inputs and id → same bytes.
 */
export function releaseFiles(
  computed: ComputedRelease,
  releaseId: string,
  secret: string,
  options: ReleaseFileOptions = {},
): Generator<ReleaseFile> {
  const { openFiles = renderOpenFiles(computed), times, prerendered, previous } = options;
  const described = describedFiles(computed);
  const input: WriterInput = {
    computed,
    releaseId,
    secret,
    described,
    ...(prerendered ? { prerendered } : {}),
  };
  function* tables(): Generator<ReleaseFile> {
    yield* openFiles;
    for (const writer of WRITERS) yield* writer(input, times);
  }
  // The loaders, datapackage.json, changes.md and open-files.zip follow the tables they describe.
  return withResearchFiles(tables(), {
    data: computed.scored.data,
    studyTitle: computed.studyTitle,
    suppressionK: computed.suppressionK,
    releaseId,
    described,
    previous,
  });
}

/** Every file of a release with the given id, rendered at once (see releaseFiles). */
export function renderRelease(
  computed: ComputedRelease,
  releaseId: string,
  secret: string,
  options: ReleaseFileOptions = {},
): ReleaseFile[] {
  return [...releaseFiles(computed, releaseId, secret, options)];
}
