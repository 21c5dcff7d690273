import { ID_PATTERN } from '../../shared/ids.ts';
import { type InstrumentDefinition, ROLES, type Role } from '../../shared/instruments/schema.ts';
import type { Modality } from '../../shared/ports.ts';
import { studyInstruments } from '../../shared/study/instruments.ts';
import type { Site, Study } from '../../shared/study/schema.ts';
import { GrowableColumn, Interner } from './grow.ts';

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

/** Collects validated dyads and responses into columns; records that fail are counted as problems. */
export class StudyDataBuilder {
  private readonly siteIndex = new Map<string, number>();
  private readonly instrumentIndex = new Map<string, number>();
  private readonly itemPositions: Map<string, number>[];
  private readonly instruments: InstrumentDefinition[];
  private readonly sites: Site[];
  private readonly problems: Problem[] = [];
  private skipped = 0;

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
  /** Natural keys seen (owner, role, instrument, session) packed into one exact number. */
  private readonly naturalKeys = new Set<number>();

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
    this.itemPositions = this.instruments.map(
      (def) => new Map(def.items.map((item, index) => [item.id, index])),
    );
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

  private therapistOf(therapistId: string, siteIndex: number): number {
    const before = this.therapistIds.values.length;
    const index = this.therapistIds.intern(therapistId);
    if (index === before) this.therapistSite.push(siteIndex);
    return index;
  }

  /** Adds one response; returns false (and records why) when it is malformed or a duplicate. */
  addResponse(value: unknown, source: string, line: number): boolean {
    const message = this.appendResponse(value);
    if (message === null) return true;
    this.problem(source, line, message);
    return false;
  }

  private appendResponse(value: unknown): string | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
    const r = value as Fields;
    if (typeof r.siteId !== 'string') return `siteId: expected a string, got ${show(r.siteId)}`;
    const siteIndex = this.siteIndex.get(r.siteId);
    if (siteIndex === undefined) return `siteId: unknown site ${show(r.siteId)}`;
    if (!isId(r.therapistId)) return `therapistId: expected an id, got ${show(r.therapistId)}`;
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
      dyadIndex = known;
    } else if (r.dyadId !== null && r.dyadId !== undefined) {
      return `dyadId: ${r.instrument} is a therapist-level instrument, so dyadId must be null`;
    }

    if (typeof r.answers !== 'object' || r.answers === null || Array.isArray(r.answers))
      return `answers: expected an object, got ${show(r.answers)}`;
    const positions = this.itemPositions[instrumentIndex]!;
    const start = this.answers.length;
    const items = def.items.length;
    this.answers.reserve(start + items);
    for (let i = 0; i < items; i++) this.answers.push(NO_ANSWER);
    const answers = this.answers.backing();
    // A plain loop without closures: this runs for every answer of a million responses.
    let failure: string | null = null;
    for (const key in r.answers) {
      const answer = (r.answers as Fields)[key];
      const position = positions.get(key);
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

    const therapistIndex =
      dyadIndex >= 0 ? this.dyadTherapist.get(dyadIndex) : this.therapistOf(r.therapistId, siteIndex);
    // Owner, role, instrument and session packed into one exact integer (< 2^53).
    const owner = dyadIndex >= 0 ? dyadIndex * 2 : therapistIndex * 2 + 1;
    const key = ((owner * 4 + roleIndex) * 1024 + (instrumentIndex % 1024)) * 65536 + (r.session as number);
    if (this.naturalKeys.has(key)) {
      this.answers.truncate(start);
      return `duplicate response: ${dyadIndex >= 0 ? `dyad ${r.dyadId}` : `therapist ${r.therapistId}`}, ${r.role}, session ${r.session}, ${r.instrument} came before`;
    }
    this.naturalKeys.add(key);

    this.site.push(siteIndex);
    this.therapist.push(therapistIndex);
    this.dyad.push(dyadIndex);
    this.role.push(roleIndex);
    this.session.push(r.session as number);
    this.instrument.push(instrumentIndex);
    this.day.push(day);
    this.answerStart.push(start);
    return null;
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
    this.naturalKeys.clear();
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
    const n = this.site.length;
    const dyad = this.dyad.finish();
    const therapist = this.therapist.finish();
    const role = this.role.finish();
    const session = this.session.finish();
    const instrument = this.instrument.finish();
    const dyadCount = dyadRank.length;
    // Owner rank: dyads first (by id), then therapist-level owners (by therapist id).
    const owner = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = dyad[i]!;
      owner[i] = d >= 0 ? dyadRank[d]! : dyadCount + therapistRank[therapist[i]!]!;
    }
    // Counting sort by owner, then a small insertion sort of each owner's responses.
    const owners = dyadCount + therapistRank.length;
    const start = new Int32Array(owners + 1);
    for (let i = 0; i < n; i++) start[owner[i]! + 1]!++;
    for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
    const fill = start.slice(0, owners);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[owner[i]!]!++] = i;
    const within = (i: number): number => (role[i]! * 65536 + session[i]!) * 1024 + instrument[i]!;
    for (let o = 0; o < owners; o++) {
      for (let a = start[o]! + 1; a < start[o + 1]!; a++) {
        const moving = order[a]!;
        const key = within(moving);
        let b = a - 1;
        while (b >= start[o]! && within(order[b]!) > key) {
          order[b + 1] = order[b]!;
          b--;
        }
        order[b + 1] = moving;
      }
    }

    const permute = <T extends Int32Array | Uint8Array>(column: T, map?: Int32Array): T => {
      const result = new (column.constructor as new (n: number) => T)(n);
      for (let i = 0; i < n; i++) {
        const value = column[order[i]!]!;
        result[i] = map && value >= 0 ? map[value]! : value;
      }
      return result;
    };
    const oldStart = this.answerStart.finish();
    const oldAnswers = this.answers.finish();
    const answers = new Int16Array(oldAnswers.length);
    const answerStart = new Int32Array(n);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const old = order[i]!;
      const items = this.instruments[instrument[old]!]!.items.length;
      answerStart[i] = offset;
      answers.set(oldAnswers.subarray(oldStart[old]!, oldStart[old]! + items), offset);
      offset += items;
    }
    return {
      count: n,
      site: permute(this.site.finish()),
      therapist: permute(therapist, therapistRank),
      dyad: permute(dyad, dyadRank),
      role: permute(role),
      session: permute(session),
      instrument: permute(instrument),
      day: permute(this.day.finish()),
      answerStart,
      answers: answers.subarray(0, offset),
    };
  }
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
