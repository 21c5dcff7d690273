import type middy from '@middy/core';
import { TandemError } from '../../shared/errors.ts';
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
  log: (entry) => console.error(JSON.stringify(entry)),
};

/** The one place errors become responses. Expected errors keep their status; the rest are a plain 500. */
export function httpErrors(opts: HttpErrorsOptions = {}): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const options = { ...defaults, ...opts };
  return {
    onError: async (request) => {
      if (request.response !== undefined && request.error === undefined) return;
      const error = request.error;
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
      request.response =
        page !== undefined
          ? html(error.status, page, options.pageHeaders)
          : json(error.status, {
              error: {
                code: error.code,
                message: error.message,
                ...(error.details ? { details: error.details } : {}),
              },
            });
    },
  };
}
