import type { ReleaseFile } from '../release.ts';
import type { Stage, StageTimes } from '../stages.ts';
import { runWorker } from '../threads.ts';
import type { LongRows } from './scores-long.ts';
import type { ScoresLongInput } from './scores-long-files.ts';

/** What the scores_long worker gets: the input (without raw answers) and its rows, computed once. */
export interface ScoresLongTask {
  input: ScoresLongInput;
  long: LongRows;
}

/** What the scores_long worker returns: scores_long's CSV and Parquet, and the time each took there. */
export interface ScoresLongResult {
  files: ReleaseFile[];
  stages: Stage[];
}

const WORKER = new URL('./scores-long-worker.ts', import.meta.url);

/**
 * Renders scores_long.csv, scores_long.parquet and the REDCap form on another thread
 * (scores-long-worker.ts) while the caller's thread computes the statistics. At 1M responses the
 * statistics take longer than scores_long alone, so the REDCap form goes to the worker too: the
 * release's median of 5 interleaved runs fell from 8.06 s to 7.08 s (2026-12-01, quiet 2-core
 * machine, same bytes) against the REDCap form on the caller's thread after its statistics. The raw
 * answers are not sent: scores_long needs only the scores, so the copy stays about 80 bytes a
 * response. The worker's stage times are added to `times` marked "(worker)".
 */
export async function renderScoresLongInWorker(
  input: ScoresLongInput,
  long: LongRows,
  times?: StageTimes,
): Promise<ReleaseFile[]> {
  const { scored } = input;
  const r = scored.data.responses;
  const slim: ScoresLongInput = {
    ...input,
    scored: {
      ...scored,
      data: {
        ...scored.data,
        problems: [],
        responses: {
          ...r,
          answers: new Int16Array(0),
          answerStart: new Int32Array(0),
          day: new Int32Array(0),
        },
      },
    },
  };
  const task: ScoresLongTask = { input: slim, long: { ...long, scored: slim.scored } };
  const result = await runWorker<ScoresLongResult>(WORKER, task);
  for (const stage of result.stages) times?.add(`${stage.name} (worker)`, stage.seconds, stage.cpuSeconds);
  return result.files;
}
