import { parentPort } from 'node:worker_threads';
import { readResponses } from './lines.ts';
import type { ParseResult, ParseTask } from './parse-pool.ts';
import { StudyDataBuilder } from './study-data.ts';

// One range of responses.jsonl, parsed and validated into typed columns by the same builder the
// main thread uses; the columns are transferred back, not copied. Started before its task exists
// (parse-pool.ts), it loads its modules while the main thread reads the study and the dyads. The
// dyads to validate responses against come from the main thread, which read dyads.jsonl (and
// reports its problems): reading it again here cost this thread about 0.25 s before its first
// response.

parentPort!.once('message', (task: ParseTask) => {
  const builder = new StudyDataBuilder(task.study);
  builder.addDyadsRead(task.dyads);
  const lines = readResponses(task.dir, builder, task.range);
  const part = builder.takeResponses();
  const result: ParseResult = { part, lines };
  const columns = [part.site, part.therapist, part.dyad, part.role, part.session, part.instrument, part.day];
  parentPort!.postMessage(
    result,
    [...columns, part.answerStart, part.answers, part.line, part.therapistSite].map(
      (column) => column.buffer as ArrayBuffer,
    ),
  );
});
