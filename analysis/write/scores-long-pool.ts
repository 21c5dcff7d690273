import type { FileDef } from '../columns.ts';
import type { Prerendered, ReleaseFile } from '../release.ts';
import type { ScoredResponses } from '../score.ts';
import type { Stage, StageTimes } from '../stages.ts';
import { runWorker } from '../threads.ts';

/** What the scores_long worker gets: the scored responses (without raw answers) and the release id. */
export interface ScoresLongTask {
  scored: ScoredResponses;
  file: FileDef;
  /** scores_long's definition with the study's levels, for its REDCap form. */
  described: FileDef;
  releaseId: string;
  secret: string;
}

/** What it returns: scores_long's CSV, Parquet and REDCap form, and the time each took there. */
export interface ScoresLongResult {
  files: ReleaseFile[];
  stages: Stage[];
}

const WORKER = new URL('./scores-long-worker.ts', import.meta.url);

/**
 * Renders scores_long for `releaseId` on another thread (scores-long-worker.ts). The raw answers
 * are not sent: scores_long needs only the scores, so the copy stays about 80 bytes a response.
 * The worker's stage times are added to `times` marked "(worker)".
 */
export async function renderScoresLongInWorker(
  scored: ScoredResponses,
  file: FileDef,
  described: FileDef,
  releaseId: string,
  secret: string,
  times?: StageTimes,
): Promise<Prerendered> {
  const r = scored.data.responses;
  const slim: ScoredResponses = {
    ...scored,
    data: {
      ...scored.data,
      problems: [],
      responses: { ...r, answers: new Int16Array(0), answerStart: new Int32Array(0), day: new Int32Array(0) },
    },
  };
  const task: ScoresLongTask = { scored: slim, file, described, releaseId, secret };
  const result = await runWorker<ScoresLongResult>(WORKER, task);
  for (const stage of result.stages) times?.add(`${stage.name} (worker)`, stage.seconds, stage.cpuSeconds);
  return { releaseId, files: result.files };
}
