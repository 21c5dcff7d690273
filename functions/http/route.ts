import middy from '@middy/core';
import type * as z from 'zod/mini';
import { detailsFromIssues, type TandemError, ValidationError } from '../../shared/errors.ts';
import { observe } from '../runtime/observability.ts';
import { type AuthorizedEvent, authorize } from './authorize.ts';
import { type ParsedBodyEvent, parseBody } from './body.ts';
import { httpErrors } from './errors.ts';
import type { HttpEvent, HttpResult, Principal } from './event.ts';
import { securityHeaders } from './security-headers.ts';

type Schema<T> = z.ZodMiniType<T, unknown>;
type Params = Record<string, string | undefined>;

export interface RouteOptions<P, Q, B> {
  path?: Schema<P>;
  query?: Schema<Q>;
  /** The body's schema, or one chosen by the request (a form post and a JSON body differ in shape). */
  body?: Schema<B> | ((event: HttpEvent) => Schema<B>);
  /** Default 16 KB (DESIGN §5). */
  maxBodyBytes?: number;
  /** A readable page for browsers (participant routes); JSON otherwise. */
  errorPage?: (error: TandemError, event: HttpEvent) => string | undefined;
  /** Headers of those error pages (the participant pages' CSP). */
  errorPageHeaders?: Record<string, string>;
}

export interface RouteInput<P, Q, B> {
  path: P;
  query: Q;
  body: B;
  /** Set on staff routes, after role and site have been checked. */
  principal: Principal | undefined;
  event: HttpEvent;
}

type RouteEvent = AuthorizedEvent & ParsedBodyEvent;

function validated<T>(schema: Schema<T> | undefined, value: unknown, what: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(`The ${what} is not valid.`, { details: detailsFromIssues(result.error.issues) });
}

/**
 * One HTTP route as a Lambda handler: body parsing, authorization from the route table, validation
 * of path, query and body, then `fn`; every error becomes a response in one middleware, and every
 * response gets the security headers in another; logs carry the request's context and metrics are
 * flushed once per invocation (`observe`).
 */
export function httpRoute<P = Params, Q = Params, B = unknown>(
  options: RouteOptions<P, Q, B>,
  fn: (input: RouteInput<P, Q, B>) => Promise<HttpResult>,
) {
  return middy<RouteEvent, HttpResult>()
    .use(observe())
    .use(securityHeaders())
    .use(httpErrors({ errorPage: options.errorPage, pageHeaders: options.errorPageHeaders }))
    .use(authorize())
    .use(parseBody(options.maxBodyBytes === undefined ? {} : { maxBytes: options.maxBodyBytes }))
    .handler(async (event) =>
      fn({
        path: validated(options.path, event.pathParameters ?? {}, 'path'),
        query: validated(options.query, event.queryStringParameters ?? {}, 'query'),
        // No body reads as `{}`; a JSON `null` is a body, and refused where an object is expected.
        body: validated(
          typeof options.body === 'function' ? options.body(event) : options.body,
          event.parsedBody === undefined ? {} : event.parsedBody,
          'request body',
        ),
        principal: event.principal,
        event,
      }),
    );
}
