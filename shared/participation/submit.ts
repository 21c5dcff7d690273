import { randomInt, randomUUID } from 'node:crypto';
import { isoDateIn, siteTimeZone } from '../dates.ts';
import { type ErrorDetail, NotScheduledError, ValidationError } from '../errors.ts';
import { CODE_ALPHABET } from '../ids.ts';
import type { Answers, InstrumentDefinition } from '../instruments/schema.ts';
import type { Dyad, StoredResponse } from '../ports.ts';
import { needsConsent } from './consent.ts';
import { ConsentRequiredError, type ParticipationDeps } from './deps.ts';
import type { OpenLink } from './open-link.ts';
import { checkSession, firesSafety, scheduledFor } from './visit.ts';

export interface SubmissionInput {
  session: number;
  instrument: string;
  /** Item id to a scale point or null (skipped); validated against the instrument here. */
  answers: unknown;
  /** The language the questionnaire was shown in. */
  language: string;
}

export type SubmissionResult =
  /** Stored now (HTTP 201); `safety`: a safety flag fired in these answers. */
  | { outcome: 'created'; receipt: string; safety: boolean }
  /** The same answers were stored before (HTTP 200, same receipt). */
  | { outcome: 'duplicate'; receipt: string; safety: boolean }
  /** Different answers were stored before for this instrument and session (HTTP 409). */
  | { outcome: 'conflict' };

/**
 * Validates answers against the instrument: every key an item id, every value a whole scale point or
 * null, at least one answered. Missing items count as skipped (null). Errors name `answers.iN`.
 */
export function validateAnswers(def: InstrumentDefinition, raw: unknown): Answers {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('The answers are missing.', {
      details: [{ path: 'answers', message: 'expected an object of item ids to scale points' }],
    });
  }
  const { min, max } = def.scale;
  const itemIds = new Set(def.items.map((item) => item.id));
  const details: ErrorDetail[] = [];
  for (const [id, value] of Object.entries(raw)) {
    const path = `answers.${id}`;
    if (!itemIds.has(id)) details.push({ path, message: `${def.id} has no item ${id}` });
    else if (value === null) continue;
    else if (typeof value !== 'number')
      details.push({ path, message: 'expected a whole number or null', received: value });
    else if (!Number.isInteger(value) || value < min || value > max)
      details.push({ path, message: `must be a whole number from ${min} to ${max}`, received: value });
  }
  if (details.length > 0) throw new ValidationError('Some answers are not valid.', { details });
  const source = raw as Record<string, number | null>;
  const answers: Answers = {};
  for (const item of def.items) answers[item.id] = source[item.id] ?? null;
  if (Object.values(answers).every((value) => value === null)) {
    throw new ValidationError('No question was answered.', {
      details: [{ path: 'answers', message: 'answer at least one question' }],
    });
  }
  return answers;
}

const sameAnswers = (def: InstrumentDefinition, a: Answers, b: Answers): boolean =>
  def.items.every((item) => (a[item.id] ?? null) === (b[item.id] ?? null));

/** A short receipt a participant can quote: `R-` and 8 characters of the code alphabet. */
function newReceipt(): string {
  let receipt = 'R-';
  for (let i = 0; i < 8; i++) receipt += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return receipt;
}

/**
 * Stores one instrument's answers for a session with a conditional put on the natural key: created,
 * the same answers again (same receipt), or different answers (conflict). Refuses answers before
 * consent, instruments not scheduled for this role and session, and invalid answers (paths
 * `answers.iN`). Keeps the dyad's current session and session dates up to date, and marks it for
 * safety follow-up when a safety flag fires and the study notifies sites. Reads nothing beyond the
 * open link: the put itself detects duplicates, and the schedule with the dyad decides the rest.
 */
export async function submitResponse(
  deps: ParticipationDeps,
  open: OpenLink,
  input: SubmissionInput,
): Promise<SubmissionResult> {
  const { participant, study, instruments } = open;
  const def = instruments.get(input.instrument);
  if (!def) {
    throw new ValidationError(`There is no instrument ${input.instrument}.`, {
      details: [{ path: 'instrument', message: 'unknown instrument', received: input.instrument }],
    });
  }
  if (await needsConsent(deps, open))
    throw new ConsentRequiredError('Consent is needed before answers are accepted.');
  if (participant.kind === 'dyad') checkSession(open, input.session);
  const now = deps.clock();
  const planned = scheduledFor(open, input.session, now);
  if (planned.session !== input.session || !planned.scheduled.includes(def.id)) {
    throw new NotScheduledError(
      `${def.id} is not scheduled for the ${participant.role} at session ${input.session}.`,
      {
        details: [
          { path: 'instrument', message: `not scheduled at session ${input.session}`, received: def.id },
        ],
      },
    );
  }
  const answers = validateAnswers(def, input.answers);
  const today = isoDateIn(siteTimeZone(study, participant.siteId), now);
  const response: StoredResponse = {
    responseId: randomUUID(),
    ownerKey: participant.ownerKey,
    siteId: participant.siteId,
    therapistId: participant.therapistId,
    dyadId: participant.kind === 'dyad' ? participant.dyad.dyadId : null,
    role: participant.role,
    session: input.session,
    instrument: def.id,
    answers,
    submittedOn: today,
    language: input.language,
    receipt: newReceipt(),
  };
  const put = await deps.store.putResponse(response);
  if (put.outcome === 'exists' && !sameAnswers(def, put.existing.answers, answers)) {
    return { outcome: 'conflict' };
  }
  const stored = put.outcome === 'created' ? response : put.existing;
  const safety = firesSafety(def, stored.answers);
  // After the response, so a crash in between leaves a stale current session that the same
  // submission sent again (200) repairs, never a session that claims answers it does not have.
  if (participant.kind === 'dyad')
    await noteSession(deps, open, participant.dyad, input.session, safety, today);
  return { outcome: put.outcome === 'created' ? 'created' : 'duplicate', receipt: stored.receipt, safety };
}

/**
 * Raises the dyad's current session, dates the session's first report, and flags safety follow-up,
 * in one update of just those fields; none when the dyad as opened already says all of it (they
 * only ever grow, so a dyad read moments ago cannot wrongly skip).
 */
async function noteSession(
  deps: ParticipationDeps,
  open: OpenLink,
  dyad: Dyad,
  session: number,
  safety: boolean,
  today: string,
): Promise<void> {
  const raise = session > dyad.currentSession;
  const undated = dyad.sessionDates[String(session)] === undefined;
  const followUp = safety && open.study.safety.notifySite && dyad.safetyFollowUp === undefined;
  if (!raise && !undated && !followUp) return;
  await deps.store.noteSession(dyad.siteId, dyad.dyadId, {
    session,
    date: today,
    raise,
    ...(followUp ? { safetyFollowUp: today } : {}),
  });
}
