import { audit } from '../audit.ts';
import { ConflictError, GoneError, ValidationError } from '../errors.ts';
import type { Dyad } from '../ports.ts';
import { type EnrolmentDeps, requireDyad } from './deps.ts';

export interface EndDyadInput {
  actor: string;
  siteId: string;
  dyadId: string;
  /** The dyad's final session; questionnaires scheduled for `last` are due from now on. */
  lastSession: number;
}

/** Ends an active dyad at its last session; ending it again with the same session changes nothing. */
export async function endDyad(deps: EnrolmentDeps, input: EndDyadInput): Promise<Dyad> {
  const dyad = await requireDyad(deps.store, input.siteId, input.dyadId);
  if (dyad.status === 'withdrawn') throw new GoneError(`Dyad ${dyad.dyadId} has withdrawn.`);
  if (dyad.status === 'ended') {
    if (dyad.lastSession === input.lastSession) return dyad;
    throw new ConflictError(`Dyad ${dyad.dyadId} has already ended at session ${dyad.lastSession}.`);
  }
  if (input.lastSession < dyad.currentSession) {
    throw new ValidationError('The last session is before a session already reported.', {
      details: [
        {
          path: 'lastSession',
          message: `must be at least ${dyad.currentSession}, the highest session reported`,
          received: input.lastSession,
        },
      ],
    });
  }
  const ended: Dyad = { ...dyad, status: 'ended', lastSession: input.lastSession };
  await deps.store.updateDyad(dyad.siteId, dyad.dyadId, { status: 'ended', lastSession: input.lastSession });
  await audit(deps, {
    actor: input.actor,
    action: 'dyad.end',
    siteId: dyad.siteId,
    target: dyad.dyadId,
    detail: { lastSession: input.lastSession },
  });
  return ended;
}
