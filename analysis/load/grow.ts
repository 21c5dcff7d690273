// Growable typed-array columns: the loader does not know the row count up front, and keeping rows
// as objects would cost ~10× the memory at a million responses.

type TypedArray = Int32Array | Int16Array | Uint8Array | Float64Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** Values below this many are appended by a loop (GrowableColumn.extend). */
const FEW = 64;

/** An append-only typed-array column that doubles its capacity as it fills. */
export class GrowableColumn<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    capacity = 1024,
  ) {
    this.data = new make(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Appends `count` copies of `value`. */
  append(count: number, value: number): void {
    this.reserve(this.length + count);
    this.data.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /**
   * Appends the first `count` values of `values` (all by default). A few values (a response's
   * answers, a million times) are copied in a loop: a subarray view and a set() call per response
   * cost more than the copy.
   */
  extend(values: ArrayLike<number>, count = values.length): void {
    this.reserve(this.length + count);
    if (count === values.length && count > FEW) this.data.set(values as never, this.length);
    else {
      const data = this.data;
      let at = this.length;
      for (let k = 0; k < count; k++) data[at++] = values[k]!;
    }
    this.length += count;
  }

  /** The value at `index` (< length). */
  get(index: number): number {
    return this.data[index]!;
  }

  /** The live backing array; valid until the next push beyond the reserved capacity. */
  backing(): T {
    return this.data;
  }

  /** Makes room for at least `capacity` values. */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new this.make(Math.max(capacity, this.data.length * 2));
    next.set(this.data as never);
    this.data = next;
  }

  /** Drops values from `length` on (used to undo a half-appended row). */
  truncate(length: number): void {
    this.length = length;
  }

  /** The filled part, trimmed to its length (a copy, so the backing store can be freed). */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Interns strings to dense indexes, in order of first appearance. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `value`, adding it when new. */
  intern(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.set(value, id);
    }
    return id;
  }

  get(value: string): number | undefined {
    return this.index.get(value);
  }
}

// Zero-filled columns on shared memory. The release's response and score columns are read by the
// scores_long worker too, and posting a column on a SharedArrayBuffer hands the worker the same
// memory where an ArrayBuffer's would be copied (about 100 MB at 1M responses).
export const sharedInt32 = (length: number): Int32Array => new Int32Array(new SharedArrayBuffer(length * 4));
export const sharedUint8 = (length: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(length));
export const sharedFloat64 = (length: number): Float64Array =>
  new Float64Array(new SharedArrayBuffer(length * 8));
