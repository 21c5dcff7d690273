import type { FileDef } from '../columns.ts';
import type { ReleaseFile } from '../release.ts';
import type { ScoredResponses } from '../score.ts';
import { type StageTimes, timed } from '../stages.ts';
import { CSV_TYPE, PARQUET_TYPE, parquetName } from './codebook.ts';
import { columnsToParquet } from './parquet.ts';
import { redcapDictionary, redcapImport } from './redcap.ts';
import { scoresLongColumns, scoresLongCsv, scoresLongRows } from './scores-long.ts';

// The analyst-tier files of one release id: scores_long (CSV, Parquet) and its REDCap form. Kept
// apart from release.ts so that the scores_long worker loads only what it renders (no table
// library, no report): loading release.ts's modules took a worker about 1 s of CPU through tsx.

/**
 * scores_long's CSV and Parquet for one release id, and its REDCap form (import and dictionary:
 * `described` is scores_long's definition with the study's levels), from the scored responses alone.
 */
export function renderScoresLong(
  scored: ScoredResponses,
  file: FileDef,
  described: FileDef,
  releaseId: string,
  secret: string,
  times?: StageTimes,
): ReleaseFile[] {
  const long = timed(times, `write ${file.name}`, () => scoresLongRows(scored, releaseId, secret));
  const common = { tier: file.tier, rows: long.order.length };
  const parquet = parquetName(file.name);
  return [
    {
      ...common,
      name: file.name,
      contentType: CSV_TYPE,
      body: timed(times, `write ${file.name}`, () => scoresLongCsv(file, long)),
    },
    {
      ...common,
      name: parquet,
      contentType: PARQUET_TYPE,
      body: timed(times, `write ${parquet}`, () => columnsToParquet(file, scoresLongColumns(file, long))),
    },
    timed(times, 'write redcap_import.csv', () => ({
      tier: 'analyst' as const,
      name: 'redcap_import.csv',
      contentType: CSV_TYPE,
      ...redcapImport(described, scored.data.instruments, long),
    })),
    {
      tier: 'analyst',
      name: 'redcap_dictionary.csv',
      contentType: CSV_TYPE,
      ...redcapDictionary(described, scored.data.instruments),
    },
  ];
}
