import { TandemError } from '../errors.ts';
import type { TandemStore } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import type { LinkCache } from './link-cache.ts';

/** What every participation use case receives: the store and the time. */
export interface ParticipationDeps {
  store: TandemStore;
  clock: () => Date;
  /** Where the study definition comes from when not from `store.getStudy()` (a cache, see study-cache.ts). */
  study?: () => Promise<Study | undefined>;
  /** Links this process has opened before (see link-cache.ts); every link is read when absent. */
  links?: LinkCache;
  /** The server secret that keys the hash of an address counted for unknown tokens (attempts.ts). */
  attemptSecret?: () => Promise<string>;
}

/** Answers arrive before the link's owner has agreed to the current consent version. */
export class ConsentRequiredError extends TandemError {
  readonly status = 403;
  readonly code = 'consent_required';
}

/** Another submission already answered this instrument and session (DESIGN §5); its answers are never compared. */
export class AlreadyAnsweredError extends TandemError {
  readonly status = 409;
  readonly code = 'already_answered';
}
