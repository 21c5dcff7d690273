import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyDataBuilder } from './study-data.ts';

// Lines of a raw export's JSON lines files, read in large chunks, for the main thread and the
// parse workers alike. Kept apart from raw-export.ts, which validates study.json with zod: a parse
// worker loads only this and the builder, and loading zod there cost it about 0.1 s of its start.

/** Bytes read at a time; a line longer than this is read in several reads. */
const READ_BYTES = 1 << 22;

/** A byte range of a file; a line belongs to the range that holds its first byte. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Calls `visit` with each line whose first byte lies in the range of the file, as
 * bytes[start, end) of a read buffer (without its LF; valid only during the call), with its
 * 1-based number within the range; returns how many lines that is. Reads in large chunks and
 * splits by hand: readline costs about a second more per million lines.
 */
export function forEachLine(
  path: string,
  range: ByteRange,
  visit: (bytes: Buffer, start: number, end: number, line: number) => void,
): number {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_BYTES);
    let line = 0;
    const lines = (end: number): void => {
      let from = 0;
      for (let lf = buffer.indexOf(0x0a, from); lf !== -1 && lf < end; lf = buffer.indexOf(0x0a, from)) {
        visit(buffer, from, lf, ++line);
        from = lf + 1;
      }
    };
    // A range that starts mid-line leaves that line to the range before it.
    let position = range.start === 0 ? 0 : lineStartFrom(fd, buffer, range.start);
    // buffer[0, kept) holds the start of a line not yet finished; it starts at file offset position − kept.
    let kept = 0;
    while (position - kept < range.end) {
      if (kept === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, kept);
        buffer = larger;
      }
      const read = readSync(fd, buffer, kept, buffer.length - kept, position);
      if (read === 0) {
        if (kept > 0) visit(buffer, 0, kept, ++line);
        break;
      }
      const filled = kept + read;
      const base = position - kept;
      position += read;
      // The last line of the range ends at the first LF at or after range.end − 1.
      const cut = range.end - 1 - base;
      const last = cut < filled ? buffer.indexOf(0x0a, Math.max(0, cut)) : -1;
      if (last !== -1 && last < filled) {
        lines(last + 1);
        return line;
      }
      const lastLf = buffer.lastIndexOf(0x0a, filled - 1);
      if (lastLf === -1) {
        kept = filled;
        continue;
      }
      lines(lastLf + 1);
      kept = filled - lastLf - 1;
      buffer.copy(buffer, 0, lastLf + 1, filled);
    }
    return line;
  } finally {
    closeSync(fd);
  }
}

/** The offset of the first line that starts at or after `offset`. */
function lineStartFrom(fd: number, buffer: Buffer, offset: number): number {
  let position = offset - 1;
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) return position;
    const lf = buffer.indexOf(0x0a);
    if (lf !== -1 && lf < read) return position + lf + 1;
    position += read;
  }
}

/**
 * Parses one line of JSON lines (UTF-8 bytes[start, end), a trailing CR dropped), handing its value
 * to `add`; a line that is not JSON goes to `malformed`, a blank line is skipped.
 */
function parseLine(
  bytes: Buffer,
  start: number,
  end: number,
  line: number,
  add: (value: unknown, line: number) => void,
  malformed: (line: number, message: string) => void,
): void {
  const text = bytes.toString('utf8', start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
  if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    malformed(line, 'not JSON');
    return;
  }
  add(value, line);
}

/**
 * Parses the JSON lines of a range, handing each value to `add` with its line number; a line that
 * is not JSON goes to `malformed`. Blank lines are skipped. Returns the lines of the range.
 */
export function readJsonLines(
  path: string,
  range: ByteRange,
  add: (value: unknown, line: number) => void,
  malformed: (line: number, message: string) => void,
): number {
  return forEachLine(path, range, (bytes, start, end, line) =>
    parseLine(bytes, start, end, line, add, malformed),
  );
}

/**
 * Reads one range of responses.jsonl into the builder; returns the lines of the range. Lines the
 * builder's scanner does not take apart are parsed with JSON.parse (StudyDataBuilder.addResponseLine).
 */
export function readResponses(dir: string, builder: StudyDataBuilder, range: ByteRange): number {
  const source = 'responses.jsonl';
  const add = (value: unknown, line: number): void => void builder.addResponse(value, source, line);
  const malformed = (line: number, message: string): void => builder.addMalformed(source, line, message);
  return forEachLine(join(dir, source), range, (bytes, start, end, line) => {
    if (!builder.addResponseLine(bytes, start, end, source, line))
      parseLine(bytes, start, end, line, add, malformed);
  });
}
