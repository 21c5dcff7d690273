import { CODE_ALPHABET } from '../../shared/ids.ts';
import { BUILTIN_INSTRUMENTS } from '../../shared/instruments/builtins.ts';
import type { Answers, InstrumentDefinition, Role } from '../../shared/instruments/schema.ts';
import type { Modality } from '../../shared/ports.ts';
import type { Study } from '../../shared/study/schema.ts';
import type { ExportDyad, ExportResponse } from '../export.ts';
import { childSeed, type Random, seeded } from './random.ts';

// The synthetic study of DESIGN §10. Alliance is simulated on the total-score scale (12–60) as
//   client_s = μ + site + therapist + dyad + modality/interpreter + slope·(min(s, 5) − 3) + noise_s + rupture_s
// and item answers are drawn around total/12, so alpha, agreement, ICC and the alliance–outcome
// correlation land where DESIGN §10 wants them. Everything derives from the seed: a plan pass
// draws sites, therapists and dyads; each dyad and therapist then draws its responses from its
// own seeded stream, so responses can be streamed (never held) and re-iterated identically.

export type { ExportDyad, ExportResponse };

/** A therapist of the demo study, as the store keeps one. */
export interface DemoTherapist {
  siteId: string;
  therapistId: string;
  enrolledOn: string;
  status: 'active';
}

export interface GenerateOptions {
  sites: number;
  /** Dyads over all sites. */
  dyads: number;
  /** Size the therapies so that about this many responses arise, and never emit more. */
  responses?: number;
  seed?: number;
  /** A planned design (`tandem plan`); left out, or any field of it left out, keeps the demo study's draw. */
  design?: StudyDesign;
  /** Only responses to these instruments (all when left out): a simulation skips what it does not analyse. */
  instruments?: readonly string[];
}

/**
 * A planned study's design on the scales the generator draws from (analysis/plan/design.ts derives
 * it from what a lead plans: observed r, τ, therapist ICC, g). With a design, sites are of equal
 * size (`dyads` / `sites`, the remainder spread from the first site on).
 */
export interface StudyDesign {
  /**
   * Sessions every dyad is planned to attend. With it (or `dropout`) there are no ongoing
   * therapies or withdrawals: a dyad attends all its sessions, or drops out (`dropout`).
   */
  sessions?: number;
  /** Share of dyads that stop at a uniformly drawn session before their last, without a final PHQ-9. */
  dropout?: number;
  /**
   * Per-site alliance–outcome correlation: site s draws z_s = zMean + zSd·N(0, 1) and its latent
   * correlation is tanh(z_s)·rhoScale (clamped to ±0.99), where rhoScale is the latent correlation per
   * unit of the observed one (what measurement noise takes away).
   */
  outcome?: { zMean: number; zSd: number; rhoScale: number };
  /** SD of site effects on alliance (total-score points). */
  siteSd?: number;
  /** SD of therapist effects on alliance; the dyad SD shrinks so that therapist + dyad variance stays. */
  therapistSd?: number;
  /** Share of online dyads (the rest are in person and mixed, 0.6 : 0.14 as in the demo). */
  online?: number;
  /** Share of dyads with an interpreter. */
  interpreter?: number;
  /** Alliance (total-score points) of online dyads minus in-person ones. */
  onlineShift?: number;
  /** The study's suppression k. */
  suppressionK?: number;
}

/** A generated study whose responses are an iterable that draws them afresh on each pass. */
export interface StudyStream {
  study: Study;
  therapists: DemoTherapist[];
  dyads: ExportDyad[];
  responses: Iterable<ExportResponse>;
  /** Expected number of responses (before the cap of `options.responses`). */
  expectedResponses: number;
}

/** The same study with its responses in an array (for small studies: seeding, tests). */
export interface GeneratedStudy {
  study: Study;
  therapists: DemoTherapist[];
  dyads: ExportDyad[];
  responses: ExportResponse[];
}

// Variance components on the total-score scale (therapist ≈ 7%, site ≈ 2% of dyad-mean variance).
const MU_CLIENT = 46;
const MU_THERAPIST = 42;
const MU_INTERPRETER = 44;
const SD_SITE = 0.9;
const SD_THERAPIST = 1.6;
const SD_DYAD = 5.5;
const SD_SESSION = 2.5;
/** The demo's SDs of alliance effects (total-score points), which a design rescales. */
export const DEMO_ALLIANCE_SD = { site: SD_SITE, therapist: SD_THERAPIST, dyad: SD_DYAD } as const;
const SLOPE_MEAN = 0.8;
const SLOPE_SD = 0.4;
/** Alliance shared by therapist ratings: gives client–therapist r ≈ .35. */
const THERAPIST_SHARE = 0.27;
const SD_THERAPIST_BIAS = 2.5;
const SD_THERAPIST_NOISE = 4.5;
/** Item noise around total/12: alpha ≈ .88 for clients, a little lower for therapists. */
const SD_ITEM = 0.6;
const SD_ITEM_THERAPIST = 0.5;
const P_MISSING_ITEM = 0.015;
const P_RUPTURE = 0.07;
const P_REPAIR = 0.75;
const REPAIR_GAIN = 3;
/** Latent alliance–outcome correlation, spread across sites (≈ .28 observed). */
const RHO_OUTCOME = 0.44;
const SD_RHO_SITE = 0.08;
const P_RESPOND: Record<Role, number> = { client: 0.9, therapist: 0.93, interpreter: 0.85 };
const P_WELLBEING = 0.8;
const START_DAY = Date.UTC(2025, 8, 1) / 86_400_000;
const ENROLMENT_DAYS = 330;
const MAX_SESSIONS = 80;
/** Sessions per dyad of a design that gives a dropout rate but no number of sessions. */
export const DEFAULT_SESSIONS = 12;
const MAX_WELLBEING = 36;
/** Item offsets around total/12 (they sum to 0). */
const ALLIANCE_OFFSETS = [0.15, -0.1, 0.2, 0, 0.25, -0.05, 0.1, -0.15, 0.1, -0.2, 0, -0.3];
const PHQ_OFFSETS = [0.3, 0.25, 0.35, 0.4, 0.1, 0, -0.1, -0.4, -0.9];

const SITE_NAMES = [
  ['berlin-mitte', 'Berlin Mitte'],
  ['hamburg-nord', 'Hamburg Nord'],
  ['koeln-sued', 'Köln Süd'],
  ['muenchen-ost', 'München Ost'],
  ['leipzig', 'Leipzig'],
  ['frankfurt', 'Frankfurt am Main'],
  ['dresden', 'Dresden'],
  ['bremen', 'Bremen'],
] as const;

/** The generator's draws of a design, resolved once: the demo's constants where the design says nothing. */
interface Params {
  siteSd: number;
  therapistSd: number;
  dyadSd: number;
  /** Scale of a dyad's own level (therapist + dyad + modality + interpreter) for the outcome link. */
  ownSd: number;
  onlineShift: number;
  interpreter: number;
  /** P(in person), then P(online | not in person). */
  inPerson: number;
  onlineOfRest: number;
  sessions: number | null;
  dropout: number;
  outcome: NonNullable<StudyDesign['outcome']> | null;
  suppressionK: number;
  /** Instruments whose responses are emitted (null: all). */
  instruments: ReadonlySet<string> | null;
}

const P_IN_PERSON = 0.6;
const P_ONLINE_OF_REST = 0.65;
const P_INTERPRETER = 0.12;
const ONLINE_SHIFT = -0.8;
const INTERPRETER_SHIFT = -1.5;
/** Share of in-person among dyads that are not online (0.6 : 0.14). */
const IN_PERSON_OF_OFFLINE = P_IN_PERSON / (1 - (1 - P_IN_PERSON) * P_ONLINE_OF_REST);

function checkShare(name: string, value: number | undefined, max = 1): void {
  if (value !== undefined && !(value >= 0 && value <= max))
    throw new RangeError(`design.${name} must be between 0 and ${max}, got ${value}`);
}

function resolveParams(options: GenerateOptions): Params {
  const d = options.design ?? {};
  checkShare('dropout', d.dropout);
  checkShare('online', d.online);
  checkShare('interpreter', d.interpreter);
  if (
    d.sessions !== undefined &&
    !(Number.isInteger(d.sessions) && d.sessions >= 2 && d.sessions <= MAX_SESSIONS)
  )
    throw new RangeError(
      `design.sessions must be a whole number from 2 to ${MAX_SESSIONS}, got ${d.sessions}`,
    );
  const ownVariance = SD_THERAPIST ** 2 + SD_DYAD ** 2;
  const therapistSd = d.therapistSd ?? SD_THERAPIST;
  if (!(therapistSd >= 0 && therapistSd ** 2 < ownVariance))
    throw new RangeError(
      `design.therapistSd must be from 0 to below ${Math.sqrt(ownVariance)}, got ${therapistSd}`,
    );
  const interpreter = d.interpreter ?? P_INTERPRETER;
  const onlineShift = d.onlineShift ?? ONLINE_SHIFT;
  let inPerson = P_IN_PERSON;
  let onlineOfRest = P_ONLINE_OF_REST;
  let ownSd = Math.sqrt(SD_THERAPIST ** 2 + SD_DYAD ** 2);
  if (d.online !== undefined) {
    inPerson = (1 - d.online) * IN_PERSON_OF_OFFLINE;
    onlineOfRest = inPerson < 1 ? d.online / (1 - inPerson) : 0;
  }
  if (options.design) {
    // A unit-variance own level, so that the latent correlation is the correlation of the outcome with it.
    const online = (1 - inPerson) * onlineOfRest;
    ownSd = Math.sqrt(
      ownVariance +
        onlineShift ** 2 * online * (1 - online) +
        INTERPRETER_SHIFT ** 2 * interpreter * (1 - interpreter),
    );
  }
  const planned = d.sessions !== undefined || d.dropout !== undefined;
  return {
    siteSd: d.siteSd ?? SD_SITE,
    therapistSd,
    dyadSd: d.therapistSd === undefined ? SD_DYAD : Math.sqrt(ownVariance - therapistSd ** 2),
    ownSd,
    onlineShift,
    interpreter,
    inPerson,
    onlineOfRest,
    sessions: planned ? (d.sessions ?? DEFAULT_SESSIONS) : null,
    dropout: d.dropout ?? 0,
    outcome: d.outcome ?? null,
    suppressionK: d.suppressionK ?? 5,
    instruments: options.instruments ? new Set(options.instruments) : null,
  };
}

interface SitePlan {
  siteId: string;
  name: string;
  effect: number;
  language: string;
  /** Per-site latent alliance–outcome correlation and mean improvement. */
  rho: number;
  improvement: number;
  dyads: number;
}

interface TherapistPlan {
  therapistId: string;
  site: number;
  effect: number;
  /** Burnout: raises exhaustion, lowers alliance a little. */
  burnout: number;
  bias: number;
  dyads: number[];
}

interface DyadPlan {
  dyadId: string;
  site: number;
  therapist: number;
  modality: Modality;
  interpreter: boolean;
  language: string;
  enrolDay: number;
  /** Planned sessions at scale 1. */
  base: number;
  /** `dropout`: a design's dyad that stopped before its last session (no final PHQ-9). */
  kind: 'ended' | 'early' | 'active' | 'withdrawn' | 'dropout';
  /** Share of the planned sessions observed (early ends and ongoing therapies). */
  fraction: number;
  /** Days between sessions / 7. */
  pace: number;
}

interface Plan {
  params: Params;
  sites: SitePlan[];
  therapists: TherapistPlan[];
  dyads: DyadPlan[];
}

function code(random: Random, prefix: 'T' | 'D', used: Set<string>): string {
  for (;;) {
    let id = `${prefix}-`;
    for (let i = 0; i < 6; i++) id += CODE_ALPHABET[random.int(CODE_ALPHABET.length)];
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** Year and month (0-based) of a day number (days since 1970-01-01), by civil-from-days arithmetic. */
function civil(day: number): { year: number; month: number; dayOfMonth: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 2 : mp - 10;
  return {
    year: yoe + era * 400 + (month < 2 ? 1 : 0),
    month,
    dayOfMonth: doy - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

// A study spans a few thousand days: format each once.
const isoDates = new Map<number, string>();
function isoDate(day: number): string {
  let text = isoDates.get(day);
  if (text === undefined) {
    const { year, month, dayOfMonth } = civil(day);
    text = `${year}-${String(month + 1).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
    isoDates.set(day, text);
  }
  return text;
}

/** Splits `total` into `parts` shares proportional to `weights` (largest remainders), in order. */
function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

function plan(options: GenerateOptions, seed: number): Plan {
  const params = resolveParams(options);
  const random = seeded(childSeed(seed, 0));
  const used = new Set<string>();
  const siteWeights = Array.from({ length: options.sites }, () => 0.5 + random.next());
  const siteSizes = allocate(options.dyads, options.design ? siteWeights.map(() => 1) : siteWeights);
  const sites: SitePlan[] = siteSizes.map((dyads, s) => {
    const named = SITE_NAMES[s];
    const siteId = named ? named[0] : `site-${String(s + 1).padStart(2, '0')}`;
    return {
      siteId,
      name: named ? named[1] : `Clinic ${s + 1}`,
      effect: params.siteSd * random.normal(),
      language: random.next() < 0.8 ? 'de' : 'en',
      rho: siteRho(params, random.normal()),
      improvement: 5 + random.normal(),
      dyads,
    };
  });
  const therapists: TherapistPlan[] = [];
  const dyads: DyadPlan[] = [];
  sites.forEach((site, s) => {
    // About seven dyads per therapist, with unequal caseloads (some therapists see one dyad).
    const count = Math.max(1, Math.round(site.dyads / 7));
    const first = therapists.length;
    const weights: number[] = [];
    for (let t = 0; t < count; t++) {
      const burnout = random.normal();
      therapists.push({
        therapistId: code(random, 'T', used),
        site: s,
        effect: params.therapistSd * (-0.4 * burnout + Math.sqrt(1 - 0.16) * random.normal()),
        burnout,
        bias: SD_THERAPIST_BIAS * random.normal(),
        dyads: [],
      });
      weights.push(0.2 + random.next());
    }
    const caseloads = allocate(site.dyads, weights);
    caseloads.forEach((caseload, t) => {
      const therapist = therapists[first + t]!;
      for (let d = 0; d < caseload; d++) {
        const interpreter = random.next() < params.interpreter;
        const u = random.next();
        const kind = u < 0.02 ? 'withdrawn' : u < 0.47 ? 'ended' : u < 0.62 ? 'early' : 'active';
        therapist.dyads.push(dyads.length);
        const dyad: DyadPlan = {
          dyadId: code(random, 'D', used),
          site: s,
          therapist: first + t,
          modality:
            random.next() < params.inPerson
              ? 'in_person'
              : random.next() < params.onlineOfRest
                ? 'online'
                : 'mixed',
          interpreter,
          language: interpreter ? 'ar' : random.next() < 0.85 ? site.language : 'en',
          enrolDay: START_DAY + random.int(ENROLMENT_DAYS),
          base: 3 + -9 * Math.log(1 - random.next()),
          kind,
          fraction: kind === 'early' ? 0.15 + 0.45 * random.next() : 0.2 + 0.75 * random.next(),
          pace: 1 + 0.3 * random.next(),
        };
        if (params.sessions !== null) plannedSessions(dyad, params.sessions, params.dropout, random);
        dyads.push(dyad);
      }
    });
  });
  return { params, sites, therapists, dyads };
}

/** A site's latent alliance–outcome correlation from its standard normal draw. */
function siteRho(params: Params, draw: number): number {
  const outcome = params.outcome;
  if (outcome === null) return Math.max(0, Math.min(0.7, RHO_OUTCOME + SD_RHO_SITE * draw));
  const rho = Math.tanh(outcome.zMean + outcome.zSd * draw) * outcome.rhoScale;
  return Math.max(-0.99, Math.min(0.99, rho));
}

/** A design's therapy: `sessions` planned, all attended unless the dyad drops out before the last. */
function plannedSessions(dyad: DyadPlan, sessions: number, dropout: number, random: Random): void {
  dyad.base = sessions;
  if (random.next() < dropout) {
    dyad.kind = 'dropout';
    // Stops after 1 … sessions − 1 sessions, each as likely.
    dyad.fraction = (1 + random.int(sessions - 1)) / sessions;
  } else dyad.kind = 'ended';
}

function observedSessions(dyad: DyadPlan, scale: number): number {
  if (dyad.kind === 'withdrawn') return 0;
  const planned = Math.min(MAX_SESSIONS, Math.max(1, Math.round(scale * dyad.base)));
  return dyad.kind === 'ended' ? planned : Math.max(1, Math.round(planned * dyad.fraction));
}

function sessionDay(dyad: DyadPlan, session: number): number {
  return dyad.enrolDay + Math.round(7 * (session - 1) * dyad.pace);
}

const isAllianceSession = (s: number) => s <= 5 || s % 5 === 0;
const isPhqSession = (s: number, last: number, ended: boolean) =>
  s === 1 || s % 5 === 0 || (ended && s === last);

function monthOf(day: number): number {
  const { year, month } = civil(day);
  return year * 12 + month;
}

/** Months (as year·12 + month) a therapist answers the wellbeing questionnaire at this scale. */
function wellbeingMonths(p: Plan, therapist: TherapistPlan, scale: number): [number, number] | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const d of therapist.dyads) {
    const dyad = p.dyads[d]!;
    const n = observedSessions(dyad, scale);
    if (n === 0) continue;
    first = Math.min(first, monthOf(dyad.enrolDay));
    last = Math.max(last, monthOf(sessionDay(dyad, n)));
  }
  if (!Number.isFinite(first)) return null;
  return [first, Math.min(last, first + MAX_WELLBEING - 1)];
}

function expectedCount(p: Plan, scale: number): number {
  let total = 0;
  for (const dyad of p.dyads) {
    const n = observedSessions(dyad, scale);
    const ended = dyad.kind === 'ended' || dyad.kind === 'early';
    for (let s = 1; s <= n; s++) {
      const alliance = isAllianceSession(s) ? 1 : 0;
      total += P_RESPOND.client * (1 + alliance + (isPhqSession(s, n, ended) ? 1 : 0));
      total += P_RESPOND.therapist * alliance;
      if (dyad.interpreter) total += P_RESPOND.interpreter * alliance;
    }
  }
  for (const therapist of p.therapists) {
    const months = wellbeingMonths(p, therapist, scale);
    if (months) total += P_WELLBEING * (months[1] - months[0] + 1);
  }
  return total;
}

/** The session scale whose expected response count is closest to the target (bisection). */
function scaleFor(p: Plan, target: number): number {
  let lo = 0.05;
  let hi = 20;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (expectedCount(p, mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

const HEX4 = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/**
 * Response ids shaped like version-4 UUIDs: 76 random bits fixed per dyad or therapist, then a
 * 32-bit counter from a random start, so each id costs one concatenation and never repeats.
 */
class ResponseIds {
  private readonly prefix: string;
  private counter: number;

  constructor(random: Random) {
    const a = (random.next() * 4294967296) >>> 0;
    const b = (random.next() * 4294967296) >>> 0;
    const c = (random.next() * 4294967296) >>> 0;
    this.prefix = `${HEX4[a >>> 16]}${HEX4[a & 0xffff]}-${HEX4[b >>> 16]}-4${HEX3[b & 0xfff]}-a${HEX3[c >>> 20]}-${HEX4[c & 0xffff]}`;
    this.counter = (random.next() * 4294967296) >>> 0;
  }

  next(): string {
    const n = this.counter;
    this.counter = (n + 1) >>> 0;
    return `${this.prefix}${HEX4[n >>> 16]}${HEX4[n & 0xffff]}`;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Item answers around base + offsets[i]; some items skipped (null); reverse items stored as answered. */
function itemAnswers(
  random: Random,
  def: InstrumentDefinition,
  base: number,
  offsets: readonly number[] | null,
  sd: number,
): Answers {
  const answers: Answers = { ...answerTemplate(def) };
  const { min, max } = def.scale;
  const items = def.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    // Math.max turns a rounded −0 into 0.
    const keyed = Math.max(
      min,
      Math.min(max, Math.round(base + (offsets ? offsets[i]! : 0) + sd * random.normal())),
    );
    answers[item.id] = random.next() < P_MISSING_ITEM ? null : item.reverse ? min + max - keyed : keyed;
  }
  return answers;
}

// Answers objects copied from one template per instrument share a shape, which keeps them fast.
const templates = new Map<string, Answers>();
function answerTemplate(def: InstrumentDefinition): Answers {
  let template = templates.get(def.id);
  if (!template) {
    template = Object.fromEntries(def.items.map((item) => [item.id, null]));
    templates.set(def.id, template);
  }
  return template;
}

interface Owner {
  siteId: string;
  therapistId: string;
  dyadId: string | null;
  ids: ResponseIds;
}

function exportResponse(
  owner: Owner,
  role: Role,
  session: number,
  instrumentId: string,
  answers: Answers,
  submittedOn: string,
  language: string,
): ExportResponse {
  return {
    responseId: owner.ids.next(),
    siteId: owner.siteId,
    therapistId: owner.therapistId,
    dyadId: owner.dyadId,
    role,
    session,
    instrument: instrumentId,
    answers,
    submittedOn,
    language,
  };
}

function instrument(id: string): InstrumentDefinition {
  const def = BUILTIN_INSTRUMENTS.get(id);
  if (!def) throw new Error(`built-in instrument ${id} is missing`);
  return def;
}

function* dyadResponses(p: Plan, index: number, scale: number, seed: number): Generator<ExportResponse> {
  const dyad = p.dyads[index]!;
  const n = observedSessions(dyad, scale);
  if (n === 0) return;
  const site = p.sites[dyad.site]!;
  const therapist = p.therapists[dyad.therapist]!;
  const random = seeded(childSeed(seed, 1_000_000 + index));
  const ended = dyad.kind === 'ended' || dyad.kind === 'early';
  const clientDef = instrument('alliance-client');
  const therapistDef = instrument('alliance-therapist');
  const interpreterDef = instrument('alliance-interpreter');
  const phqDef = instrument('phq9');
  const srsDef = instrument('session-rating');
  // The dyad's level apart from the site: what the outcome correlates with within a site.
  const { params } = p;
  const own =
    therapist.effect +
    params.dyadSd * random.normal() +
    (dyad.modality === 'online' ? params.onlineShift : 0) +
    (dyad.interpreter ? INTERPRETER_SHIFT : 0);
  const level = site.effect + own;
  const slope = SLOPE_MEAN + SLOPE_SD * random.normal();
  const z = own / params.ownSd;
  const improvement =
    site.improvement + 4.5 * (site.rho * z + Math.sqrt(1 - site.rho * site.rho) * random.normal());
  const baseline = clamp(14 + 4.5 * random.normal(), 3, 27);
  let rupture = 0;
  let repairing = false;
  const owner: Owner = {
    siteId: site.siteId,
    therapistId: therapist.therapistId,
    dyadId: dyad.dyadId,
    ids: new ResponseIds(random),
  };
  const wanted = p.params.instruments;
  const client = !wanted || wanted.has(clientDef.id);
  const therapistRates = !wanted || wanted.has(therapistDef.id);
  const interpreterRates = dyad.interpreter && (!wanted || wanted.has(interpreterDef.id));
  const phq = !wanted || wanted.has(phqDef.id);
  const srs = !wanted || wanted.has(srsDef.id);
  for (let s = 1; s <= n; s++) {
    // Ruptures: a sharp drop, usually repaired at the next session (a little above the old level,
    // as repaired ruptures tend to leave), otherwise fading slowly.
    if (rupture < 0) rupture = repairing ? REPAIR_GAIN : rupture * 0.7 > -1 ? 0 : rupture * 0.7;
    else if (rupture > 0) rupture = 0;
    if (s >= 2 && random.next() < P_RUPTURE) {
      rupture = -(10 + 6 * random.next());
      repairing = random.next() < P_REPAIR;
    }
    const noise = SD_SESSION * random.normal();
    const trend = slope * (Math.min(s, 5) - 3);
    const alliance = MU_CLIENT + level + trend + noise + rupture;
    const day = isoDate(sessionDay(dyad, s));
    if (isAllianceSession(s)) {
      if (client && random.next() < P_RESPOND.client) {
        const answers = itemAnswers(random, clientDef, alliance / 12, ALLIANCE_OFFSETS, SD_ITEM);
        yield exportResponse(owner, 'client', s, clientDef.id, answers, day, dyad.language);
      }
      if (therapistRates && random.next() < P_RESPOND.therapist) {
        const rating =
          MU_THERAPIST +
          therapist.bias +
          THERAPIST_SHARE * (level + trend + noise) +
          0.5 * rupture +
          SD_THERAPIST_NOISE * random.normal();
        const answers = itemAnswers(random, therapistDef, rating / 12, ALLIANCE_OFFSETS, SD_ITEM_THERAPIST);
        yield exportResponse(owner, 'therapist', s, therapistDef.id, answers, day, site.language);
      }
      if (interpreterRates && random.next() < P_RESPOND.interpreter) {
        const rating = MU_INTERPRETER + 0.5 * (level + trend) + 0.3 * noise + 4 * random.normal();
        const answers = itemAnswers(random, interpreterDef, rating / 12, ALLIANCE_OFFSETS, SD_ITEM);
        yield exportResponse(owner, 'interpreter', s, interpreterDef.id, answers, day, site.language);
      }
    }
    if (phq && isPhqSession(s, n, ended) && random.next() < P_RESPOND.client) {
      const score = baseline - improvement * Math.min(1, (s - 1) / 4) + 0.8 * random.normal();
      const answers = itemAnswers(random, phqDef, score / 9, PHQ_OFFSETS, 0.4);
      yield exportResponse(owner, 'client', s, phqDef.id, answers, day, dyad.language);
    }
    if (srs && random.next() < P_RESPOND.client) {
      const answers = itemAnswers(random, srsDef, 8 + 0.12 * (alliance - MU_CLIENT), null, 0.8);
      yield exportResponse(owner, 'client', s, srsDef.id, answers, day, dyad.language);
    }
  }
}

function* therapistResponses(p: Plan, index: number, scale: number, seed: number): Generator<ExportResponse> {
  const therapist = p.therapists[index]!;
  const def = instrument('therapist-wellbeing');
  if (p.params.instruments && !p.params.instruments.has(def.id)) return;
  const months = wellbeingMonths(p, therapist, scale);
  if (!months) return;
  const site = p.sites[therapist.site]!;
  const random = seeded(childSeed(seed, 100_000_000 + index));
  const owner: Owner = {
    siteId: site.siteId,
    therapistId: therapist.therapistId,
    dyadId: null,
    ids: new ResponseIds(random),
  };
  let administration = 0;
  for (let month = months[0]; month <= months[1]; month++) {
    administration++;
    if (random.next() >= P_WELLBEING) continue;
    // Exhaustion items 1–3 and self-care items 4–6 around their own levels (5 and 6 reverse-scored).
    const exhaustion = 2.8 + 0.7 * therapist.burnout + 0.3 * random.normal();
    const selfCare = 3.4 - 0.4 * therapist.burnout + 0.3 * random.normal();
    const offsets = [0, 0, 0, selfCare - exhaustion, selfCare - exhaustion, selfCare - exhaustion];
    const day = Date.UTC(Math.floor(month / 12), month % 12, 5 + random.int(20)) / 86_400_000;
    const answers = itemAnswers(random, def, exhaustion, offsets, 0.6);
    yield exportResponse(owner, 'therapist', administration, def.id, answers, isoDate(day), site.language);
  }
}

function studyDefinition(p: Plan): Study {
  return {
    studyId: 'alliance-demo',
    version: 1,
    title: {
      en: 'Alliance demo study (synthetic)',
      de: 'Allianz-Demostudie (synthetisch)',
      ar: 'دراسة تجريبية للتحالف العلاجي',
    },
    languages: ['en', 'de', 'ar'],
    defaultLanguage: 'en',
    timezone: 'Europe/Berlin',
    suppressionK: p.params.suppressionK,
    sites: p.sites.map((site) => ({
      siteId: site.siteId,
      name: site.name,
      timezone: 'Europe/Berlin',
      targetDyads: Math.max(5, Math.ceil((site.dyads * 1.2) / 5) * 5),
    })),
    instruments: [
      'alliance-client',
      'alliance-therapist',
      'alliance-interpreter',
      'phq9',
      'session-rating',
      'therapist-wellbeing',
    ],
    schedule: [
      { instrument: 'alliance-client', role: 'client', sessions: '1-5,every:5' },
      { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-5,every:5' },
      { instrument: 'alliance-interpreter', role: 'interpreter', sessions: '1-5,every:5' },
      { instrument: 'phq9', role: 'client', sessions: 'first,every:5,last' },
      { instrument: 'session-rating', role: 'client', sessions: 'every:1' },
      { instrument: 'therapist-wellbeing', role: 'therapist', every: 'month' },
    ],
    consent: [
      {
        version: 1,
        text: {
          en: 'I agree to answer the short questionnaires of this study when my link asks for them. My answers are stored without my name and used only for this study. I can withdraw at any time; my answers are then deleted (backups keep them for up to 35 days, and releases already published stay as they are).',
          de: 'Ich bin einverstanden, die kurzen Fragebögen dieser Studie zu beantworten, wenn mein Link danach fragt. Meine Antworten werden ohne meinen Namen gespeichert und nur für diese Studie verwendet. Ich kann jederzeit zurücktreten; meine Antworten werden dann gelöscht (Sicherungen bewahren sie bis zu 35 Tage auf, bereits veröffentlichte Datenstände bleiben unverändert).',
          ar: 'أوافق على الإجابة على الاستبيانات القصيرة لهذه الدراسة عندما يطلبها رابطي. تُحفظ إجاباتي دون اسمي وتُستخدم لهذه الدراسة فقط. يمكنني الانسحاب في أي وقت، وعندها تُحذف إجاباتي (تحتفظ النسخ الاحتياطية بها حتى 35 يومًا، ولا تتغير الإصدارات المنشورة سابقًا).',
        },
      },
    ],
    safety: {
      crisisText: {
        en: 'If you are in danger or thinking of harming yourself, call 112 or the crisis line 0800 111 0 111 now.',
        de: 'Wenn Sie in Gefahr sind oder daran denken, sich etwas anzutun, rufen Sie jetzt 112 oder die Telefonseelsorge 0800 111 0 111 an.',
        ar: 'إذا كنت في خطر أو تفكر في إيذاء نفسك، اتصل الآن بالرقم 112 أو بخط المساعدة 0800 111 0 111.',
      },
      notifySite: true,
    },
    overdueDays: 14,
  };
}

/** A synthetic study (DESIGN §10), deterministic for the seed, with its responses as a re-iterable stream. */
export function streamStudy(options: GenerateOptions): StudyStream {
  if (!Number.isInteger(options.sites) || options.sites < 1)
    throw new RangeError(`sites must be a positive integer, got ${options.sites}`);
  if (!Number.isInteger(options.dyads) || options.dyads < options.sites) {
    throw new RangeError(`dyads must be an integer of at least one per site, got ${options.dyads}`);
  }
  if (options.responses !== undefined && !(Number.isInteger(options.responses) && options.responses >= 0)) {
    throw new RangeError(`responses must be a non-negative integer, got ${options.responses}`);
  }
  const seed = (options.seed ?? 1) >>> 0;
  const p = plan(options, seed);
  const cap = options.responses;
  // Aim a few standard deviations above the cap, so that the cap (not chance) sets the count.
  const scale = cap === undefined ? 1 : scaleFor(p, cap + 3 * Math.sqrt(cap) + 5);
  const dyads: ExportDyad[] = p.dyads.map((dyad) => {
    const n = observedSessions(dyad, scale);
    const record: ExportDyad = {
      dyadId: dyad.dyadId,
      siteId: p.sites[dyad.site]!.siteId,
      therapistId: p.therapists[dyad.therapist]!.therapistId,
      modality: dyad.modality,
      interpreter: dyad.interpreter,
      language: dyad.language,
      enrolledOn: isoDate(dyad.enrolDay),
      status: dyad.kind === 'withdrawn' ? 'withdrawn' : dyad.kind === 'active' ? 'active' : 'ended',
    };
    if (dyad.kind === 'ended' || dyad.kind === 'early' || dyad.kind === 'dropout') record.lastSession = n;
    return record;
  });
  const therapists: DemoTherapist[] = p.therapists.map((therapist) => {
    const first = Math.min(...therapist.dyads.map((d) => p.dyads[d]!.enrolDay), START_DAY + ENROLMENT_DAYS);
    return {
      siteId: p.sites[therapist.site]!.siteId,
      therapistId: therapist.therapistId,
      enrolledOn: isoDate(first - 7),
      status: 'active',
    };
  });
  const responses: Iterable<ExportResponse> = {
    *[Symbol.iterator]() {
      let emitted = 0;
      for (let t = 0; t < p.therapists.length; t++) {
        // Each therapist's wellbeing, then their dyads': a cap cuts the last therapists, not an instrument.
        for (const response of therapistResponses(p, t, scale, seed)) {
          if (cap !== undefined && emitted >= cap) return;
          emitted++;
          yield response;
        }
        for (const d of p.therapists[t]!.dyads) {
          for (const response of dyadResponses(p, d, scale, seed)) {
            if (cap !== undefined && emitted >= cap) return;
            emitted++;
            yield response;
          }
        }
      }
    },
  };
  return {
    study: studyDefinition(p),
    therapists,
    dyads,
    responses,
    expectedResponses: expectedCount(p, scale),
  };
}

/** A synthetic study (DESIGN §10) with every response in memory; deterministic for the seed. */
export function generateStudy(options: GenerateOptions): GeneratedStudy {
  const stream = streamStudy(options);
  return {
    study: stream.study,
    therapists: stream.therapists,
    dyads: stream.dyads,
    responses: [...stream.responses],
  };
}
