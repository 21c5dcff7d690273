import type { ReleaseFile } from '../release.ts';
import type { Stage, StageTimes } from '../stages.ts';
import { firstAnswer, startWorker } from '../threads.ts';
import type { LongRows } from './scores-long.ts';
import type { FileShare, ScoresLongInput } from './scores-long-files.ts';

/** What a scores_long worker gets: the input (without raw answers), its rows computed once, and its share of the files. */
export interface ScoresLongTask {
  input: ScoresLongInput;
  long: LongRows;
  share: FileShare;
}

/** What a scores_long worker returns: its share of the files, hashed, and the time each took there. */
export interface ScoresLongResult {
  files: ReleaseFile[];
  stages: Stage[];
}

/** The scores_long worker's module. */
export const SCORES_LONG_WORKER = new URL('./scores-long-worker.ts', import.meta.url);

/** scores_long workers started ahead of their task (scores-long-worker.ts); they render one task. */
export interface ScoresLongWorkers {
  /**
   * Renders scores_long.csv, scores_long.parquet and the REDCap form of `input`, shared out among
   * the workers, while the caller's thread computes the statistics; the files come back in
   * release order, and the workers' stage times are added to `times` marked "(worker)".
   */
  render(input: ScoresLongInput, long: LongRows, times?: StageTimes): Promise<ReleaseFile[]>;
  /** Ends workers that were given no task. */
  stop(): void;
}

/**
 * Starts `count` scores_long workers now, before their task exists: they load their modules while
 * the main thread is still scoring alone, not later beside the statistics. The four files go to
 * the workers in turn (two workers: scores_long.csv and redcap_import.csv to one, the Parquet and
 * the dictionary to the other), so that on two cores three threads share the statistics' time and
 * none is left waiting for one long worker: with the four files on one worker, that worker's 3–4 s
 * decided when the release ended in some runs and the statistics' 3–3.5 s in others. The raw answers
 * are not sent (scores_long needs only the scores), and the columns sent are on shared memory
 * (load/grow.ts), so nothing of a million rows is copied.
 */
export function startScoresLongWorkers(count: number): ScoresLongWorkers {
  const workers = Array.from({ length: count }, () => startWorker(SCORES_LONG_WORKER, undefined));
  const answers = workers.map((worker) => {
    const answer = firstAnswer<ScoresLongResult>(worker, SCORES_LONG_WORKER.pathname);
    // Awaited in render; workers stopped unused must not count as unhandled failures.
    answer.catch(() => {});
    return answer;
  });
  return {
    async render(input, long, times) {
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
      workers.forEach((worker, index) => {
        const task: ScoresLongTask = {
          input: slim,
          long: { ...long, scored: slim.scored },
          share: { index, of: count },
        };
        worker.postMessage(task);
      });
      const results = await Promise.all(answers);
      // Worker k rendered the files at positions k, k + count, …: put them back in release order.
      const files: ReleaseFile[] = [];
      results.forEach((result, index) => {
        result.files.forEach((file, k) => {
          files[index + k * count] = file;
        });
        for (const stage of result.stages)
          times?.add(`${stage.name} (worker)`, stage.seconds, stage.cpuSeconds);
      });
      return files;
    },
    stop() {
      for (const worker of workers) void worker.terminate();
    },
  };
}
