import * as z from 'zod/mini';
import {
  DyadWithdrawnError,
  GoneError,
  NotFoundError,
  type TandemError,
  TooManyRequestsError,
} from '../../shared/errors.ts';
import { PAGE_LANGUAGES } from '../../shared/i18n/languages.ts';
import { isErrorCode, participantStrings } from '../../shared/i18n/participant.ts';
import type { ParticipationDeps } from '../../shared/participation/deps.ts';
import { LinkCache } from '../../shared/participation/link-cache.ts';
import { type OpenLink, openLink } from '../../shared/participation/open-link.ts';
import { cachedStudy, STUDY_TTL_SECONDS } from '../../shared/participation/study-cache.ts';
import type { TandemStore } from '../../shared/ports.ts';
import type { Study } from '../../shared/study/schema.ts';
import type { HttpEvent, HttpResult } from '../http/event.ts';
import { html } from '../http/respond.ts';
import { httpRoute, type RouteInput, type RouteOptions } from '../http/route.ts';
import { CSP } from '../http/security-headers.ts';
import { configSecret } from '../runtime/secrets-manager.ts';
import { store } from '../runtime/store.ts';
import { errorPage, PAGE_CSP, type PageFrame, textIn } from './views.ts';

// Caches per store: the local runtime and tests build a new store for each stack.
const caches = new WeakMap<TandemStore, { study: () => Promise<Study | undefined>; links: LinkCache }>();

/** The key of the limiter's address hashes (attempts.ts): TANDEM_ATTEMPT_SECRET, or the secret TANDEM_ATTEMPT_SECRET_ARN names. */
const attemptSecret = configSecret('ATTEMPT');

/**
 * The use cases' dependencies in a Lambda or the local server: the real store, the wall clock, the
 * study definition kept for STUDY_TTL_SECONDS (an edit reaches participants within a minute), and
 * the links this process has opened (link-cache.ts).
 */
export function participantDeps(): ParticipationDeps {
  const current = store();
  let kept = caches.get(current);
  if (!kept) {
    kept = { study: cachedStudy(current, STUDY_TTL_SECONDS), links: new LinkCache() };
    caches.set(current, kept);
  }
  return { store: current, clock: () => new Date(), attemptSecret, ...kept };
}

/** Path of every participant route. */
export const TokenPath = z.object({ token: z.string() });

/** The participant pages' own header: only the inline stylesheet (the rest: security-headers.ts). */
export const PAGE_HEADERS = { [CSP]: PAGE_CSP };

/** An HTML page response with the participant headers. */
export const page = (status: number, body: string, headers: Record<string, string> = {}): HttpResult =>
  html(status, body, { ...PAGE_HEADERS, ...headers });

/** Languages of `Accept-Language`, best first. */
function acceptedLanguages(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.language !== '' && entry.language !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.language);
}

/**
 * The page language (DESIGN §5): `?lang=` (or the form's `lang`), then the link's language, then
 * `Accept-Language`, then the study's default; only languages the study offers.
 */
export function chooseLanguage(
  event: HttpEvent,
  offered: readonly string[],
  options: { explicit?: string | undefined; link?: string | undefined; fallback: string },
): string {
  const candidates = [
    options.explicit,
    event.queryStringParameters?.lang,
    options.link,
    ...acceptedLanguages(event.headers?.['accept-language']),
  ];
  return candidates.find((c): c is string => c !== undefined && offered.includes(c)) ?? options.fallback;
}

/** What a participant handler has learnt so far, for rendering its errors in the right language. */
export interface PageContext {
  frame: PageFrame;
  /** Set once the link has opened. */
  open?: OpenLink;
}

const explicitLanguage = (body: unknown): string | undefined =>
  typeof body === 'object' && body !== null && 'lang' in body && typeof body.lang === 'string'
    ? body.lang
    : undefined;

/** What a withdrawn participant's link answers. */
export const GONE_MESSAGE = 'This participant has withdrawn; the link no longer works.';

/** Opens the token of the request or throws the matching 404 / 410 / 429, and sets the page frame. */
async function openOrThrow(
  deps: ParticipationDeps,
  event: HttpEvent & { parsedBody?: unknown },
  context: PageContext,
): Promise<OpenLink> {
  const token = event.pathParameters?.token ?? '';
  const source = event.requestContext?.http?.sourceIp;
  const result = await openLink(deps, { token, ...(source ? { source } : {}) });
  if (result.outcome === 'not_found') throw new NotFoundError('This link is unknown or has been replaced.');
  if (result.outcome === 'gone')
    throw result.reason === 'dyad_withdrawn'
      ? new DyadWithdrawnError('This dyad has ended its participation; there is nothing more to answer.')
      : new GoneError(GONE_MESSAGE);
  if (result.outcome === 'too_many_attempts')
    throw new TooManyRequestsError('Too many unknown links from this address; try again in ten minutes.');
  const { study } = result;
  const language = chooseLanguage(event, study.languages, {
    explicit: explicitLanguage(event.parsedBody),
    link: result.link.language,
    fallback: study.defaultLanguage,
  });
  context.open = result;
  const { participant } = result;
  context.frame = {
    language,
    languages: study.languages,
    base: `/s/${encodeURIComponent(token)}`,
    withdraw: true,
    studyTitle: textIn(study.title, language, study.defaultLanguage),
    // A therapist (or interpreter) holds one link per dyad: say which one this is.
    ...(participant.kind === 'dyad' && participant.role !== 'client'
      ? { dyadCode: participant.dyad.dyadId }
      : {}),
    ...(study.contact ? { contact: study.contact } : {}),
  };
  return result;
}

/** The translated error page of an expected error. */
export function renderError(error: TandemError, frame: PageFrame): string {
  const t = participantStrings(frame.language);
  const text = isErrorCode(error.code) ? t.errors[error.code] : t.errors.invalid_input;
  // A link back only where the link still works and trying again can help.
  const back = error.status !== 404 && error.status !== 410 && error.status !== 429;
  return errorPage(frame, text.title, text.body, back);
}

/** A frame before the link is known: page languages only, from `?lang=` or `Accept-Language`. */
function bareFrame(event: HttpEvent, body?: unknown): PageFrame {
  return {
    language: chooseLanguage(event, PAGE_LANGUAGES, { explicit: explicitLanguage(body), fallback: 'en' }),
    languages: [],
  };
}

// What each request has learnt (its page frame), for the error page the HTTP layer renders.
const contexts = new WeakMap<HttpEvent, PageContext>();

/** The schemas of a participant route's query and body (the path is always the token). */
export type ParticipantSchemas<Q, B> = Pick<RouteOptions<{ token: string }, Q, B>, 'query' | 'body'>;

/**
 * A participant route: the link opens first (404, 410, 429 otherwise), then the HTTP layer
 * validates the query and body against the route's schemas and calls `fn`; every error, invalid
 * fields included, becomes a page in the link's language in the HTTP layer's one error middleware.
 */
export function participantRoute<Q = Record<string, string | undefined>, B = unknown>(
  schemas: ParticipantSchemas<Q, B>,
  fn: (
    input: RouteInput<{ token: string }, Q, B>,
    context: PageContext & { open: OpenLink },
  ) => Promise<HttpResult>,
) {
  return httpRoute<{ token: string }, Q, B>(
    {
      path: TokenPath,
      ...schemas,
      errorPage: (error, event) =>
        error.expose ? renderError(error, contexts.get(event)?.frame ?? bareFrame(event)) : undefined,
      errorPageHeaders: PAGE_HEADERS,
    },
    async (input) => {
      const context = contexts.get(input.event);
      if (!context?.open) throw new Error('the participant link was not opened before the handler');
      return fn(input, { ...context, open: context.open });
    },
  ).use({
    before: async ({ event }) => {
      const context: PageContext = { frame: bareFrame(event, event.parsedBody) };
      contexts.set(event, context);
      await openOrThrow(participantDeps(), event, context);
    },
  });
}
