import * as z from 'zod/mini';
import { ValidationError } from '../../shared/errors.ts';
import { participantStrings } from '../../shared/i18n/participant.ts';
import { newSubmissionId } from '../../shared/ids.ts';
import { currentConsent } from '../../shared/participation/consent.ts';
import type { OpenLink } from '../../shared/participation/open-link.ts';
import { nextStep, type SessionPlan } from '../../shared/participation/visit.ts';
import type { HttpResult } from '../http/event.ts';
import { json, wantsHtml } from '../http/respond.ts';
import { type PageContext, page, participantDeps, participantRoute } from './common.ts';
import {
  consentPage,
  declinedPage,
  num,
  type PageFrame,
  questionnairePage,
  sessionPage,
  sessionStatusPage,
  textIn,
  withdrawPage,
} from './views.ts';

/** How a session is named on a page: "Session 3", or the month's administration for therapist links. */
export function whereLabel(frame: PageFrame, open: OpenLink, session: number): string {
  const t = participantStrings(frame.language);
  return open.participant.kind === 'therapist'
    ? t.monthN(num(frame.language, session))
    : t.sessionN(num(frame.language, session));
}

/** The study's crisis text in the page language, when a safety flag fired in the session. */
export function crisisText(frame: PageFrame, open: OpenLink, plan: SessionPlan): string | undefined {
  return plan.safety
    ? textIn(open.study.safety.crisisText, frame.language, open.study.defaultLanguage)
    : undefined;
}

/** The withdrawal scope of the link's owner, for the confirmation text. */
export function withdrawalScope(open: OpenLink): 'dyad' | 'therapist' | 'interpreter' {
  const { participant } = open;
  if (participant.kind === 'therapist' || participant.role === 'therapist') return 'therapist';
  return participant.role === 'interpreter' ? 'interpreter' : 'dyad';
}

/** The questionnaire page of the first instrument still due at the plan's session. */
export function questionnaireFor(
  context: PageContext & { open: OpenLink },
  plan: SessionPlan,
  kept: { values: Record<string, string>; invalid: string[]; problem?: string } = { values: {}, invalid: [] },
): string | undefined {
  const { open, frame } = context;
  const def = open.instruments.get(plan.due[0] ?? '');
  if (!def) return undefined;
  return questionnairePage(frame, {
    instrument: def,
    session: plan.session,
    monthly: open.participant.kind === 'therapist',
    index: plan.answered.length + 1,
    count: plan.scheduled.length,
    defaultLanguage: open.study.defaultLanguage,
    // Fresh on every page: a double tap repeats it, a later submit carries another (DESIGN §5).
    submissionId: newSubmissionId(),
    ...kept,
  });
}

const PageQuery = z.object({
  // The session form sends the typed session (maybe left empty) and the open session picked.
  session: z.optional(z.string().check(z.regex(/^[0-9]{0,4}$/, 'expected a whole number'))),
  pick: z.optional(z.string().check(z.regex(/^[0-9]{1,4}$/, 'expected a whole number'))),
  step: z.optional(z.enum(['withdraw', 'decline'])),
  lang: z.optional(z.string()),
});

/** GET /s/{token}: consent, the session question, the next questionnaire due, or a friendly status page. */
export const handler = participantRoute({ query: PageQuery }, async (input, context): Promise<HttpResult> => {
  const deps = participantDeps();
  const { open } = context;
  const { frame } = context;
  const browser = wantsHtml(input.event.headers ?? {});
  // A typed session wins; otherwise the session chosen among the open ones (`pick`).
  const typed = input.query.session;
  const raw = typed !== undefined && typed !== '' ? typed : input.query.pick;

  if (input.query.step === 'withdraw') {
    return browser
      ? page(200, withdrawPage(frame, withdrawalScope(open), false))
      : json(200, { step: 'withdraw' });
  }
  // "No thanks" on the consent page: nothing is written.
  if (input.query.step === 'decline') {
    return browser ? page(200, declinedPage(frame)) : json(200, { step: 'decline' });
  }
  const session = raw === undefined ? undefined : Number(raw);
  let step: Awaited<ReturnType<typeof nextStep>>;
  try {
    step = await nextStep(deps, open, session === undefined ? {} : { session });
  } catch (error) {
    if (!(error instanceof ValidationError) || !browser) throw error;
    const bounds = await nextStep(deps, open, {});
    const choices = bounds.step === 'choose_session' ? bounds : { max: 1, suggested: 1, open: [] };
    return page(
      400,
      sessionPage({ ...frame, keep: {} }, raw ?? '', choices.max, true, {
        next: choices.suggested,
        open: choices.open,
      }),
    );
  }

  if (!browser) {
    if (step.step === 'consent') return json(200, { step: step.step, consentVersion: step.consent.version });
    if (step.step === 'choose_session') return json(200, step);
    return json(200, {
      step: step.step,
      session: step.plan.session,
      due: step.plan.due,
      answered: step.plan.answered,
      ...(step.step === 'questionnaire'
        ? { instrument: step.instrument.id, submissionId: newSubmissionId() }
        : {}),
    });
  }

  switch (step.step) {
    case 'consent':
      return page(
        200,
        consentPage(
          { ...frame, withdraw: false },
          textIn(currentConsent(open.study).text, frame.language, open.study.defaultLanguage),
          step.consent.version,
          open.participant.kind === 'therapist' ? 'monthly' : 'sessions',
        ),
      );
    case 'choose_session':
      return page(
        200,
        sessionPage(frame, String(step.suggested), step.max, false, {
          next: step.suggested,
          open: step.open,
        }),
      );
    case 'questionnaire': {
      const withSession = {
        ...context,
        open,
        frame: { ...frame, keep: { session: String(step.plan.session) } },
      };
      return page(200, questionnaireFor(withSession, step.plan) ?? '');
    }
    case 'done':
    case 'nothing_due':
      return page(
        200,
        sessionStatusPage(
          { ...frame, keep: { session: String(step.plan.session) } },
          step.step === 'done' ? 'done' : 'nothing',
          whereLabel(frame, open, step.plan.session),
          crisisText(frame, open, step.plan),
          open.participant.kind === 'dyad',
        ),
      );
  }
});
