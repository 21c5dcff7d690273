import { createHash } from 'node:crypto';
import type { ParticipationDeps } from './deps.ts';

// Rate limiting of wrong tokens. Tokens carry 144 random bits, so guessing one is hopeless; the limit
// keeps scanners from costing reads and filling logs. Counts live in the table (one small item per
// failed attempt, removed by DynamoDB's TTL on `expiresAt`), not in process memory: Lambda runs many
// short-lived instances, and a per-instance counter would let a scanner spread its attempts.
// Only unknown tokens are checked and counted: a working link costs no count and is never refused.

/** Unknown tokens one source may try in one window before its further unknown tokens get 429. */
export const ATTEMPT_LIMIT = 20;
/** Length of a counting window. */
export const ATTEMPT_WINDOW_SECONDS = 600;

/** The address a request came from (API Gateway's `requestContext.http.sourceIp`). */
export type AttemptSource = string;

/** Sources are stored only as a hash: an address is personal data. */
const sourceKey = (source: AttemptSource): string =>
  createHash('sha256').update(`tandem-attempts:${source}`).digest('hex').slice(0, 32);

function windowOf(now: Date): { window: string; expiresAtSeconds: number } {
  const index = Math.floor(now.getTime() / 1000 / ATTEMPT_WINDOW_SECONDS);
  return { window: String(index), expiresAtSeconds: (index + 2) * ATTEMPT_WINDOW_SECONDS };
}

/** Whether the source has used up its unknown-token attempts in the current window. */
export async function isBlocked(deps: ParticipationDeps, source: AttemptSource): Promise<boolean> {
  const { window } = windowOf(deps.clock());
  return (await deps.store.countLinkFailures(sourceKey(source), window, ATTEMPT_LIMIT)) >= ATTEMPT_LIMIT;
}

/** Counts one unknown token from the source. */
export async function recordFailedAttempt(deps: ParticipationDeps, source: AttemptSource): Promise<void> {
  const { window, expiresAtSeconds } = windowOf(deps.clock());
  await deps.store.recordLinkFailure(sourceKey(source), window, expiresAtSeconds);
}
