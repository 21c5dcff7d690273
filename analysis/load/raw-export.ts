import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { detailsFromIssues, ValidationError } from '../../shared/errors.ts';
import { Study } from '../../shared/study/schema.ts';
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

/**
 * Streams one JSON-lines file line by line, handing each parsed value to `add` with its 1-based
 * line number; a line that is not JSON is reported to `malformed`. Blank lines are ignored.
 */
export async function readJsonLines(
  path: string,
  add: (value: unknown, line: number) => void,
  malformed: (line: number, message: string) => void,
): Promise<void> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      malformed(line, 'not JSON');
      continue;
    }
    add(value, line);
  }
}

/** Loads a raw export folder (DESIGN §8): study.json, dyads.jsonl, responses.jsonl, streamed. */
export async function loadRawExport(dir: string, progress?: Progress): Promise<StudyData> {
  const study = await readStudyFile(dir);
  const builder = new StudyDataBuilder(study);
  for (const source of ['dyads.jsonl', 'responses.jsonl'] as const) {
    progress?.(`reading ${source}`);
    const add =
      source === 'dyads.jsonl'
        ? (value: unknown, line: number) => builder.addDyad(value, source, line)
        : (value: unknown, line: number) => builder.addResponse(value, source, line);
    try {
      await readJsonLines(join(dir, source), add, (line, message) =>
        builder.addMalformed(source, line, message),
      );
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ValidationError(`${join(dir, source)} is missing`, { cause });
      throw cause;
    }
  }
  const data = builder.finish();
  if (data.withdrawn > 0) progress?.(`left out ${data.withdrawn} responses of withdrawn dyads`);
  return data;
}
