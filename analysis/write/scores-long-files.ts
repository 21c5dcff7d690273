import type { FileDef } from '../columns.ts';
import type { ReleaseFile } from '../release.ts';
import type { ScoredResponses } from '../score.ts';
import { type StageTimes, timed } from '../stages.ts';
import { CSV_TYPE, csvAndParquetRenderers, type FileRenderer } from './codebook.ts';
import { columnsToParquet } from './parquet.ts';
import { redcapDictionary, redcapImport } from './redcap.ts';
import { type LongRows, scoresLongColumns, scoresLongCsv, scoresLongRows } from './scores-long.ts';

// The analyst-tier files of one release id: scores_long (CSV, Parquet) and its REDCap form. Kept
// apart from release.ts so that the scores_long worker loads only what it renders (no table
// library, no report): loading release.ts's modules took a worker about 1 s of CPU through tsx.

/** What renders scores_long for one release id: its rows (release order, pseudonyms) and definitions. */
export interface ScoresLongInput {
  scored: ScoredResponses;
  /** scores_long's definition, and the same with the study's levels (for the REDCap form). */
  file: FileDef;
  described: FileDef;
  releaseId: string;
  secret: string;
}

/** scores_long's CSV, Parquet and REDCap form (import and dictionary) for one release id, on this thread. */
export function renderScoresLong(input: ScoresLongInput, times?: StageTimes): ReleaseFile[] {
  return scoresLongFiles(input, scoresLongOf(input, times), times);
}

/** A worker's share of the files: those at positions index, index + of, index + 2·of, … of release order. */
export interface FileShare {
  index: number;
  of: number;
}

/** The same files from rows computed already, in release order; with a share, only its files. */
export function scoresLongFiles(
  input: ScoresLongInput,
  long: LongRows,
  times?: StageTimes,
  share: FileShare = { index: 0, of: 1 },
): ReleaseFile[] {
  return [...scoresLongTables(input, long, times), ...redcapFiles(input, long, times)]
    .filter((_, position) => position % share.of === share.index)
    .map((renderer) => renderer.render());
}

/** The rows of scores_long for the input's release id. */
export function scoresLongOf(input: ScoresLongInput, times?: StageTimes): LongRows {
  return timed(times, `write ${input.file.name}`, () =>
    scoresLongRows(input.scored, input.releaseId, input.secret),
  );
}

/** scores_long.csv and scores_long.parquet. */
function scoresLongTables({ file }: ScoresLongInput, long: LongRows, times?: StageTimes): FileRenderer[] {
  return csvAndParquetRenderers(
    file,
    long.order.length,
    {
      csv: () => scoresLongCsv(file, long),
      parquet: () => columnsToParquet(file, scoresLongColumns(file, long)),
    },
    times,
  );
}

/** redcap_import.csv and redcap_dictionary.csv, scores_long as a REDCap project. */
function redcapFiles(
  { scored, described }: ScoresLongInput,
  long: LongRows,
  times?: StageTimes,
): FileRenderer[] {
  return [
    {
      name: 'redcap_import.csv',
      render: () =>
        timed(times, 'write redcap_import.csv', () => ({
          tier: 'analyst' as const,
          name: 'redcap_import.csv',
          contentType: CSV_TYPE,
          ...redcapImport(described, scored.data.instruments, long),
        })),
    },
    {
      name: 'redcap_dictionary.csv',
      render: () => ({
        tier: 'analyst',
        name: 'redcap_dictionary.csv',
        contentType: CSV_TYPE,
        ...redcapDictionary(described, scored.data.instruments),
      }),
    },
  ];
}
