import { createHmac } from 'node:crypto';
import type { ParticipationDeps } from './deps.ts';

// Rate limits of the participant routes, counted in the table (one counter item per window, removed
// by DynamoDB's TTL on `expiresAt`), not in process memory: Lambda runs many short-lived instances,
// and a per-instance counter would let a scanner spread its attempts. Each attempt is one
// conditional update that adds 1 unless the limit is reached, so simultaneous attempts cannot
// slip past it (check-then-record could).

/** Unknown tokens one source may try in one window before its further unknown tokens get 429. */
export const ATTEMPT_LIMIT = 20;
/** Length of a counting window of unknown tokens. */
export const ATTEMPT_WINDOW_SECONDS = 600;
/** Answers of 409 one link may get in one window (DESIGN §5); the next one is 429. */
export const ALREADY_ANSWERED_LIMIT = 10;
/** Length of a counting window of 409 answers: an hour. */
export const ALREADY_ANSWERED_WINDOW_SECONDS = 3600;

/** The address a request came from (API Gateway's `requestContext.http.sourceIp`). */
export type AttemptSource = string;

/**
 * The key an address is counted under: HMAC-SHA-256 with the server's attempt secret. An address
 * is personal data, and an unkeyed hash of an IPv4 address is reversed by trying all 2^32 of them;
 * without the secret a table dump cannot be.
 */
export function sourceKey(secret: string, source: AttemptSource): string {
  return createHmac('sha256', secret).update(source).digest('base64url');
}

function windowOf(now: Date, seconds: number): { window: number; expiresAtSeconds: number } {
  const window = Math.floor(now.getTime() / 1000 / seconds);
  return { window, expiresAtSeconds: (window + 2) * seconds };
}

/**
 * Counts one unknown token from the source: false (answer 429) once the source has tried
 * ATTEMPT_LIMIT in the current window. Needs `deps.attemptSecret`.
 */
export async function countUnknownToken(deps: ParticipationDeps, source: AttemptSource): Promise<boolean> {
  if (!deps.attemptSecret) throw new Error('counting unknown tokens needs the attempt secret');
  const key = sourceKey(await deps.attemptSecret(), source);
  const { window, expiresAtSeconds } = windowOf(deps.clock(), ATTEMPT_WINDOW_SECONDS);
  return deps.store.countAttempt(`ATTEMPT#${key}#${window}`, ATTEMPT_LIMIT, expiresAtSeconds);
}

/**
 * Counts one 409 answer to a link (its token hash): false (answer 429) once the link has had
 * ALREADY_ANSWERED_LIMIT of them in the current hour.
 */
export async function countAlreadyAnswered(deps: ParticipationDeps, linkHash: string): Promise<boolean> {
  const { window, expiresAtSeconds } = windowOf(deps.clock(), ALREADY_ANSWERED_WINDOW_SECONDS);
  return deps.store.countAttempt(`ANSWERED#${linkHash}#${window}`, ALREADY_ANSWERED_LIMIT, expiresAtSeconds);
}
