// CSV as bytes: the cells of DESIGN §8's CSV (UTF-8, shortest round-trip numbers, empty for
// missing, quoted only when needed) and a buffer to write them into. No table library here: the
// scores_long worker loads only this, the typed columns and the writers (write/scores-long.ts).

type Value = unknown;

/** One cell as CSV text. */
export function csvCell(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const encoder = new TextEncoder();
/** The UTF-8 bytes of a piece of a row. */
export const encoded = (text: string): Uint8Array => encoder.encode(text);

/** Whole numbers below this are encoded once (scale sums, sessions, weeks, instance numbers). */
const CACHED_INTEGERS = 4096;
/** At most this many other numbers (prorated scores) are kept encoded. */
const CACHED_OTHERS = 1 << 16;
export const EMPTY = new Uint8Array(0);
export const COMMA = encoded(',');
export const NEWLINE = encoded('\n');

/**
 * A comma and a number as CSV bytes (shortest round trip, as String(value); nothing after the
 * comma when the number is not finite), each distinct value encoded once: numbers are most of
 * scores_long's cells.
 */
export function commaNumbers(): (value: number) => Uint8Array {
  // Filled at once: an array filled out of order would fall into slow dictionary mode.
  const integers = Array.from({ length: CACHED_INTEGERS }, (_, value) => encoded(`,${value}`));
  const others = new Map<number, Uint8Array>();
  const none = encoded(',');
  return (value) => {
    if (value >= 0 && value < CACHED_INTEGERS && Number.isInteger(value)) return integers[value]!;
    if (!Number.isFinite(value)) return none;
    let cell = others.get(value);
    if (cell === undefined) {
      cell = encoded(`,${value}`);
      if (others.size < CACHED_OTHERS) others.set(value, cell);
    }
    return cell;
  };
}

/** Bytes of a comma and a number at most (a double's shortest text is under 25 characters). */
export const NUMBER_BYTES = 26;

/** Rows after which the whole file's size is estimated and reserved. */
export const SAMPLE_ROWS = 1024;

/** The pieces joined into one. */
export function concat(...pieces: ArrayLike<number>[]): Uint8Array {
  const joined = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}

/** Bytes of the longest piece. */
export const longest = (pieces: readonly Uint8Array[]): number =>
  Math.max(0, ...pieces.map((piece) => piece.length));

/**
 * Copies `piece` into `bytes` at `at`; answers the position after it. A plain loop, as pieces are
 * a few bytes long, into a buffer and position the caller holds in locals: as a method that read
 * and wrote the buffer's fields for each of a row's dozen pieces (GrowingBuffer.put), it took a
 * third of scores_long.csv's time and was not inlined.
 */
export function copyInto(bytes: Uint8Array, at: number, piece: Uint8Array): number {
  for (let k = 0; k < piece.length; k++) bytes[at++] = piece[k]!;
  return at;
}

/**
 * UTF-8 text or bytes appended into one buffer that grows by doubling: a million-row file is then
 * one allocation of about its size, not a list of chunks plus a concatenated copy (twice the memory).
 */
export class GrowingBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(first: string) {
    this.buffer = Buffer.allocUnsafe(Math.max(1024, Buffer.byteLength(first)));
    this.write(first, 0);
  }

  /** Appends the text, first making room for `expected` bytes in all when that is more. */
  write(text: string, expected: number): void {
    const worst = this.length + text.length * 3;
    if (worst > this.buffer.length) {
      const needed = Math.max(expected, this.length + Buffer.byteLength(text));
      if (needed > this.buffer.length) this.grow(Math.max(needed, this.buffer.length * 2));
    }
    this.length += this.buffer.write(text, this.length);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /**
   * Makes room for `extra` more bytes, and for `expected` in all when that is more; answers the
   * buffer to copy them into from `size` on (copyInto), valid until the next room() or write().
   */
  room(extra: number, expected = 0): Buffer {
    const needed = Math.max(expected, this.length + extra);
    // By a quarter: callers give `expected` early, so growing past it is a small correction.
    if (needed > this.buffer.length) this.grow(Math.max(needed, Math.ceil(this.buffer.length * 1.25)));
    return this.buffer;
  }

  /** Marks the bytes copied into room()'s buffer as written, up to `end`. */
  written(end: number): void {
    this.length = end;
  }

  private grow(capacity: number): void {
    const next = Buffer.allocUnsafe(capacity);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** The written bytes: a view, not a copy. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
