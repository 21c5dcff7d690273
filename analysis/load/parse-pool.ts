import { Worker } from 'node:worker_threads';
import type { Study } from '../../shared/study/schema.ts';
import type { ByteRange } from './raw-export.ts';
import type { ResponsePart } from './study-data.ts';

// Parsing a byte range of responses.jsonl on another thread. The worker is TypeScript like the
// rest of the pipeline, so it starts with tsx's loader (a dependency already: the CLI runs on it).

/** What a worker is given: the folder, the validated study and its range of responses.jsonl. */
export interface ParseTask {
  dir: string;
  study: Study;
  range: ByteRange;
}

/** What a worker returns: the responses of its range and how many lines the range held. */
export interface ParseResult {
  part: ResponsePart;
  lines: number;
}

const WORKER = new URL('./parse-worker.ts', import.meta.url);
const TSX_API = import.meta.resolve('tsx/esm/api');
// A .ts entry would be resolved before any loader exists in the new thread (Node 20 hooks are not
// inherited by workers), so the entry is a line of JavaScript that loads it through tsx's API.
const ENTRY = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER.href)}, ${JSON.stringify(WORKER.href)}))`;

/** Parses one range in a worker thread; rejects with the worker's error. */
export function parseInWorker(task: ParseTask): Promise<ParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { eval: true, workerData: task });
    let settled = false;
    worker.once('message', (result: ParseResult) => {
      settled = true;
      resolve(result);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`parse worker exited with code ${code} before it answered`));
    });
  });
}
