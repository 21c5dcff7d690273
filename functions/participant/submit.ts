import * as z from 'zod/mini';
import { siteTimeZone } from '../../shared/dates.ts';
import { GoneError, TooManyRequestsError, ValidationError } from '../../shared/errors.ts';
import { participantStrings } from '../../shared/i18n/participant.ts';
import { AlreadyAnsweredError } from '../../shared/participation/deps.ts';
import { submitResponse } from '../../shared/participation/submit.ts';
import { readPlan } from '../../shared/participation/visit.ts';
import type { HttpEvent, HttpResult } from '../http/event.ts';
import { json, redirect, wantsHtml } from '../http/respond.ts';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric } from '../runtime/observability.ts';
import { GONE_MESSAGE, page, participantDeps, participantRoute } from './common.ts';
import { crisisText, questionnaireFor } from './page.ts';
import { dateElement, thankYouPage } from './views.ts';

/** A submission as the use case takes it, with a form's own fields kept to show the form again. */
interface Submission {
  session: number;
  instrument: string;
  answers: Record<string, unknown>;
  submissionId?: string | undefined;
  lang: string | undefined;
  form: Record<string, string>;
}

/** A JSON submission (DESIGN §5); answers are checked against the instrument by the use case. */
const JsonSubmission = z.pipe(
  z.object({
    session: z.int(),
    instrument: z.string(),
    answers: z.record(z.string(), z.unknown()),
    // Checked by the use case (shared/participation/submit.ts), which names it when malformed.
    submissionId: z.optional(z.string()),
    lang: z.optional(z.string()),
  }),
  z.transform((body): Submission => ({ ...body, lang: body.lang, form: {} })),
);

const ANSWER_FIELD = /^i[1-9][0-9]*$/;
const WHOLE = /^-?[0-9]+$/;

/**
 * A form post: `session`, `instrument`, `submissionId`, `lang` and the answers `i1` … `iN`. An empty radio group
 * sends nothing; a field that is not a whole number is passed on as text so that the use case
 * reports it with its path.
 */
const FormSubmission = z.pipe(
  z.looseObject({
    session: z._default(z.string(), '').check(z.regex(WHOLE, 'expected a whole number')),
    instrument: z._default(z.string(), ''),
    submissionId: z.optional(z.string()),
    lang: z.optional(z.string()),
  }),
  z.transform((fields): Submission => {
    const form = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value)]));
    const answers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(form))
      if (ANSWER_FIELD.test(name))
        answers[name] = value === '' ? null : WHOLE.test(value) ? Number(value) : value;
    return {
      session: Number(fields.session),
      instrument: fields.instrument,
      answers,
      // An empty field is no id: such a submission is a first submit, never a repeat.
      submissionId: fields.submissionId === '' ? undefined : fields.submissionId,
      lang: fields.lang,
      form,
    };
  }),
);

const isForm = (event: HttpEvent): boolean =>
  (event.headers?.['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/**
 * POST /s/{token}: one instrument's answers (DESIGN §5); 201 with a receipt, 200 with the same
 * receipt for a repeat of the same submissionId, 409 for any other once answered (one body,
 * whatever the answers), 429 after too many of those, 410 when the owner withdrew meanwhile.
 */
export const handler = participantRoute<Record<string, string | undefined>, Submission>(
  { body: (event) => (isForm(event) ? FormSubmission : JsonSubmission) },
  async (input, context): Promise<HttpResult> => {
    const deps = participantDeps();
    const { open } = context;
    const { frame } = context;
    const browser = wantsHtml(input.event.headers ?? {});
    const { form, lang: _lang, ...submission } = input.body;

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

    // Submissions, repeats (the same submission again) and 409s; a safety flag once, when its answers
    // are stored. A limited link or a withdrawn owner counts as none of these.
    if (result.outcome === 'created') {
      countMetric(METRIC_NAMES.submission);
      if (result.safety) countMetric(METRIC_NAMES.safetyFlag);
    } else if (result.outcome === 'repeat') countMetric(METRIC_NAMES.duplicate);
    else if (result.outcome === 'already_answered') countMetric(METRIC_NAMES.conflict);
    if (result.outcome === 'already_answered') {
      // One fixed message: the body must not depend on the answers sent (nor on the request).
      throw new AlreadyAnsweredError(
        'This questionnaire was already answered for this session; the first answers are kept.',
      );
    }
    if (result.outcome === 'too_many_attempts')
      throw new TooManyRequestsError('Too many answers of 409 for this link; try again in an hour.');
    if (result.outcome === 'withdrawn') throw new GoneError(GONE_MESSAGE);
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
  },
);
