import type { Study } from '../../shared/study/schema.ts';
import { runWorker } from '../threads.ts';
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

/** Parses one range of responses.jsonl on another thread (parse-worker.ts). */
export const parseInWorker = (task: ParseTask): Promise<ParseResult> =>
  runWorker<ParseResult>(PARSE_WORKER, task);
