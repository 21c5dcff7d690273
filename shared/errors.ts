/**
 * Tandem's error tree. Each error carries its own HTTP status and a stable code, so the one error
 * middleware maps errors to responses without looking at class names. `expose` says whether the
 * message may be shown to a user; unexpected errors never are.
 */
export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `answers.i3`. */
  path: string;
  message: string;
  /** The value received, when it is safe to echo back. */
  received?: unknown;
}

export abstract class TandemError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly expose: boolean = true;
  readonly details: ErrorDetail[] | undefined;

  constructor(message: string, options: { cause?: unknown; details?: ErrorDetail[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

export class ValidationError extends TandemError {
  readonly status = 400;
  readonly code: string = 'invalid_input';
}

export class NotScheduledError extends ValidationError {
  override readonly code = 'not_scheduled';
}

export class UnauthorizedError extends TandemError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends TandemError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends TandemError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends TandemError {
  readonly status = 409;
  readonly code = 'conflict';
}

export class GoneError extends TandemError {
  readonly status = 410;
  readonly code = 'withdrawn';
}

export class PayloadTooLargeError extends TandemError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class TooManyRequestsError extends TandemError {
  readonly status = 429;
  readonly code = 'too_many_requests';
}

/**
 * The store or bucket is throttled, failing or not answering in time: nothing was decided, and the
 * same request sent again later can succeed (503 with `Retry-After`).
 */
export class UnavailableError extends TandemError {
  readonly status = 503;
  readonly code = 'unavailable';
  /** Seconds a client should wait before trying again (the `Retry-After` header). */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
  }
}

/** Turns zod issues into details with dotted paths and the value received. */
export function detailsFromIssues(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; input?: unknown }>,
  prefix: string[] = [],
): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)].join('.') || '(root)';
    const detail: ErrorDetail = { path, message: describeIssue(issue) };
    if (issue.input !== undefined && typeof issue.input !== 'object') detail.received = issue.input;
    return detail;
  });
}

function describeIssue(issue: { message: string; code?: string } & Record<string, unknown>): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      return `expected ${String(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown key(s): ${(issue.keys as string[] | undefined)?.join(', ') ?? ''}`;
    case 'invalid_value':
      return `expected one of ${JSON.stringify(issue.values)}`;
    case 'invalid_format':
      return `invalid format (${String(issue.format)})`;
    default:
      return 'invalid value';
  }
}
