import { ValidationError } from '../errors.ts';
import type { Answers, InstrumentDefinition } from '../instruments/schema.ts';
import { scoreInstrument } from '../instruments/score.ts';
import type { StoredResponse } from '../ports.ts';
import { type ConsentVersion, currentConsent, needsConsent } from './consent.ts';
import type { ParticipationDeps } from './deps.ts';
import {
  maxSessionOf,
  monthlyAdministration,
  monthlyInstruments,
  type SessionChoices,
  scheduledAt,
  sessionChoices,
} from './due.ts';
import type { OpenLink } from './open-link.ts';

/** What a link owes at one session (a dyad session, or a therapist's monthly administration). */
export interface SessionPlan {
  session: number;
  /** Instruments scheduled for this role at this session, in schedule order. */
  scheduled: string[];
  answered: string[];
  /** Scheduled and not yet answered, in order: the next questionnaire is the first. */
  due: string[];
  /** A safety flag fired in one of this session's answers (shows the study's crisis text). */
  safety: boolean;
}

/** The next thing a participant page shows. */
export type NextStep =
  | { step: 'consent'; consent: ConsentVersion }
  /** `open`: earlier sessions with something still due, offered besides the suggested next one. */
  | { step: 'choose_session'; suggested: number; max: number; open: number[] }
  | { step: 'questionnaire'; plan: SessionPlan; instrument: InstrumentDefinition }
  /** Every questionnaire of this session is answered (thank-you / already answered). */
  | { step: 'done'; plan: SessionPlan }
  /** Nothing is scheduled for this role at this session. */
  | { step: 'nothing_due'; plan: SessionPlan };

/** The highest session a link may report (a therapist link has only its monthly administration). */
function maxSession(open: OpenLink): number {
  const { participant } = open;
  return participant.kind === 'therapist' ? 1 : maxSessionOf(participant.dyad);
}

/** The session question's choices for a dyad link (sessionChoices, the one function that decides). */
export function sessionBounds(
  open: OpenLink,
  responses: readonly StoredResponse[],
  now: Date,
): { suggested: number; max: number; open: number[] } {
  const { participant, study } = open;
  if (participant.kind === 'therapist') return { suggested: 1, max: 1, open: [] };
  const choices: SessionChoices = sessionChoices(
    study,
    { dyad: participant.dyad, role: participant.role },
    responses,
    now,
  );
  return { suggested: choices.next, max: choices.max, open: choices.open };
}

/** Checks a reported session number against the link's bounds (the dyad alone decides them); 400 naming `session` otherwise. */
export function checkSession(open: OpenLink, session: number): void {
  const max = maxSession(open);
  if (!Number.isInteger(session) || session < 1 || session > max) {
    throw new ValidationError('That session number is not possible for this link.', {
      details: [{ path: 'session', message: `must be a whole number from 1 to ${max}`, received: session }],
    });
  }
}

/**
 * The instruments scheduled for the link's role at a session, in schedule order, from the study and
 * the dyad alone; for a therapist link the session is the current monthly administration.
 */
export function scheduledFor(
  open: OpenLink,
  session: number,
  now: Date,
): { session: number; scheduled: string[] } {
  const { participant, study, instruments } = open;
  let scheduled: string[];
  if (participant.kind === 'therapist') {
    session = monthlyAdministration(study, participant.therapist, now).session;
    scheduled = monthlyInstruments(study, 'therapist');
  } else {
    const last = participant.dyad.status === 'ended' ? participant.dyad.lastSession : undefined;
    scheduled = scheduledAt(study, participant.role, session, last);
  }
  return { session, scheduled: scheduled.filter((id) => instruments.has(id)) };
}

/** Whether a safety flag fires in one instrument's answers. */
export function firesSafety(def: InstrumentDefinition, answers: Answers): boolean {
  return scoreInstrument(def, answers).flags.some((flag) => flag.safety && flag.fired === true);
}

/** The plan of one session for the link's owner, from its stored responses. */
export function planSession(
  open: OpenLink,
  responses: readonly StoredResponse[],
  session: number,
  now: Date,
): SessionPlan {
  const { participant, instruments } = open;
  const planned = scheduledFor(open, session, now);
  const { scheduled } = planned;
  const mine = responses.filter((r) => r.role === participant.role && r.session === planned.session);
  const answered = scheduled.filter((id) => mine.some((r) => r.instrument === id));
  const safety = mine.some((r) => {
    const def = instruments.get(r.instrument);
    return def !== undefined && firesSafety(def, r.answers);
  });
  return {
    session: planned.session,
    scheduled,
    answered,
    due: scheduled.filter((id) => !answered.includes(id)),
    safety,
  };
}

/** The plan of one session from what the link's owner has stored now (one query). */
export async function readPlan(
  deps: ParticipationDeps,
  open: OpenLink,
  session: number,
): Promise<SessionPlan> {
  const responses = await deps.store.listResponses(open.participant.ownerKey);
  return planSession(open, responses, session, deps.clock());
}

/**
 * What the link's page shows next: consent first (or again after a new version); then, for a dyad
 * link without a session, the session question; then the first questionnaire still due for it.
 */
export async function nextStep(
  deps: ParticipationDeps,
  open: OpenLink,
  input: { session?: number },
): Promise<NextStep> {
  if (await needsConsent(deps, open)) return { step: 'consent', consent: currentConsent(open.study) };
  const responses = await deps.store.listResponses(open.participant.ownerKey);
  if (open.participant.kind === 'dyad' && input.session === undefined) {
    return { step: 'choose_session', ...sessionBounds(open, responses, deps.clock()) };
  }
  if (input.session !== undefined && open.participant.kind === 'dyad') checkSession(open, input.session);
  const plan = planSession(open, responses, input.session ?? 1, deps.clock());
  const next = plan.due[0];
  const instrument = next === undefined ? undefined : open.instruments.get(next);
  if (instrument) return { step: 'questionnaire', plan, instrument };
  return plan.scheduled.length === 0 ? { step: 'nothing_due', plan } : { step: 'done', plan };
}
