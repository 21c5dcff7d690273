import { parentPort, workerData } from 'node:worker_threads';
import { StageTimes } from '../stages.ts';
import { scoresLongFiles } from './scores-long-files.ts';
import type { ScoresLongResult, ScoresLongTask } from './scores-long-pool.ts';

// scores_long and its REDCap form rendered on another core while the main thread computes the
// open-tier statistics.

const { input, long } = workerData as ScoresLongTask;
const times = new StageTimes();
const files = scoresLongFiles(input, long, times);
const result: ScoresLongResult = { files, stages: times.stages };
// A body with a buffer of its own moves to the main thread without a copy; smaller buffers may be
// slices of Node's shared Buffer pool, which must not move.
const owned = files
  .map((file) => file.body.buffer as ArrayBuffer)
  .filter((buffer) => buffer.byteLength > Buffer.poolSize);
parentPort!.postMessage(result, owned);
