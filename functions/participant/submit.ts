import * as z from 'zod/mini';
import { siteTimeZone } from '../../shared/dates.ts';
import { ConflictError, detailsFromIssues, ValidationError } from '../../shared/errors.ts';
import { participantStrings } from '../../shared/i18n/participant.ts';
import { type SubmissionInput, submitResponse } from '../../shared/participation/submit.ts';
import { readPlan } from '../../shared/participation/visit.ts';
import type { HttpEvent, HttpResult } from '../http/event.ts';
import { json, redirect, wantsHtml } from '../http/respond.ts';
import { openOrThrow, page, participantDeps, participantRoute } from './common.ts';
import { crisisText, questionnaireFor } from './page.ts';
import { dateElement, thankYouPage } from './views.ts';

/** A JSON submission (DESIGN §5); answers are checked against the instrument by the use case. */
const JsonSubmission = z.object({
  session: z.int(),
  instrument: z.string(),
  answers: z.record(z.string(), z.unknown()),
  lang: z.optional(z.string()),
});

const ANSWER_FIELD = /^i[1-9][0-9]*$/;
const WHOLE = /^-?[0-9]+$/;

const isForm = (event: HttpEvent): boolean =>
  (event.headers?.['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/** The submission in a body: JSON as it is, or a form's fields `session`, `instrument`, `i1` … `iN`. */
function submissionOf(
  event: HttpEvent,
  body: unknown,
): Omit<SubmissionInput, 'language'> & { form: Record<string, string> } {
  if (isForm(event)) {
    const fields = (body ?? {}) as Record<string, string>;
    const answers: Record<string, unknown> = {};
    // An empty radio group sends nothing; a field that is not a whole number is passed on as text so
    // that the use case reports it with its path.
    for (const [name, value] of Object.entries(fields))
      if (ANSWER_FIELD.test(name))
        answers[name] = value === '' ? null : WHOLE.test(value) ? Number(value) : value;
    const session = fields.session ?? '';
    if (!WHOLE.test(session)) {
      throw new ValidationError('The session is not a number.', {
        details: [{ path: 'session', message: 'expected a whole number', received: session }],
      });
    }
    return { session: Number(session), instrument: fields.instrument ?? '', answers, form: fields };
  }
  const parsed = JsonSubmission.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    throw new ValidationError('The submission is not valid.', {
      details: detailsFromIssues(parsed.error.issues),
    });
  }
  return { ...parsed.data, form: {} };
}

/** POST /s/{token}: one instrument's answers; 201 with a receipt, 200 the same again, 409 different. */
export const handler = participantRoute(async (input, context): Promise<HttpResult> => {
  const deps = participantDeps();
  const open = await openOrThrow(deps, input, context);
  const { frame } = context;
  const browser = wantsHtml(input.event.headers ?? {});
  const { form, ...submission } = submissionOf(input.event, input.body);

  let result: Awaited<ReturnType<typeof submitResponse>>;
  try {
    result = await submitResponse(deps, open, { ...submission, language: frame.language });
  } catch (error) {
    // A browser gets its form back with the answers kept and the faulty items marked.
    if (!browser || !(error instanceof ValidationError) || error.code !== 'invalid_input') throw error;
    const paths = (error.details ?? []).map((detail) => detail.path);
    if (!paths.some((path) => path === 'answers' || path.startsWith('answers.'))) throw error;
    const plan = await readPlan(deps, open, submission.session);
    const t = participantStrings(frame.language);
    const invalid = paths.filter((path) => path.startsWith('answers.')).map((path) => path.slice(8));
    const withSession = { ...context, open, frame: { ...frame, keep: { session: String(plan.session) } } };
    const body = questionnaireFor(
      withSession,
      { ...plan, due: [submission.instrument] },
      {
        values: form,
        invalid,
        ...(invalid.length === 0 ? { problem: t.noAnswer } : {}),
      },
    );
    if (body === undefined) throw error;
    return page(400, body);
  }

  if (result.outcome === 'conflict') {
    throw new ConflictError(
      `Different answers to ${submission.instrument} for session ${submission.session} were sent before; the first are kept.`,
    );
  }
  const status = result.outcome === 'created' ? 201 : 200;
  if (!browser) return json(status, { receipt: result.receipt });
  // Only a browser needs what else is due: it is shown the next page of the session.
  const plan = await readPlan(deps, open, submission.session);
  if (plan.due.length > 0) {
    // More questionnaires are due for this session: show the next one (post/redirect/get).
    return redirect(
      `${frame.base}?${new URLSearchParams({ session: String(plan.session), lang: frame.language })}`,
    );
  }
  const day = dateElement(frame.language, siteTimeZone(open.study, open.participant.siteId), deps.clock());
  return page(status, thankYouPage(frame, result.receipt, day, crisisText(frame, open, plan)));
});
