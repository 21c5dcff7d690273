import type { InstrumentDefinition } from '../../shared/instruments/schema.ts';

// A fast path for the one line shape that makes up almost all of a raw export: a flat JSON object
// of strings, whole numbers and null, with an `answers` object of whole numbers and null. It reads
// the bytes as they lie in the read buffer, so that a million lines build no JSON object, no
// answers object and no new string for a value seen lately (a raw export lies in owner order, so
// site, therapist, dyad, role, instrument and date repeat from line to line; see StringCache).
//
// It is strict and answers only what it is sure of: anything it does not take apart itself — an
// escape in a string, a number with a fraction or exponent, a nested value where none belongs, a
// repeated key, `answers` before `instrument`, an unknown item or an answer off the scale, bytes
// after the object, malformed JSON — makes scan() return false, and the caller parses that line
// with JSON.parse as before, which reports it with the same message and line number. So every
// line the scanner takes gives exactly what JSON.parse gives.
//
// It takes only the compact form JSON.stringify writes (no whitespace between tokens). A byte at
// or after `end` may be read, but only ever to reject the line or to move past it, and a line is
// taken only if the scan ends exactly at `end`.
//
// Measured on the 1M bench file (responses.jsonl, 286 MB, one thread, 2026-12-01, machine load
// 9–11 from other builds): JSON.parse per line 3.4–4.4 s CPU for the parse alone; this scanner
// 2.0–2.6 s for the scan alone; the whole load on one thread (read, scan, validate, build and sort
// the columns) 3.6–4.2 s where it was 5.4 s with JSON.parse.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const N = 0x6e;
const T = 0x74;
const F = 0x66;

/** Bytes of the JSON literals a value may be. */
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** The keys the scanner knows (the first six hold strings it keeps); another key holding a string or a literal is skipped. */
const STRING_KEYS = ['siteId', 'therapistId', 'dyadId', 'role', 'instrument', 'submittedOn'] as const;
const KEYS = [...STRING_KEYS, 'language', 'session', 'answers'] as const;
type Key = (typeof KEYS)[number];
const SITE = KEYS.indexOf('siteId');
const THERAPIST = KEYS.indexOf('therapistId');
const DYAD = KEYS.indexOf('dyadId');
const ROLE = KEYS.indexOf('role');
const INSTRUMENT = KEYS.indexOf('instrument');
const LANGUAGE = KEYS.indexOf('language');
const SESSION = KEYS.indexOf('session');
const ANSWERS = KEYS.indexOf('answers');
const KEY_BYTES = KEYS.map((key) => Buffer.from(key));

/** What the position-returning helpers below answer for bytes they do not take. */
const FAIL = -1;

/**
 * Whether bytes[start, start + length) are word[0, length) (a JS loop: a Buffer.compare call costs
 * more for a few bytes).
 */
function sameBytes(bytes: Uint8Array, start: number, word: Uint8Array, length = word.length): boolean {
  for (let i = 0; i < length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}

/**
 * From just after an opening quote: the position of the closing quote; FAIL for an escape, a
 * control character or no closing quote (all left to JSON.parse).
 */
function stringEnd(bytes: Uint8Array, p: number, end: number): number {
  for (; p < end; p++) {
    const c = bytes[p]!;
    if (c === QUOTE) return p;
    if (c === BACKSLASH || c < 0x20) return FAIL;
  }
  return FAIL;
}

/** The position after `word` if it starts at `p`, else FAIL. */
function literal(bytes: Uint8Array, p: number, end: number, word: Uint8Array): number {
  return p + word.length <= end && sameBytes(bytes, p, word) ? p + word.length : FAIL;
}

/** Set by wholeNumber(): the value it read. */
let numberValue = 0;

/**
 * An integer written as JSON writes it (optional minus, no leading zero, no fraction or exponent,
 * at most 9 digits) from `p`: the position after it, with its value in numberValue; FAIL for
 * anything else, "-0" included.
 */
function wholeNumber(bytes: Uint8Array, p: number, end: number): number {
  const negative = p < end && bytes[p] === MINUS;
  if (negative) p++;
  const first = p;
  let value = 0;
  while (p < end) {
    const c = bytes[p]!;
    if (c < ZERO || c > NINE) break;
    value = value * 10 + (c - ZERO);
    p++;
  }
  const digits = p - first;
  if (digits === 0 || digits > 9 || (digits > 1 && bytes[first] === ZERO) || (negative && value === 0))
    return FAIL;
  const next = p < end ? bytes[p]! : -1;
  if (next === 0x2e || next === 0x65 || next === 0x45) return FAIL;
  numberValue = negative ? -value : value;
  return p;
}

/** Which of KEYS bytes[start, end) is; −1 for another key. */
function keyOf(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < KEY_BYTES.length; k++) {
    const key = KEY_BYTES[k]!;
    if (key.length === length && key[0] === bytes[start] && sameBytes(bytes, start, key)) return k;
  }
  return -1;
}

/** Entries of a StringCache (a power of two): more than the distinct dates of a year or two. */
const CACHE_ENTRIES = 2048;
const EMPTY = Buffer.alloc(0);

/**
 * The texts of the strings a field held lately, by a hash (FNV-1a) of their bytes: a value seen
 * before (a role, an instrument, a date, the dyad of the line before) is not decoded again.
 */
class StringCache {
  private readonly bytes: Buffer[] = new Array<Buffer>(CACHE_ENTRIES).fill(EMPTY);
  private readonly texts: string[] = new Array<string>(CACHE_ENTRIES).fill('');

  /** The text of the UTF-8 bytes[start, end). */
  take(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const slot = (hash ^ (hash >>> 16)) & (CACHE_ENTRIES - 1);
    const known = this.bytes[slot]!;
    if (known.length === length && sameBytes(bytes, start, known)) return this.texts[slot]!;
    const text = bytes.toString('utf8', start, end);
    this.bytes[slot] = Buffer.from(bytes.subarray(start, end));
    this.texts[slot] = text;
    return text;
  }
}

/**
 * Scans response lines of one study. After scan() answers true, `fields` holds the line's known
 * fields as JSON.parse gives them (siteId, therapistId, dyadId, role, session, instrument,
 * submittedOn, language; a missing key is undefined), `instrument` the index of its instrument and
 * `answers` its answers in item order (`noAnswer` where the line has none or null).
 */
export class ResponseLineScanner {
  readonly fields: Record<Exclude<Key, 'answers'>, unknown> = {
    siteId: undefined,
    therapistId: undefined,
    dyadId: undefined,
    role: undefined,
    instrument: undefined,
    submittedOn: undefined,
    language: undefined,
    session: undefined,
  };
  /** Index into the instruments of the instrument named by `fields.instrument`. */
  instrument = -1;
  readonly answers: Int16Array;

  private readonly caches = STRING_KEYS.map(() => new StringCache());
  /** The key at each position of the line before: lines of one export list their keys alike. */
  private readonly keyOrder = new Int8Array(32).fill(-1);
  private readonly itemBytes: Buffer[][];
  private readonly seen: Uint8Array;

  private readonly instrumentIndex: ReadonlyMap<string, number>;

  /** `noAnswer` is what `answers` holds for an item without an answer. */
  constructor(
    private readonly instruments: readonly InstrumentDefinition[],
    private readonly noAnswer: number,
  ) {
    this.instrumentIndex = new Map(instruments.map((def, index) => [def.id, index]));
    this.itemBytes = instruments.map((def) => def.items.map((item) => Buffer.from(item.id)));
    const most = Math.max(0, ...instruments.map((def) => def.items.length));
    this.answers = new Int16Array(most);
    this.seen = new Uint8Array(most);
  }

  /** Whether the line bytes[start, end) was taken apart; false: parse it with JSON.parse. */
  scan(bytes: Buffer, start: number, end: number): boolean {
    const fields = this.fields;
    fields.siteId = fields.therapistId = fields.dyadId = fields.role = fields.instrument = undefined;
    fields.submittedOn = fields.language = fields.session = undefined;
    this.instrument = -1;
    let present = 0;
    // A CR before the LF is no part of the line.
    if (end > start && bytes[end - 1] === 0x0d) end--;
    if (bytes[start] !== OPEN) return false;
    let p = start + 1;
    if (bytes[p] === CLOSE) p++;
    else {
      const keyOrder = this.keyOrder;
      for (let k = 0; ; k++) {
        if (bytes[p] !== QUOTE) return false;
        // The key of the line before at this place, if it is the same, needs no scan for its end.
        let key = k < keyOrder.length ? keyOrder[k]! : -1;
        let keyEnd = key >= 0 ? p + 1 + KEY_BYTES[key]!.length : FAIL;
        if (
          key < 0 ||
          keyEnd >= end ||
          bytes[keyEnd] !== QUOTE ||
          !sameBytes(bytes, p + 1, KEY_BYTES[key]!)
        ) {
          keyEnd = stringEnd(bytes, p + 1, end);
          if (keyEnd === FAIL) return false;
          key = keyOf(bytes, p + 1, keyEnd);
          if (k < keyOrder.length) keyOrder[k] = key;
        }
        if (bytes[keyEnd + 1] !== COLON) return false;
        p = keyEnd + 2;
        if (key >= 0) {
          if (present & (1 << key)) return false;
          present |= 1 << key;
          p = this.value(bytes, p, end, key);
        } else p = skipScalar(bytes, p, end);
        if (p === FAIL || p >= end) return false;
        const c = bytes[p++];
        if (c === CLOSE) break;
        if (c !== COMMA) return false;
      }
    }
    return p === end;
  }

  /** The value of a known key from `p`: the position after it, or FAIL. */
  private value(bytes: Buffer, p: number, end: number, key: number): number {
    if (key === SESSION) {
      p = wholeNumber(bytes, p, end);
      if (p !== FAIL) this.fields.session = numberValue;
      return p;
    }
    if (key === ANSWERS) return bytes[p] === OPEN ? this.answersObject(bytes, p + 1, end) : FAIL;
    if (bytes[p] !== QUOTE) {
      if (key !== DYAD) return FAIL;
      p = literal(bytes, p, end, NULL);
      if (p !== FAIL) this.fields.dyadId = null;
      return p;
    }
    const close = stringEnd(bytes, p + 1, end);
    if (close === FAIL) return FAIL;
    if (key === LANGUAGE) {
      // Only its being a string is checked; its text is never needed.
      this.fields.language = '';
    } else {
      const text = this.caches[key]!.take(bytes, p + 1, close);
      // One property each: a store through a computed key costs more than the rest of the value.
      const fields = this.fields;
      switch (key) {
        case SITE:
          fields.siteId = text;
          break;
        case THERAPIST:
          fields.therapistId = text;
          break;
        case DYAD:
          fields.dyadId = text;
          break;
        case ROLE:
          fields.role = text;
          break;
        case INSTRUMENT:
          fields.instrument = text;
          this.instrument = this.instrumentIndex.get(text) ?? -1;
          break;
        default:
          fields.submittedOn = text;
      }
    }
    return close + 1;
  }

  /**
   * From just after the `{` of `answers`: the position after its `}`, with each answer (on the
   * scale of the line's instrument, named before it) in `answers`; FAIL otherwise.
   */
  private answersObject(bytes: Buffer, p: number, end: number): number {
    const index = this.instrument;
    if (index < 0) return FAIL;
    const { min, max } = this.instruments[index]!.scale;
    const items = this.itemBytes[index]!;
    const answers = this.answers;
    const seen = this.seen;
    answers.fill(this.noAnswer, 0, items.length);
    seen.fill(0, 0, items.length);
    if (bytes[p] === CLOSE) return p + 1;
    for (let k = 0; ; k++) {
      if (bytes[p] !== QUOTE) return FAIL;
      // Items mostly come in their order: the k-th item's id, if it is the key, needs no scan for its end.
      let position = k;
      let keyEnd = k < items.length ? p + 1 + items[k]!.length : FAIL;
      if (
        k >= items.length ||
        keyEnd >= end ||
        bytes[keyEnd] !== QUOTE ||
        !sameBytes(bytes, p + 1, items[k]!)
      ) {
        keyEnd = stringEnd(bytes, p + 1, end);
        if (keyEnd === FAIL) return FAIL;
        position = itemAt(items, bytes, p + 1, keyEnd);
      }
      if (position < 0 || seen[position] === 1) return FAIL;
      seen[position] = 1;
      if (bytes[keyEnd + 1] !== COLON) return FAIL;
      p = keyEnd + 2;
      if (bytes[p] === N) {
        p = literal(bytes, p, end, NULL);
        if (p === FAIL) return FAIL;
      } else {
        p = wholeNumber(bytes, p, end);
        if (p === FAIL || numberValue < min || numberValue > max) return FAIL;
        answers[position] = numberValue;
      }
      if (p >= end) return FAIL;
      const c = bytes[p++];
      if (c === CLOSE) return p;
      if (c !== COMMA) return FAIL;
    }
  }
}

/** A string or a literal whose value is not needed, from `p`: the position after it, or FAIL. */
function skipScalar(bytes: Uint8Array, p: number, end: number): number {
  const c = bytes[p];
  if (c === QUOTE) {
    const close = stringEnd(bytes, p + 1, end);
    return close === FAIL ? FAIL : close + 1;
  }
  if (c === N) return literal(bytes, p, end, NULL);
  if (c === T) return literal(bytes, p, end, TRUE);
  if (c === F) return literal(bytes, p, end, FALSE);
  return FAIL;
}

/** The position of the item named bytes[start, end); −1 if none. */
function itemAt(items: readonly Buffer[], bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let p = 0; p < items.length; p++) {
    const item = items[p]!;
    if (item.length === length && sameBytes(bytes, start, item)) return p;
  }
  return -1;
}
