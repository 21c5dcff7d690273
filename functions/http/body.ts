import type middy from '@middy/core';
import { PayloadTooLargeError, ValidationError } from '../../shared/errors.ts';
import type { HttpEvent, HttpResult } from './event.ts';

export type ParsedBodyEvent = HttpEvent & { parsedBody?: unknown };

export interface ParseBodyOptions {
  /** Bodies above this many bytes are refused with 413 (DESIGN §5: 16 KB). */
  maxBytes?: number;
}

const defaults = { maxBytes: 16 * 1024 };

/** Parses a JSON or form-urlencoded body into `event.parsedBody`; enforces the size limit first. */
export function parseBody(opts: ParseBodyOptions = {}): middy.MiddlewareObj<ParsedBodyEvent, HttpResult> {
  const { maxBytes } = { ...defaults, ...opts };
  return {
    before: async ({ event }) => {
      if (event.body === undefined || event.body === null || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      if (raw.byteLength > maxBytes) {
        throw new PayloadTooLargeError(
          `The request body is ${raw.byteLength} bytes; the limit is ${maxBytes}.`,
        );
      }
      const text = raw.toString('utf8');
      const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
      if (contentType.startsWith('application/x-www-form-urlencoded')) {
        event.parsedBody = Object.fromEntries(new URLSearchParams(text));
        return;
      }
      try {
        event.parsedBody = JSON.parse(text);
      } catch (cause) {
        throw new ValidationError('The request body is not valid JSON.', {
          cause,
          details: [{ path: '(body)', message: 'not valid JSON' }],
        });
      }
    },
  };
}
