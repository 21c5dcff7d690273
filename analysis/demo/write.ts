import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../shared/errors.ts';
import type { Study } from '../../shared/study/schema.ts';
import { type ExportDyad, type ExportResponse, streamStudy } from './generate.ts';

/** What a raw export folder is written from: responses may be a stream. */
export interface RawExport {
  study: Study;
  dyads: readonly ExportDyad[];
  responses: Iterable<ExportResponse>;
}

export interface WriteSummary {
  dir: string;
  dyads: number;
  responses: number;
  bytes: number;
}

const CHUNK_BYTES = 1 << 20;

// Lines are encoded straight into 1 MB buffers: no joined strings for the collector to chase.
async function writeLines<T>(
  path: string,
  records: Iterable<T>,
  line: (record: T) => string,
  onProgress?: (lines: number) => void,
): Promise<{ lines: number; bytes: number }> {
  const stream = createWriteStream(path);
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let offset = 0;
  let count = 0;
  let bytes = 0;
  const flush = async () => {
    const full = buffer.subarray(0, offset);
    bytes += offset;
    buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    offset = 0;
    // Respect backpressure so a million lines never pile up in memory.
    if (!stream.write(full)) await once(stream, 'drain');
  };
  for (const record of records) {
    const text = `${line(record)}\n`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (offset + text.length * 3 > buffer.length) {
      if (offset > 0) await flush();
      if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(text.length * 3);
      onProgress?.(count);
    }
    offset += buffer.write(text, offset);
    count++;
  }
  if (offset > 0) await flush();
  onProgress?.(count);
  stream.end();
  await once(stream, 'finish');
  return { lines: count, bytes };
}

/** Writes `study.json`, `dyads.jsonl` and `responses.jsonl` (streamed) into dir (created if needed). */
export async function writeRawExport(
  dir: string,
  data: RawExport,
  onProgress?: (responses: number) => void,
): Promise<WriteSummary> {
  await mkdir(dir, { recursive: true });
  const study = `${JSON.stringify(data.study, null, 2)}\n`;
  await writeFile(join(dir, 'study.json'), study);
  const dyads = await writeLines(join(dir, 'dyads.jsonl'), data.dyads, (dyad) => JSON.stringify(dyad));
  const responses = await writeLines(
    join(dir, 'responses.jsonl'),
    data.responses,
    (response) => JSON.stringify(response),
    onProgress,
  );
  return {
    dir,
    dyads: dyads.lines,
    responses: responses.lines,
    bytes: Buffer.byteLength(study) + dyads.bytes + responses.bytes,
  };
}

/** Arguments of `tandem demo-data`. */
export interface DemoDataArgs {
  out: string;
  sites: number;
  dyads: number;
  responses?: number | undefined;
  seed?: number | undefined;
}

function checkArgs(args: DemoDataArgs): void {
  const details = [];
  const whole = (value: unknown, min: number) => Number.isInteger(value) && (value as number) >= min;
  if (typeof args.out !== 'string' || args.out === '')
    details.push({ path: 'out', message: 'a folder is required', received: args.out });
  if (!whole(args.sites, 1))
    details.push({ path: 'sites', message: 'a whole number ≥ 1', received: args.sites });
  if (!whole(args.dyads, 1) || (whole(args.sites, 1) && args.dyads < args.sites)) {
    details.push({ path: 'dyads', message: 'a whole number, at least one per site', received: args.dyads });
  }
  if (args.responses !== undefined && !whole(args.responses, 0)) {
    details.push({ path: 'responses', message: 'a whole number ≥ 0', received: args.responses });
  }
  if (args.seed !== undefined && !(whole(args.seed, 0) && args.seed <= 0xffffffff)) {
    details.push({ path: 'seed', message: 'a whole number from 0 to 4294967295', received: args.seed });
  }
  if (details.length > 0) throw new ValidationError('invalid demo-data arguments', { details });
}

/** `tandem demo-data`: writes a synthetic study as a raw export folder; progress only on a terminal. */
export async function demoData(args: DemoDataArgs): Promise<WriteSummary> {
  checkArgs(args);
  const tty = process.stderr.isTTY === true;
  const generated = streamStudy({
    sites: args.sites,
    dyads: args.dyads,
    seed: args.seed ?? 1,
    ...(args.responses === undefined ? {} : { responses: args.responses }),
  });
  const expected = Math.min(
    args.responses ?? Number.POSITIVE_INFINITY,
    Math.round(generated.expectedResponses),
  );
  const progress = tty
    ? (count: number) =>
        process.stderr.write(
          `\rresponses: ${count.toLocaleString('en')} of about ${expected.toLocaleString('en')}`,
        )
    : undefined;
  const summary = await writeRawExport(args.out, generated, progress);
  if (tty) {
    process.stderr.write(
      `\rWrote ${summary.dyads} dyads and ${summary.responses} responses at ${args.sites} sites to ${args.out}\n`,
    );
  }
  return summary;
}
