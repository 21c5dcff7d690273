import type { Study } from '../../shared/study/schema.ts';
import { firstAnswer, startWorker } from '../threads.ts';
import type { ByteRange } from './lines.ts';
import type { DyadsRead, ResponsePart } from './study-data.ts';

/**
 * What a parse worker is given: the folder, the validated study, the dyads the main thread read
 * from dyads.jsonl (to validate responses against) and its range of responses.jsonl.
 */
export interface ParseTask {
  dir: string;
  study: Study;
  dyads: DyadsRead;
  range: ByteRange;
}

/** What a parse worker returns: the responses of its range and how many lines the range held. */
export interface ParseResult {
  part: ResponsePart;
  lines: number;
}

/** The parse worker's module. */
export const PARSE_WORKER = new URL('./parse-worker.ts', import.meta.url);

/**
 * Starts a parse worker (parse-worker.ts) before its task exists, so that it loads its modules
 * while this thread reads study.json and dyads.jsonl (about 0.2 s at 20k dyads, in which a worker
 * started after them sat booting); `parse` then hands it its task, once.
 */
export function startParseWorker(): { parse(task: ParseTask): Promise<ParseResult>; stop(): void } {
  const worker = startWorker(PARSE_WORKER, undefined);
  const answer = firstAnswer<ParseResult>(worker, PARSE_WORKER.pathname);
  // Awaited in parse; a worker stopped unused must not count as an unhandled failure.
  answer.catch(() => {});
  return {
    parse(task) {
      worker.postMessage(task);
      return answer;
    },
    stop() {
      void worker.terminate();
    },
  };
}
