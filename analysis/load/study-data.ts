import { ID_PATTERN } from '../../shared/ids.ts';
import { ROLES, type Role } from '../../shared/instruments/roles.ts';
import type { InstrumentDefinition } from '../../shared/instruments/schema.ts';
import type { Modality } from '../../shared/ports.ts';
import { studyInstruments } from '../../shared/study/instruments.ts';
import type { Site, Study } from '../../shared/study/schema.ts';
import { GrowableColumn, Interner, sharedInt32, sharedUint8 } from './grow.ts';
import { ResponseLineScanner } from './response-line.ts';

// A study's dyads and responses in columnar form (DESIGN §11: a million responses in well under
// 1 GB): ids are interned to dense indexes, every attribute is a typed array, and nothing keeps a
// per-row object. The raw-export reader and the store reader feed the same builder, so both
// inputs are validated and stored the same way.

export const MODALITIES: readonly Modality[] = ['in_person', 'online', 'mixed'];
export const DYAD_STATUSES = ['active', 'ended', 'withdrawn'] as const;
/** Stored for a skipped item in `answers`. */
export const NO_ANSWER = -32768;
/** Sessions above this are rejected (keeps the natural key one exact number). */
export const MAX_SESSION = 65535;
/** Malformed records kept with their messages; beyond this only the count grows. */
export const MAX_PROBLEMS_KEPT = 1000;

/**
 * Responses one builder read, unsorted, as another builder absorbs them (StudyDataBuilder.absorb):
 * the response columns, with `therapist` and `dyad` indexing this part's own therapistIds and
 * dyadIds.
 */
export interface ResponsePart extends Omit<ResponseColumns, 'count'> {
  /** Line of each response within the part (1-based). */
  line: Int32Array;
  dyadIds: string[];
  therapistIds: string[];
  /** Site of each therapist (the first one seen). */
  therapistSite: Int32Array;
  /** Malformed lines of the part (the first MAX_PROBLEMS_KEPT), lines within the part. */
  problems: Problem[];
  skipped: number;
  /** Responses of withdrawn dyads left out of the part. */
  withdrawn: number;
}

/** A record that was skipped, with where it was. */
export interface Problem {
  source: string;
  /** 1-based line number (record number for the store). */
  line: number;
  message: string;
}

export interface DyadColumns {
  count: number;
  /** Dyad ids, ascending. */
  id: string[];
  site: Int32Array;
  therapist: Int32Array;
  /** Index into MODALITIES. */
  modality: Uint8Array;
  interpreter: Uint8Array;
  /** Days since 1970-01-01 (UTC) of `enrolledOn`. */
  enrolledDay: Int32Array;
  /** Index into DYAD_STATUSES. */
  status: Uint8Array;
  /** 0 when the dyad has not ended. */
  lastSession: Int32Array;
}

/**
 * The dyads one builder read, as DyadColumns but in the order read, with `therapist` indexing
 * `therapistIds`: what a parse worker's builder is given (addDyadsRead) instead of reading
 * dyads.jsonl again.
 */
export interface DyadsRead extends Omit<DyadColumns, 'count'> {
  therapistIds: string[];
  /** Site of each therapist (the first one seen). */
  therapistSite: Int32Array;
}

export interface ResponseColumns {
  count: number;
  site: Int32Array;
  therapist: Int32Array;
  /** −1 for therapist-level instruments. */
  dyad: Int32Array;
  /** Index into ROLES. */
  role: Uint8Array;
  session: Int32Array;
  /** Index into StudyData.instruments (sorted by id). */
  instrument: Int32Array;
  /** Days since 1970-01-01 (UTC) of `submittedOn`. */
  day: Int32Array;
  /** Answers of response i are answers[answerStart[i] … answerStart[i] + items − 1], in item order. */
  answerStart: Int32Array;
  /** Raw answers in the instrument's item order; NO_ANSWER for a skipped item. */
  answers: Int16Array;
}

/**
 * A loaded study. Responses are in a canonical order that does not depend on the input's: by
 * owner (dyads by id, then therapists by id), then role, session and instrument.
 */
export interface StudyData {
  study: Study;
  /** Sites, ascending by siteId. */
  sites: Site[];
  instruments: InstrumentDefinition[];
  /** Therapist ids, ascending. */
  therapists: string[];
  /** Site of each therapist (the first one seen). */
  therapistSite: Int32Array;
  dyads: DyadColumns;
  responses: ResponseColumns;
  /** Malformed records (the first MAX_PROBLEMS_KEPT), with line numbers. */
  problems: Problem[];
  skipped: number;
  /** Responses left out because their dyad has withdrawn (DESIGN §4); not malformed, never read. */
  withdrawn: number;
}

type Fields = Record<string, unknown>;

/** Days since the epoch of an ISO date (`YYYY-MM-DD`, optionally followed by a time); NaN if not one. */
export function isoDay(value: unknown): number {
  if (typeof value !== 'string' || value.length < 10) return Number.NaN;
  if (value.length > 10 && value[10] !== 'T') return Number.NaN;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  if (value[4] !== '-' || value[7] !== '-' || m < 1 || m > 12 || d < 1 || d > 31) return Number.NaN;
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 2027-02-31 over into March; such a date is not a date.
  if (new Date(ms).getUTCDate() !== d) return Number.NaN;
  return ms / 86_400_000;
}

function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    value = value * 10 + c;
  }
  return value;
}

const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
const isPositiveInt = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** What appendResponse answers for a response of a withdrawn dyad. */
const WITHDRAWN = Symbol('withdrawn');
const WITHDRAWN_STATUS = DYAD_STATUSES.indexOf('withdrawn');

/**
 * Collects validated dyads and responses into columns; records that fail are counted as problems.
 * Responses of a withdrawn dyad are left out (a raw export's `dyads.jsonl` says who withdrew).
 */
export class StudyDataBuilder {
  private readonly siteIndex = new Map<string, number>();
  private readonly instrumentIndex = new Map<string, number>();
  private readonly itemPositions: Record<string, number>[];
  private readonly instruments: InstrumentDefinition[];
  private readonly sites: Site[];
  private readonly problems: Problem[] = [];
  private skipped = 0;
  private withdrawn = 0;

  private readonly dyadIds = new Interner();
  private readonly dyadSite = new GrowableColumn(Int32Array);
  private readonly dyadTherapist = new GrowableColumn(Int32Array);
  private readonly dyadModality = new GrowableColumn(Uint8Array);
  private readonly dyadInterpreter = new GrowableColumn(Uint8Array);
  private readonly dyadEnrolled = new GrowableColumn(Int32Array);
  private readonly dyadStatus = new GrowableColumn(Uint8Array);
  private readonly dyadLast = new GrowableColumn(Int32Array);

  private readonly therapistIds = new Interner();
  private readonly therapistSite = new GrowableColumn(Int32Array);

  private readonly site = new GrowableColumn(Int32Array, 1 << 16);
  private readonly therapist = new GrowableColumn(Int32Array, 1 << 16);
  private readonly dyad = new GrowableColumn(Int32Array, 1 << 16);
  private readonly role = new GrowableColumn(Uint8Array, 1 << 16);
  private readonly session = new GrowableColumn(Int32Array, 1 << 16);
  private readonly instrument = new GrowableColumn(Int32Array, 1 << 16);
  private readonly day = new GrowableColumn(Int32Array, 1 << 16);
  private readonly answerStart = new GrowableColumn(Int32Array, 1 << 16);
  private readonly answers = new GrowableColumn(Int16Array, 1 << 20);
  /** Where each response came from, to report a duplicate found when sorting. */
  private readonly line = new GrowableColumn(Int32Array, 1 << 16);
  private readonly sourceIndex = new GrowableColumn(Uint8Array, 1 << 16);
  private readonly sources = new Interner();

  /** `extraSites` are sites the store knows beyond the study definition's list. */
  constructor(
    readonly study: Study,
    extraSites: readonly Site[] = [],
  ) {
    const sites = new Map<string, Site>();
    for (const site of [...study.sites, ...extraSites])
      if (!sites.has(site.siteId)) sites.set(site.siteId, site);
    this.sites = [...sites.values()].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
    for (const [index, site] of this.sites.entries()) this.siteIndex.set(site.siteId, index);
    // Sorted by id, so that the canonical order of responses is the order of release rows.
    this.instruments = [...studyInstruments(study).values()].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    for (const [index, def] of this.instruments.entries()) this.instrumentIndex.set(def.id, index);
    // Null-prototype objects: faster than a Map for a dozen keys, and `constructor` is no item.
    this.itemPositions = this.instruments.map((def) => {
      const positions: Record<string, number> = Object.create(null);
      for (const [index, item] of def.items.entries()) positions[item.id] = index;
      return positions;
    });
  }

  /** Submission dates repeat across thousands of responses: parse each distinct one once. */
  private readonly days = new Map<string, number>();

  private dayOf(value: unknown): number {
    if (typeof value !== 'string') return Number.NaN;
    let day = this.days.get(value);
    if (day === undefined) {
      day = isoDay(value);
      this.days.set(value, day);
    }
    return day;
  }

  /** Records a line that could not even be parsed. */
  addMalformed(source: string, line: number, message: string): void {
    this.problem(source, line, message);
  }

  private problem(source: string, line: number, message: string): void {
    this.skipped++;
    if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push({ source, line, message });
  }

  /** Adds one dyad; returns false (and records why) when it is malformed or a duplicate. */
  addDyad(value: unknown, source: string, line: number): boolean {
    const message = this.checkDyad(value);
    if (message !== null) {
      this.problem(source, line, message);
      return false;
    }
    const dyad = value as Fields;
    const siteIndex = this.siteIndex.get(dyad.siteId as string)!;
    this.dyadIds.intern(dyad.dyadId as string);
    this.dyadSite.push(siteIndex);
    this.dyadTherapist.push(this.therapistOf(dyad.therapistId as string, siteIndex));
    this.dyadModality.push(MODALITIES.indexOf(dyad.modality as Modality));
    this.dyadInterpreter.push(dyad.interpreter ? 1 : 0);
    this.dyadEnrolled.push(isoDay(dyad.enrolledOn));
    this.dyadStatus.push(DYAD_STATUSES.indexOf(dyad.status as (typeof DYAD_STATUSES)[number]));
    this.dyadLast.push(typeof dyad.lastSession === 'number' ? dyad.lastSession : 0);
    return true;
  }

  private checkDyad(value: unknown): string | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
    const dyad = value as Fields;
    if (!isId(dyad.dyadId)) return `dyadId: expected an id matching ${ID_PATTERN}, got ${show(dyad.dyadId)}`;
    if (typeof dyad.siteId !== 'string') return `siteId: expected a string, got ${show(dyad.siteId)}`;
    if (!this.siteIndex.has(dyad.siteId)) return `siteId: unknown site ${show(dyad.siteId)}`;
    if (!isId(dyad.therapistId)) return `therapistId: expected an id, got ${show(dyad.therapistId)}`;
    if (!MODALITIES.includes(dyad.modality as Modality))
      return `modality: expected one of ${MODALITIES.join(', ')}, got ${show(dyad.modality)}`;
    if (typeof dyad.interpreter !== 'boolean')
      return `interpreter: expected true or false, got ${show(dyad.interpreter)}`;
    if (typeof dyad.language !== 'string') return `language: expected a string, got ${show(dyad.language)}`;
    if (Number.isNaN(isoDay(dyad.enrolledOn)))
      return `enrolledOn: expected a date YYYY-MM-DD, got ${show(dyad.enrolledOn)}`;
    if (!DYAD_STATUSES.includes(dyad.status as (typeof DYAD_STATUSES)[number]))
      return `status: expected one of ${DYAD_STATUSES.join(', ')}, got ${show(dyad.status)}`;
    if (
      dyad.lastSession !== undefined &&
      dyad.lastSession !== null &&
      !isPositiveInt(dyad.lastSession, MAX_SESSION)
    )
      return `lastSession: expected a session number, got ${show(dyad.lastSession)}`;
    if (this.dyadIds.get(dyad.dyadId) !== undefined) return `dyadId: duplicate dyad ${show(dyad.dyadId)}`;
    return null;
  }

  /** The dyads added so far, and their therapists (copies; before any response is added). */
  dyadsRead(): DyadsRead {
    return {
      id: [...this.dyadIds.values],
      site: this.dyadSite.finish(),
      therapist: this.dyadTherapist.finish(),
      modality: this.dyadModality.finish(),
      interpreter: this.dyadInterpreter.finish(),
      enrolledDay: this.dyadEnrolled.finish(),
      status: this.dyadStatus.finish(),
      lastSession: this.dyadLast.finish(),
      therapistIds: [...this.therapistIds.values],
      therapistSite: this.therapistSite.finish(),
    };
  }

  /** Adds the dyads another builder read (dyadsRead), as if this one had read them; before any dyad or response. */
  addDyadsRead(dyads: DyadsRead): void {
    for (const id of dyads.id) this.dyadIds.intern(id);
    for (const id of dyads.therapistIds) this.therapistIds.intern(id);
    this.dyadSite.extend(dyads.site);
    this.dyadTherapist.extend(dyads.therapist);
    this.dyadModality.extend(dyads.modality);
    this.dyadInterpreter.extend(dyads.interpreter);
    this.dyadEnrolled.extend(dyads.enrolledDay);
    this.dyadStatus.extend(dyads.status);
    this.dyadLast.extend(dyads.lastSession);
    this.therapistSite.extend(dyads.therapistSite);
  }

  private therapistOf(therapistId: string, siteIndex: number): number {
    const before = this.therapistIds.values.length;
    const index = this.therapistIds.intern(therapistId);
    if (index === before) this.therapistSite.push(siteIndex);
    return index;
  }

  /** Adds one response; returns false (and records why) when it is malformed or a duplicate. */
  addResponse(value: unknown, source: string, line: number): boolean {
    const message = this.appendResponse(value);
    if (message === null) {
      this.line.push(line);
      this.sourceIndex.push(this.sources.intern(source));
      return true;
    }
    if (message === WITHDRAWN) this.withdrawn++;
    else this.problem(source, line, message);
    return false;
  }

  /**
   * Adds one line of responses.jsonl if the scanner takes it apart (see response-line.ts); false
   * when it does not, and nothing was added: parse the line with JSON.parse and addResponse().
   */
  addResponseLine(bytes: Buffer, start: number, end: number, source: string, line: number): boolean {
    this.scanner ??= new ResponseLineScanner(this.instruments, NO_ANSWER);
    const scanner = this.scanner;
    if (!scanner.scan(bytes, start, end)) return false;
    const head = this.checkHead(scanner.fields);
    if (head === WITHDRAWN) {
      this.withdrawn++;
      return true;
    }
    // A line whose problem is not in its answers is reported by the JSON.parse path.
    if (head !== null) return false;
    const answerStart = this.answers.length;
    this.answers.extend(scanner.answers, this.instruments[this.head.instrument]!.items.length);
    this.commit(scanner.fields.therapistId as string, scanner.fields.session as number, answerStart);
    this.line.push(line);
    this.sourceIndex.push(this.sources.intern(source));
    return true;
  }

  private scanner: ResponseLineScanner | undefined;

  /** The therapist id checkHead() last found to be an id. */
  private checkedTherapistId: string | undefined;

  /** What checkHead() found out about the response it accepted. */
  private readonly head = { site: 0, role: 0, instrument: 0, day: 0, dyad: -1 };

  private appendResponse(value: unknown): string | null | typeof WITHDRAWN {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
    const r = value as Fields;
    const head = this.checkHead(r);
    if (head !== null) return head;
    if (typeof r.answers !== 'object' || r.answers === null || Array.isArray(r.answers))
      return `answers: expected an object, got ${show(r.answers)}`;
    const instrumentIndex = this.head.instrument;
    const def = this.instruments[instrumentIndex]!;
    const positions = this.itemPositions[instrumentIndex]!;
    const start = this.answers.length;
    const items = def.items.length;
    this.answers.append(items, NO_ANSWER);
    const answers = this.answers.backing();
    // A plain loop without closures: this runs for every answer of a million responses.
    let failure: string | null = null;
    for (const key in r.answers) {
      const answer = (r.answers as Fields)[key];
      const position = positions[key];
      if (position === undefined) {
        failure = `answers.${key}: ${r.instrument} has no item ${key}`;
        break;
      }
      if (answer === null) continue;
      if (
        typeof answer !== 'number' ||
        !Number.isInteger(answer) ||
        answer < def.scale.min ||
        answer > def.scale.max
      ) {
        failure = `answers.${key}: expected a whole number from ${def.scale.min} to ${def.scale.max} or null, got ${show(answer)}`;
        break;
      }
      answers[start + position] = answer;
    }
    if (failure !== null) {
      this.answers.truncate(start);
      return failure;
    }
    this.commit(r.therapistId as string, r.session as number, start);
    return null;
  }

  /**
   * Checks every field of a response but its answers, leaving what it found in `head`; changes
   * nothing else (both the JSON.parse path and the scanner's call it).
   */
  private checkHead(r: Fields): string | null | typeof WITHDRAWN {
    if (typeof r.siteId !== 'string') return `siteId: expected a string, got ${show(r.siteId)}`;
    const siteIndex = this.siteIndex.get(r.siteId);
    if (siteIndex === undefined) return `siteId: unknown site ${show(r.siteId)}`;
    // A therapist's lines follow one another: the id checked last needs no second look.
    if (r.therapistId !== this.checkedTherapistId) {
      if (!isId(r.therapistId)) return `therapistId: expected an id, got ${show(r.therapistId)}`;
      this.checkedTherapistId = r.therapistId;
    }
    const roleIndex = ROLES.indexOf(r.role as Role);
    if (roleIndex < 0) return `role: expected one of ${ROLES.join(', ')}, got ${show(r.role)}`;
    if (!isPositiveInt(r.session, MAX_SESSION))
      return `session: expected a session number, got ${show(r.session)}`;
    if (typeof r.instrument !== 'string') return `instrument: expected a string, got ${show(r.instrument)}`;
    const instrumentIndex = this.instrumentIndex.get(r.instrument);
    if (instrumentIndex === undefined) return `instrument: unknown instrument ${show(r.instrument)}`;
    const def = this.instruments[instrumentIndex]!;
    if (!def.roles.includes(r.role as Role))
      return `role: ${r.instrument} is not answered by ${show(r.role)}`;
    const day = this.dayOf(r.submittedOn);
    if (Number.isNaN(day)) return `submittedOn: expected a date, got ${show(r.submittedOn)}`;
    if (typeof r.language !== 'string') return `language: expected a string, got ${show(r.language)}`;

    let dyadIndex = -1;
    if (def.level === 'dyad') {
      if (typeof r.dyadId !== 'string') return `dyadId: ${r.instrument} needs a dyad, got ${show(r.dyadId)}`;
      const known = this.dyadIds.get(r.dyadId);
      if (known === undefined) return `dyadId: unknown dyad ${show(r.dyadId)}`;
      if (this.dyadSite.get(known) !== siteIndex)
        return `siteId: ${show(r.siteId)} is not the site of dyad ${r.dyadId}`;
      if (this.therapistIds.values[this.dyadTherapist.get(known)] !== r.therapistId)
        return `therapistId: ${show(r.therapistId)} is not the therapist of dyad ${r.dyadId}`;
      if (this.dyadStatus.get(known) === WITHDRAWN_STATUS) return WITHDRAWN;
      dyadIndex = known;
    } else if (r.dyadId !== null && r.dyadId !== undefined) {
      return `dyadId: ${r.instrument} is a therapist-level instrument, so dyadId must be null`;
    }
    const head = this.head;
    head.site = siteIndex;
    head.role = roleIndex;
    head.instrument = instrumentIndex;
    head.day = day;
    head.dyad = dyadIndex;
    return null;
  }

  /** Appends the response that checkHead() accepted, whose answers start at `answerStart`. */
  private commit(therapistId: string, session: number, answerStart: number): void {
    const head = this.head;
    const therapistIndex =
      head.dyad >= 0 ? this.dyadTherapist.get(head.dyad) : this.therapistOf(therapistId, head.site);
    // Duplicate natural keys are found in finish(), where each owner's responses lie together.
    this.site.push(head.site);
    this.therapist.push(therapistIndex);
    this.dyad.push(head.dyad);
    this.role.push(head.role);
    this.session.push(session);
    this.instrument.push(head.instrument);
    this.day.push(head.day);
    this.answerStart.push(answerStart);
  }

  /**
   * The responses read so far, unsorted, with the problems they had: one part of a file that
   * several builders read in parallel (analysis/load/raw-export.ts). Leaves this builder empty of
   * responses and problems.
   */
  takeResponses(): ResponsePart {
    const part: ResponsePart = {
      site: this.site.finish(),
      therapist: this.therapist.finish(),
      dyad: this.dyad.finish(),
      role: this.role.finish(),
      session: this.session.finish(),
      instrument: this.instrument.finish(),
      day: this.day.finish(),
      answerStart: this.answerStart.finish(),
      answers: this.answers.finish(),
      line: this.line.finish(),
      dyadIds: this.dyadIds.values,
      therapistIds: this.therapistIds.values,
      therapistSite: this.therapistSite.finish(),
      problems: this.problems.splice(0),
      skipped: this.skipped,
      withdrawn: this.withdrawn,
    };
    this.skipped = 0;
    this.withdrawn = 0;
    for (const column of [this.site, this.therapist, this.dyad, this.role, this.session, this.instrument])
      column.truncate(0);
    for (const column of [this.day, this.answerStart, this.answers, this.line, this.sourceIndex])
      column.truncate(0);
    return part;
  }

  /**
   * Appends a part another builder read from `source`, whose first line is line `lineOffset` + 1
   * of the file; parts must come in file order so that the first of two duplicates stays first.
   */
  absorb(part: ResponsePart, source: string, lineOffset: number): void {
    const dyadOf = Int32Array.from(part.dyadIds, (id) => this.dyadIds.get(id) ?? -1);
    const therapistOf = Int32Array.from(part.therapistIds, (id, t) =>
      this.therapistOf(id, part.therapistSite[t]!),
    );
    const answerOffset = this.answers.length;
    const n = part.site.length;
    const sourceIndex = this.sources.intern(source);
    this.site.extend(part.site);
    this.role.extend(part.role);
    this.session.extend(part.session);
    this.instrument.extend(part.instrument);
    this.day.extend(part.day);
    this.answers.extend(part.answers);
    for (let i = 0; i < n; i++) {
      const d = part.dyad[i]!;
      this.dyad.push(d < 0 ? d : dyadOf[d]!);
      this.therapist.push(therapistOf[part.therapist[i]!]!);
      this.answerStart.push(part.answerStart[i]! + answerOffset);
      this.line.push(part.line[i]! + lineOffset);
      this.sourceIndex.push(sourceIndex);
    }
    for (const problem of part.problems) this.problem(source, problem.line + lineOffset, problem.message);
    // Problems beyond those kept were counted in the part; count them here too.
    this.skipped += part.skipped - part.problems.length;
    this.withdrawn += part.withdrawn;
  }

  /** The loaded study, in canonical order. */
  finish(): StudyData {
    const dyads = this.finishDyads();
    const therapistOrder = sortedOrder(this.therapistIds.values);
    const therapistRank = rankOf(therapistOrder);
    const unsortedTherapistSite = this.therapistSite.finish();
    const therapistSite = new Int32Array(therapistOrder.length);
    therapistOrder.forEach((old, rank) => {
      therapistSite[rank] = unsortedTherapistSite[old]!;
    });
    for (let i = 0; i < dyads.count; i++) dyads.therapist[i] = therapistRank[dyads.therapist[i]!]!;

    const responses = this.finishResponses(dyads.rank, therapistRank);
    return {
      study: this.study,
      sites: this.sites,
      instruments: this.instruments,
      therapists: therapistOrder.map((old) => this.therapistIds.values[old]!),
      therapistSite,
      dyads: dyads.columns,
      responses,
      problems: this.problems,
      skipped: this.skipped,
      withdrawn: this.withdrawn,
    };
  }

  private finishDyads(): { columns: DyadColumns; rank: Int32Array; count: number; therapist: Int32Array } {
    const order = sortedOrder(this.dyadIds.values);
    const rank = rankOf(order);
    const permute = <T extends Int32Array | Uint8Array>(column: T): T => {
      const out = column.slice(0, 0) as T;
      const result = new (out.constructor as new (n: number) => T)(order.length);
      for (let i = 0; i < order.length; i++) result[i] = column[order[i]!]!;
      return result;
    };
    const therapist = permute(this.dyadTherapist.finish());
    const columns: DyadColumns = {
      count: order.length,
      id: order.map((old) => this.dyadIds.values[old]!),
      site: permute(this.dyadSite.finish()),
      therapist,
      modality: permute(this.dyadModality.finish()),
      interpreter: permute(this.dyadInterpreter.finish()),
      enrolledDay: permute(this.dyadEnrolled.finish()),
      status: permute(this.dyadStatus.finish()),
      lastSession: permute(this.dyadLast.finish()),
    };
    return { columns, rank, count: order.length, therapist };
  }

  private finishResponses(dyadRank: Int32Array, therapistRank: Int32Array): ResponseColumns {
    const total = this.site.length;
    const dyad = this.dyad.finish();
    const therapist = this.therapist.finish();
    const role = this.role.finish();
    const session = this.session.finish();
    const instrument = this.instrument.finish();
    const dyadCount = dyadRank.length;
    // Owner rank: dyads first (by id), then therapist-level owners (by therapist id).
    const owner = new Int32Array(total);
    for (let i = 0; i < total; i++) {
      const d = dyad[i]!;
      owner[i] = d >= 0 ? dyadRank[d]! : dyadCount + therapistRank[therapist[i]!]!;
    }
    // Two stable counting sorts (least significant key first): by (role, session, instrument),
    // then by owner. Stability keeps, of two responses with the same natural key, the one read
    // first in front, and that one is kept.
    let maxSession = 0;
    for (let i = 0; i < total; i++) if (session[i]! > maxSession) maxSession = session[i]!;
    const instruments = this.instruments.length;
    const withinKeys = ROLES.length * (maxSession + 1) * instruments;
    // A dense key in (role, session, instrument) order: small enough to count directly.
    const within = new Int32Array(total);
    for (let i = 0; i < total; i++)
      within[i] = (role[i]! * (maxSession + 1) + session[i]!) * instruments + instrument[i]!;
    const byWithin = countingSort(total, withinKeys, within, null);
    const owners = dyadCount + therapistRank.length;
    const { order: sorted, start } = countingSortWithStarts(owners, owner, byWithin);
    const order = this.dropDuplicates(sorted, start, within, dyad, therapist);
    const n = order.length;

    const oldStart = this.answerStart.finish();
    const oldAnswers = this.answers.finish();
    const answers = new Int16Array(oldAnswers.length);
    const answerStart = new Int32Array(n);
    const itemCount = Int32Array.from(this.instruments, (def) => def.items.length);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const old = order[i]!;
      const from = oldStart[old]!;
      const items = itemCount[instrument[old]!]!;
      answerStart[i] = offset;
      // An element loop: a subarray per response would allocate a million views.
      for (let k = 0; k < items; k++) answers[offset + k] = oldAnswers[from + k]!;
      offset += items;
    }
    return {
      count: n,
      site: permuteInt32(this.site.finish(), order),
      therapist: permuteInt32(therapist, order, therapistRank),
      dyad: permuteInt32(dyad, order, dyadRank),
      role: permuteUint8(role, order),
      session: permuteInt32(session, order),
      instrument: permuteInt32(instrument, order),
      day: permuteInt32(this.day.finish(), order),
      answerStart,
      answers: answers.subarray(0, offset),
    };
  }

  /** The sorted responses without second (and later) responses to one natural key, each reported. */
  private dropDuplicates(
    sorted: Int32Array,
    start: Int32Array,
    within: Int32Array,
    dyad: Int32Array,
    therapist: Int32Array,
  ): Int32Array {
    const lines = this.line.finish();
    const sources = this.sourceIndex.finish();
    const kept = new Int32Array(sorted.length);
    let n = 0;
    for (let o = 0; o + 1 < start.length; o++) {
      for (let a = start[o]!; a < start[o + 1]!; a++) {
        const i = sorted[a]!;
        if (a > start[o]! && within[sorted[a - 1]!] === within[i]) {
          const d = dyad[i]!;
          const who =
            d >= 0
              ? `dyad ${this.dyadIds.values[d]}`
              : `therapist ${this.therapistIds.values[therapist[i]!]}`;
          const what = `${ROLES[this.role.get(i)]}, session ${this.session.get(i)}, ${this.instruments[this.instrument.get(i)]!.id}`;
          this.problem(
            this.sources.values[sources[i]!]!,
            lines[i]!,
            `duplicate response: ${who}, ${what} came before`,
          );
          continue;
        }
        kept[n++] = i;
      }
    }
    this.problems.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.line - b.line));
    return kept.subarray(0, n);
  }
}

// Two monomorphic copies on purpose: one generic function over both array types is several
// times slower at a million rows.

/** column[order[i]] for each i, mapped through `map` when given (negative values stay). */
function permuteInt32(column: Int32Array, order: Int32Array, map?: Int32Array): Int32Array {
  const result = sharedInt32(order.length);
  for (let i = 0; i < order.length; i++) {
    const value = column[order[i]!]!;
    result[i] = map && value >= 0 ? map[value]! : value;
  }
  return result;
}

/** column[order[i]] for each i. */
function permuteUint8(column: Uint8Array, order: Int32Array): Uint8Array {
  const result = sharedUint8(order.length);
  for (let i = 0; i < order.length; i++) result[i] = column[order[i]!]!;
  return result;
}

/** Row indexes sorted stably by `key` (in 0 … keys − 1), visiting rows in `visit` order (or 0 … n − 1). */
function countingSort(n: number, keys: number, key: Int32Array, visit: Int32Array | null): Int32Array {
  return countingSortWithStarts(keys, key, visit, n).order;
}

/** As countingSort, also returning where each key's rows start in the order. */
function countingSortWithStarts(
  keys: number,
  key: Int32Array,
  visit: Int32Array | null,
  n = visit ? visit.length : key.length,
): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(keys + 1);
  for (let i = 0; i < n; i++) start[key[i]! + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keys);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = visit ? visit[j]! : j;
    order[fill[key[i]!]!++] = i;
  }
  return { order, start };
}

/** Indexes of `values` in ascending (code unit) order of the values. */
function sortedOrder(values: readonly string[]): number[] {
  return values
    .map((_, index) => index)
    .sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
}

/** Inverse of an order: rank[old index] = new index. */
function rankOf(order: readonly number[]): Int32Array {
  const rank = new Int32Array(order.length);
  order.forEach((old, index) => {
    rank[old] = index;
  });
  return rank;
}
