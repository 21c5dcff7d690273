import { TandemError } from '../errors.ts';
import type { TandemStore } from '../ports.ts';

/** What every participation use case receives: the store and the time. */
export interface ParticipationDeps {
  store: TandemStore;
  clock: () => Date;
}

/** Answers arrive before the link's owner has agreed to the current consent version. */
export class ConsentRequiredError extends TandemError {
  readonly status = 403;
  readonly code = 'consent_required';
}
