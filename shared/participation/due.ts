import { isoDateIn, siteTimeZone } from '../dates.ts';
import type { Role } from '../instruments/schema.ts';
import type { Dyad, StoredResponse, Therapist } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import { isScheduled, parseSessions, type SessionTerm } from '../study/sessions.ts';

/** One administration a participant owes: an instrument, for a role, at a session. */
export interface DueAdministration {
  instrument: string;
  role: Role;
  /** The dyad session, or for a monthly therapist-level instrument the administration number 1, 2, …. */
  session: number;
  /** ISO date from which it has been due (session first reported, or month start); null when unknown. */
  dueSince: string | null;
  /** Still due `overdueDays` or more after `dueSince`. */
  overdue: boolean;
}

/** Who owes: a role of a dyad (dyad-level instruments) or a therapist (monthly therapist-level ones). */
export type DueSubject = { dyad: Dyad; role: Role } | { therapist: Therapist };

/** The natural key of a response, all `dueFor` needs to know what is answered. */
export type AnsweredKey = Pick<StoredResponse, 'role' | 'session' | 'instrument'>;

const DAY_MS = 86_400_000;

/** Whole days from one ISO date to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Dyad-level instruments scheduled for a role at one session, in schedule order, each once. */
export function scheduledAt(study: Study, role: Role, session: number, lastSession?: number): string[] {
  const instruments: string[] = [];
  for (const entry of study.schedule) {
    if (entry.role !== role || !('sessions' in entry) || instruments.includes(entry.instrument)) continue;
    if (isScheduled(termsOf(entry.sessions), session, lastSession)) instruments.push(entry.instrument);
  }
  return instruments;
}

/** Monthly therapist-level instruments for a role, in schedule order, each once. */
export function monthlyInstruments(study: Study, role: Role): string[] {
  const instruments: string[] = [];
  for (const entry of study.schedule)
    if (entry.role === role && 'every' in entry && !instruments.includes(entry.instrument))
      instruments.push(entry.instrument);
  return instruments;
}

const parsedTerms = new Map<string, SessionTerm[]>();
function termsOf(expression: string): SessionTerm[] {
  let terms = parsedTerms.get(expression);
  if (!terms) {
    const parsed = parseSessions(expression);
    // A stored study has been validated; a bad expression there schedules nothing rather than crash a page.
    terms = parsed.ok ? parsed.terms : [];
    parsedTerms.set(expression, terms);
  }
  return terms;
}

/**
 * The monthly administration a therapist is in at `now`: 1 in the month of enrolment, then one more
 * each calendar month (study time zone), with the ISO date it started.
 */
export function monthlyAdministration(
  study: Study,
  therapist: Pick<Therapist, 'enrolledOn'>,
  now: Date,
): { session: number; since: string } {
  const today = isoDateIn(study.timezone, now);
  const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
  const session = Math.max(1, months(today) - months(therapist.enrolledOn) + 1);
  const since = session === 1 ? therapist.enrolledOn : `${today.slice(0, 7)}-01`;
  return { session, since };
}

/**
 * What a subject owes at `now`: for a dyad role, every scheduled (instrument, session) the dyad's
 * current session has reached (`last` once the dyad has ended) and that role has not answered; for a
 * therapist, the current month's administration of each monthly instrument not yet answered.
 * Withdrawn subjects owe nothing. Overdue from `overdueDays` after the session was first reported;
 * an ended dyad is overdue only for its `last` administration (DESIGN §6): what it left unanswered
 * earlier is still due (and counts against the response rate) but nobody is chasing it.
 */
export function dueFor(
  study: Study,
  subject: DueSubject,
  answered: readonly AnsweredKey[],
  now: Date,
): DueAdministration[] {
  const done = new Set(answered.map((r) => `${r.role}#${r.session}#${r.instrument}`));
  const owed = (role: Role, session: number, instrument: string) =>
    !done.has(`${role}#${session}#${instrument}`);

  if ('therapist' in subject) {
    const { therapist } = subject;
    if (therapist.status === 'withdrawn') return [];
    const { session, since } = monthlyAdministration(study, therapist, now);
    const today = isoDateIn(study.timezone, now);
    return monthlyInstruments(study, 'therapist')
      .filter((instrument) => owed('therapist', session, instrument))
      .map((instrument) => ({
        instrument,
        role: 'therapist',
        session,
        dueSince: since,
        overdue: daysBetween(since, today) >= study.overdueDays,
      }));
  }

  const { dyad, role } = subject;
  if (dyad.status === 'withdrawn') return [];
  const last = dyad.status === 'ended' ? dyad.lastSession : undefined;
  const reached = Math.max(dyad.currentSession, last ?? 0);
  const today = isoDateIn(siteTimeZone(study, dyad.siteId), now);
  const due: DueAdministration[] = [];
  for (let session = 1; session <= reached; session++) {
    for (const instrument of scheduledAt(study, role, session, last)) {
      if (!owed(role, session, instrument)) continue;
      const dueSince = dyad.sessionDates[String(session)] ?? null;
      due.push({
        instrument,
        role,
        session,
        dueSince,
        overdue:
          (last === undefined || session === last) &&
          dueSince !== null &&
          daysBetween(dueSince, today) >= study.overdueDays,
      });
    }
  }
  return due;
}

/** How far past the dyad's current session a participant may report: stops a typo (45 for 5) moving it far ahead. */
export const MAX_SESSIONS_AHEAD = 10;

/** The highest session a dyad link may report: the last session once ended, else a little past the current. */
export function maxSessionOf(dyad: Pick<Dyad, 'status' | 'lastSession' | 'currentSession'>): number {
  return dyad.status === 'ended' && dyad.lastSession !== undefined
    ? dyad.lastSession
    : dyad.currentSession + MAX_SESSIONS_AHEAD;
}

/** What the session question of a dyad link offers (and what `tandem dev` prints for a demo client). */
export interface SessionChoices {
  /** Pre-filled: the role's next session (after its highest answered), at least the dyad's current. */
  next: number;
  /** The highest session the link may report. */
  max: number;
  /** Earlier sessions with a questionnaire still due for this role, newest first (dueFor decides). */
  open: number[];
}

/**
 * The one place that decides which sessions a dyad role is asked about: the next session, and the
 * earlier ones dueFor still counts as due. The participant page and `tandem dev`'s banner both
 * use it, so they cannot disagree.
 */
export function sessionChoices(
  study: Study,
  subject: { dyad: Dyad; role: Role },
  answered: readonly AnsweredKey[],
  now: Date,
): SessionChoices {
  const { dyad, role } = subject;
  const own = answered.filter((r) => r.role === role).reduce((high, r) => Math.max(high, r.session), 0);
  const max = maxSessionOf(dyad);
  const next = Math.min(max, Math.max(own + 1, dyad.currentSession, 1));
  const open = [...new Set(dueFor(study, subject, answered, now).map((item) => item.session))]
    .filter((session) => session !== next)
    .sort((a, b) => b - a);
  return { next, max, open };
}
