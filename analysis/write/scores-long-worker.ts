import { parentPort } from 'node:worker_threads';
import { StageTimes } from '../stages.ts';
import { withSha256 } from './digest.ts';
import { scoresLongFiles } from './scores-long-files.ts';
import type { ScoresLongResult, ScoresLongTask } from './scores-long-pool.ts';

// scores_long and its REDCap form rendered on another core while the main thread computes the
// open-tier statistics. Started before its task exists (scores-long-pool.ts): it loads its
// modules, then waits for the one task it renders.

parentPort!.once('message', ({ input, long, share }: ScoresLongTask) => {
  const times = new StageTimes();
  // Hashed here too: about 190 MB at 1M responses, which the main thread would hash after its
  // statistics with the other core idle.
  const files = scoresLongFiles(input, long, times, share).map((file) =>
    times.time('publish (hash)', () => withSha256(file)),
  );
  const result: ScoresLongResult = { files, stages: times.stages };
  // A body with a buffer of its own moves to the main thread without a copy; smaller buffers may
  // be slices of Node's shared Buffer pool, which must not move.
  const owned = files
    .map((file) => file.body.buffer as ArrayBuffer)
    .filter((buffer) => buffer.byteLength > Buffer.poolSize);
  parentPort!.postMessage(result, owned);
});
