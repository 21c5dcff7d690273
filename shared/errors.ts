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
  readonly code: string = 'withdrawn';
}

/** A therapist's or interpreter's link after the dyad withdrew: nothing more to answer, nothing of theirs was asked. */
export class DyadWithdrawnError extends GoneError {
  override readonly code = 'dyad_ended';
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

/** A zod issue as detailsFromIssues reads it; a union's issue carries each option's own issues. */
type Issue = { path: PropertyKey[]; message: string; code?: string; input?: unknown; errors?: unknown };

/** Turns zod issues into details with dotted paths and the value received. */
export function detailsFromIssues(issues: ReadonlyArray<Issue>, prefix: string[] = []): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path.map(String)];
    const option = issue.code === 'invalid_union' ? closestOption(issue.errors) : undefined;
    if (option) return detailsFromIssues(option, at);
    const detail: ErrorDetail = { path: at.join('.') || '(root)', message: describeIssue(issue) };
    if (issue.input !== undefined && typeof issue.input !== 'object') detail.received = issue.input;
    return [detail];
  });
}

/**
 * The issues of the union option the value came closest to: the one that fails on values given
 * rather than on keys missing, then the one with fewest issues (`{"every": "week"}` is a monthly
 * entry with a bad `every`, not a session entry without `sessions`).
 */
function closestOption(errors: unknown): Issue[] | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const options = errors as Issue[][];
  const missing = (option: Issue[]) =>
    option.filter((issue) => issue.code === 'invalid_type' && issue.input === undefined).length;
  return [...options].sort((a, b) => missing(a) - missing(b) || a.length - b.length)[0];
}

function describeIssue(issue: { message: string; code?: string } & Record<string, unknown>): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'too_small':
      return issue.inclusive === false
        ? `must be greater than ${String(issue.minimum)}`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      return `expected ${String(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown key(s): ${(issue.keys as string[] | undefined)?.join(', ') ?? ''}`;
    case 'invalid_value': {
      const values = Array.isArray(issue.values) ? issue.values : [];
      return values.length === 1
        ? `expected ${JSON.stringify(values[0])}`
        : `expected one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
    }
    case 'invalid_format':
      return `invalid format (${String(issue.format)})`;
    default:
      return 'invalid value';
  }
}
