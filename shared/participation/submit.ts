import { randomInt, randomUUID } from 'node:crypto';
import { isoDateIn, siteTimeZone } from '../dates.ts';
import { type ErrorDetail, NotScheduledError, ValidationError } from '../errors.ts';
import { CODE_ALPHABET, SUBMISSION_ID_PATTERN } from '../ids.ts';
import type { Answers, InstrumentDefinition } from '../instruments/schema.ts';
import { type StoredResponse, safetyFollowUpId } from '../ports.ts';
import { countAlreadyAnswered } from './attempts.ts';
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
  /** The questionnaire page's random id (DESIGN §5); without one a submission is never a repeat. */
  submissionId?: string | undefined;
}

export type SubmissionResult =
  /** Stored now (HTTP 201); `safety`: a safety flag fired in these answers. */
  | { outcome: 'created'; receipt: string; safety: boolean }
  /** The same submission (same submissionId) was stored before (HTTP 200, same receipt). */
  | { outcome: 'repeat'; receipt: string; safety: boolean }
  /** Another submission was stored before for this instrument and session (HTTP 409); answers are never compared. */
  | { outcome: 'already_answered' }
  /** Too many 409 answers for this link lately (HTTP 429). */
  | { outcome: 'too_many_attempts' }
  /** The owner withdrew, or the link was replaced, while the submission ran: nothing is kept (HTTP 410). */
  | { outcome: 'withdrawn' };

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

/** A short receipt a participant can quote: `R-` and 8 characters of the code alphabet. */
function newReceipt(): string {
  let receipt = 'R-';
  for (let i = 0; i < 8; i++) receipt += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return receipt;
}

/** Refuses a submission id that is not base64url of at least 96 bits, naming `submissionId`. */
function checkSubmissionId(submissionId: string | undefined): void {
  if (submissionId === undefined || SUBMISSION_ID_PATTERN.test(submissionId)) return;
  throw new ValidationError('The submission id is not valid.', {
    details: [
      { path: 'submissionId', message: 'expected 16 to 64 base64url characters', received: submissionId },
    ],
  });
}

/**
 * Stores one instrument's answers for a session with a conditional put on the natural key, then
 * ends with one conditional update of the owner's item (DESIGN §4): at most 3 store calls beyond
 * opening the link. Created; a repeat of the same submission (same receipt); already answered by
 * another submission, whatever its answers (stored answers are never compared: a link must not
 * tell what was answered), or too many of those; or withdrawn, when the owner withdrew (or the
 * link was replaced) while it ran, and then nothing it wrote is kept. Refuses answers before
 * consent, instruments not scheduled for this role and session, and invalid answers (paths
 * `answers.iN`).
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
  checkSubmissionId(input.submissionId);
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
    ...(input.submissionId === undefined ? {} : { submissionId: input.submissionId }),
  };
  const put = await deps.store.putResponse(response);
  if (put.outcome === 'vanished') return { outcome: 'withdrawn' };
  if (put.outcome === 'exists') {
    const { existing } = put;
    if (input.submissionId === undefined || existing.submissionId !== input.submissionId) {
      return (await countAlreadyAnswered(deps, open.link.tokenHash))
        ? { outcome: 'already_answered' }
        : { outcome: 'too_many_attempts' };
    }
    // A repeat notes the session again: it repairs a first attempt that crashed before its note.
    const safety = firesSafety(def, existing.answers);
    if (!(await endSubmission(deps, open, input.session, safety, today))) return { outcome: 'withdrawn' };
    return { outcome: 'repeat', receipt: existing.receipt, safety };
  }
  const safety = firesSafety(def, answers);
  if (!(await endSubmission(deps, open, input.session, safety, today))) {
    // The owner withdrew after the link was opened: its withdrawal may have listed the responses
    // before this one was written, so this submission takes back what it wrote.
    await deps.store.deleteResponse(response);
    return { outcome: 'withdrawn' };
  }
  return { outcome: 'created', receipt: response.receipt, safety };
}

/**
 * The one conditional update a submission ends with: on a dyad it raises the current session,
 * dates the session's first report and flags safety follow-up (each only where not yet set); on a
 * therapist it changes nothing. False when the owner has withdrawn or the link is no longer current.
 */
function endSubmission(
  deps: ParticipationDeps,
  open: OpenLink,
  session: number,
  safety: boolean,
  today: string,
): Promise<boolean> {
  const { participant, link, study } = open;
  const through = { role: participant.role, linkHash: link.tokenHash };
  if (participant.kind === 'therapist') {
    return deps.store.noteSubmission(
      { siteId: participant.siteId, therapistId: participant.therapistId },
      through,
    );
  }
  // One follow-up per role and session (`if_not_exists`): a retried submission opens none.
  const followUp = safety && study.safety.notifySite;
  return deps.store.noteSubmission({ siteId: participant.siteId, dyadId: participant.dyad.dyadId }, through, {
    session,
    date: today,
    ...(followUp
      ? {
          safetyFollowUp: {
            id: safetyFollowUpId(participant.role, session),
            role: participant.role,
            openedOn: today,
          },
        }
      : {}),
  });
}
