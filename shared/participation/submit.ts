import { randomInt, randomUUID } from 'node:crypto';
import { isoDateIn } from '../enrolment/deps.ts';
import { type ErrorDetail, NotScheduledError, ValidationError } from '../errors.ts';
import { CODE_ALPHABET } from '../ids.ts';
import type { Answers, InstrumentDefinition } from '../instruments/schema.ts';
import type { Dyad, StoredResponse } from '../ports.ts';
import { needsConsent } from './consent.ts';
import { ConsentRequiredError, type ParticipationDeps } from './deps.ts';
import { timezoneOfSite } from './due.ts';
import type { OpenLink } from './open-link.ts';
import { checkSession, planSession, type SessionPlan } from './visit.ts';

export interface SubmissionInput {
  session: number;
  instrument: string;
  /** Item id to a scale point or null (skipped); validated against the instrument here. */
  answers: unknown;
  /** The language the questionnaire was shown in. */
  language: string;
}

export type SubmissionResult =
  /** Stored now (HTTP 201). */
  | { outcome: 'created'; receipt: string; plan: SessionPlan }
  /** The same answers were stored before (HTTP 200, same receipt). */
  | { outcome: 'duplicate'; receipt: string; plan: SessionPlan }
  /** Different answers were stored before for this instrument and session (HTTP 409). */
  | { outcome: 'conflict'; plan: SessionPlan };

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
 * safety follow-up when a safety flag fires and the study notifies sites.
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
  const responses = await deps.store.listResponses(participant.ownerKey);
  if (participant.kind === 'dyad') checkSession(open, responses, input.session);
  const now = deps.clock();
  const plan = planSession(open, responses, input.session, now);
  if (plan.session !== input.session || !plan.scheduled.includes(def.id)) {
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
  const today = isoDateIn(timezoneOfSite(study, participant.siteId), now);
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
    return { outcome: 'conflict', plan };
  }
  const stored = put.outcome === 'created' ? response : put.existing;
  const after = planSession(
    open,
    [...responses.filter((r) => r.instrument !== def.id || r.session !== input.session), stored],
    input.session,
    now,
  );
  // After the response, so a crash in between leaves a stale current session that the next
  // submission repairs, never a session that claims answers it does not have.
  if (participant.kind === 'dyad')
    await noteSession(deps, open, participant.dyad, input.session, after.safety, today);
  return put.outcome === 'created'
    ? { outcome: 'created', receipt: stored.receipt, plan: after }
    : { outcome: 'duplicate', receipt: stored.receipt, plan: after };
}

/** Raises the dyad's current session, dates the session's first report, and flags safety follow-up. */
async function noteSession(
  deps: ParticipationDeps,
  open: OpenLink,
  seen: Dyad,
  session: number,
  safety: boolean,
  today: string,
): Promise<void> {
  // Re-read: another member may have reported a session since this request opened the link.
  const dyad = (await deps.store.getDyad(seen.siteId, seen.dyadId)) ?? seen;
  const key = String(session);
  const followUp = safety && open.study.safety.notifySite && dyad.safetyFollowUp === undefined;
  if (session <= dyad.currentSession && dyad.sessionDates[key] !== undefined && !followUp) return;
  const updated: Dyad = {
    ...dyad,
    currentSession: Math.max(dyad.currentSession, session),
    sessionDates: { ...dyad.sessionDates, [key]: dyad.sessionDates[key] ?? today },
  };
  if (followUp) updated.safetyFollowUp = today;
  await deps.store.putDyad(updated);
}
