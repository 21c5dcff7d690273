import { audit } from '../audit.ts';
import { NotFoundError } from '../errors.ts';
import type { SafetyFollowUp } from '../ports.ts';
import { type EnrolmentDeps, requireDyad } from './deps.ts';

export interface CloseFollowUpInput {
  actor: string;
  siteId: string;
  dyadId: string;
  followUpId: string;
}

/**
 * Closes a dyad's safety follow-up (DESIGN §6), recording who closed it and when, with an audit
 * event; withdrawn dyads' follow-ups too. Closing one already closed changes nothing and returns it
 * as first closed. 404 for an unknown dyad or follow-up.
 */
export async function closeSafetyFollowUp(
  deps: EnrolmentDeps,
  input: CloseFollowUpInput,
): Promise<SafetyFollowUp> {
  const find = async (): Promise<SafetyFollowUp> => {
    const dyad = await requireDyad(deps.store, input.siteId, input.dyadId);
    const followUp = dyad.safetyFollowUps?.find((candidate) => candidate.id === input.followUpId);
    if (!followUp)
      throw new NotFoundError(`Dyad ${input.dyadId} has no safety follow-up ${input.followUpId}.`);
    return followUp;
  };
  const followUp = await find();
  if (followUp.closedAt !== undefined) return followUp;
  const closure = { closedAt: deps.clock().toISOString(), closedBy: input.actor };
  const closed = await deps.store.closeSafetyFollowUp(input.siteId, input.dyadId, input.followUpId, closure);
  // Refused only when someone else closed it meanwhile: theirs is the closure on record.
  if (!closed) return find();
  await audit(deps, {
    actor: input.actor,
    action: 'dyad.follow-up.close',
    siteId: input.siteId,
    target: input.dyadId,
    detail: { followUp: input.followUpId, role: followUp.role, openedOn: followUp.openedOn },
  });
  return { ...followUp, ...closure };
}
