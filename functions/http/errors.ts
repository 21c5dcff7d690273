import type middy from '@middy/core';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { TandemError, UnavailableError } from '../../shared/errors.ts';
import { writeLog } from '../runtime/observability.ts';
import type { HttpEvent, HttpResult } from './event.ts';
import { html, json, wantsHtml } from './respond.ts';

export interface HttpErrorsOptions {
  /** Renders a readable page for browsers; undefined falls back to JSON. */
  errorPage?: ((error: TandemError, event: HttpEvent) => string | undefined) | undefined;
  /** Headers of a rendered error page, such as its Content-Security-Policy. */
  pageHeaders?: Record<string, string> | undefined;
  log?: (entry: Record<string, unknown>) => void;
}

const defaults: Required<Pick<HttpErrorsOptions, 'log'>> = {
  log: writeLog,
};

/**
 * An AWS SDK error that sending the same request again may cure — throttling (DynamoDB's
 * ProvisionedThroughputExceeded, S3's SlowDown), a 5xx of the service, a timeout or a dropped
 * connection — as a 503 the client may retry; undefined for anything else. The SDK has already
 * retried these itself (3 attempts) before the error reaches a handler.
 */
export function unavailableFrom(error: unknown): UnavailableError | undefined {
  if (!(error instanceof Error) || error instanceof TandemError) return undefined;
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  const retryable =
    isThrottlingError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError) ||
    sdkError.$retryable !== undefined;
  if (!retryable) return undefined;
  return new UnavailableError('Tandem is busy right now; nothing was saved. Please try again in a moment.', {
    cause: error,
    retryAfterSeconds: isThrottlingError(sdkError) ? 5 : 2,
  });
}

/** Headers an error response carries: `Retry-After` when trying again later can help. */
export function errorHeaders(error: TandemError): Record<string, string> {
  return error instanceof UnavailableError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
}

/** The one place errors become responses. Expected errors keep their status; the rest are a plain 500. */
export function httpErrors(opts: HttpErrorsOptions = {}): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const options = { ...defaults, ...opts };
  return {
    onError: async (request) => {
      if (request.response !== undefined && request.error === undefined) return;
      const error = unavailableFrom(request.error) ?? request.error;
      if (error instanceof UnavailableError) {
        options.log({
          level: 'warn',
          message: 'store or bucket unavailable',
          requestId: request.event.requestContext?.requestId,
          routeKey: request.event.routeKey,
          cause: error.cause instanceof Error ? error.cause.name : undefined,
        });
      }
      if (!(error instanceof TandemError) || !error.expose) {
        options.log({
          level: 'error',
          message: 'unhandled error',
          requestId: request.event.requestContext?.requestId,
          routeKey: request.event.routeKey,
          error:
            error instanceof Error
              ? { name: error.name, message: error.message, stack: error.stack }
              : String(error),
        });
        request.response = json(500, {
          error: { code: 'internal', message: 'Something went wrong on our side.' },
        });
        return;
      }
      const page = wantsHtml(request.event.headers ?? {})
        ? options.errorPage?.(error, request.event)
        : undefined;
      const headers = errorHeaders(error);
      request.response =
        page !== undefined
          ? html(error.status, page, { ...options.pageHeaders, ...headers })
          : json(
              error.status,
              {
                error: {
                  code: error.code,
                  message: error.message,
                  ...(error.details ? { details: error.details } : {}),
                },
              },
              headers,
            );
    },
  };
}
