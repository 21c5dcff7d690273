import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { detailsFromIssues, ValidationError } from '../../shared/errors.ts';
import { Study } from '../../shared/study/schema.ts';
import { type ByteRange, readJsonLines, readResponses } from './lines.ts';
import { startParseWorker } from './parse-pool.ts';
import { type StudyData, StudyDataBuilder } from './study-data.ts';

/** Progress messages for a terminal; optional. */
export type Progress = (message: string) => void;

/** Reads and validates `study.json` of a raw export folder; a bad study is a ValidationError with paths. */
export async function readStudyFile(dir: string): Promise<Study> {
  const path = join(dir, 'study.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ValidationError(`cannot read ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`${path} is not JSON`, { cause });
  }
  const parsed = Study.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(`${path} is not a valid study definition`, {
      details: detailsFromIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}

const whole = (path: string): ByteRange => ({ start: 0, end: statSync(path).size });

/** The size of a file, 0 if it cannot be read (its error is reported where it is read). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Reads dyads.jsonl into the builder. */
export function readDyads(dir: string, builder: StudyDataBuilder): void {
  const path = join(dir, 'dyads.jsonl');
  readJsonLines(
    path,
    whole(path),
    (value, line) => builder.addDyad(value, 'dyads.jsonl', line),
    (line, message) => builder.addMalformed('dyads.jsonl', line, message),
  );
}

export interface LoadOptions {
  progress?: Progress;
  /**
   * Threads that parse responses.jsonl (this one included); default: the cores available, at most
   * 4, and 1 for a file under PARALLEL_MIN_BYTES.
   */
  threads?: number;
}

/** Below this size responses.jsonl is parsed on the main thread alone: a worker costs ~0.2 s to start. */
export const PARALLEL_MIN_BYTES = 32 << 20;

/**
 * The main thread's share of responses.jsonl against a worker's 1. With equal halves at 1M
 * responses on 2 cores, the main thread finished its half 0.3–0.4 s before the worker (CPU
 * profiles of both threads) and waited; `tandem aggregate`'s load stage took 3.05/3.07/3.16 s
 * with equal halves and 2.69/2.40/3.24 s with 1.2 (interleaved runs, 2026-12-01, busy VM).
 */
const MAIN_THREAD_WEIGHT = 1.2;

/**
 * Loads a raw export folder (DESIGN §8): study.json, dyads.jsonl, responses.jsonl. JSON parsing is
 * most of a large release's time, so responses.jsonl is cut into byte ranges parsed on several
 * cores (parse-worker.ts), each into typed columns that are transferred, not copied, and absorbed
 * in file order: the result, line numbers of problems included, is the one a single thread gives.
 */
export async function loadRawExport(dir: string, options: LoadOptions = {}): Promise<StudyData> {
  const sources = ['dyads.jsonl', 'responses.jsonl'].map((name) => join(dir, name));
  const threads = Math.max(
    1,
    options.threads ?? (sizeOf(sources[1]!) < PARALLEL_MIN_BYTES ? 1 : Math.min(4, availableParallelism())),
  );
  // Started first: they load their modules while this thread reads the study and the dyads.
  const workers = Array.from({ length: threads - 1 }, () => startParseWorker());
  let builder: StudyDataBuilder;
  let size: number;
  try {
    builder = new StudyDataBuilder(await readStudyFile(dir));
    size = sources.map((path) => {
      try {
        return statSync(path).size;
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT')
          throw new ValidationError(`${path} is missing`, { cause });
        throw cause;
      }
    })[1]!;
    options.progress?.('reading dyads.jsonl');
    readDyads(dir, builder);
  } catch (error) {
    for (const worker of workers) worker.stop();
    throw error;
  }
  const { study } = builder;
  options.progress?.(`reading responses.jsonl${threads > 1 ? ` on ${threads} threads` : ''}`);
  // This thread's range is the first and larger: a worker starts parsing later (its start) and
  // parses more slowly at first (its code not yet optimised).
  const weights = Array.from({ length: threads }, (_, i) => (i === 0 ? MAIN_THREAD_WEIGHT : 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let before = 0;
  const ranges = weights.map((weight) => {
    const start = Math.floor((size * before) / total);
    before += weight;
    return { start, end: Math.floor((size * before) / total) };
  });
  const dyads = builder.dyadsRead();
  const parts = ranges.slice(1).map((range, k) => workers[k]!.parse({ dir, study, dyads, range }));
  // This thread parses the first range while the workers parse theirs.
  let lineOffset = readResponses(dir, builder, ranges[0]!);
  for (const result of await Promise.all(parts)) {
    builder.absorb(result.part, 'responses.jsonl', lineOffset);
    lineOffset += result.lines;
  }
  const data = builder.finish();
  if (data.withdrawn > 0) options.progress?.(`left out ${data.withdrawn} responses of withdrawn dyads`);
  return data;
}
