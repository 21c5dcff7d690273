import { parentPort, workerData } from 'node:worker_threads';
import { renderScoresLong } from '../release.ts';
import { StageTimes } from '../stages.ts';
import type { ScoresLongResult, ScoresLongTask } from './scores-long-pool.ts';

// scores_long rendered on another core while the main thread computes the open-tier statistics.

const task = workerData as ScoresLongTask;
const times = new StageTimes();
const files = renderScoresLong(task.scored, task.file, task.releaseId, task.secret, times);
const result: ScoresLongResult = { files, stages: times.stages };
// A body that owns its whole buffer moves to the main thread without a copy.
const owned = files
  .map((file) => file.body)
  .filter((body) => body.byteOffset === 0 && body.byteLength === body.buffer.byteLength)
  .map((body) => body.buffer as ArrayBuffer);
parentPort!.postMessage(result, owned);
