import { audit } from '../audit.ts';
import { withdrawDyad as eraseDyad } from '../participation/withdraw.ts';
import type { Dyad } from '../ports.ts';
import { type EnrolmentDeps, requireDyad } from './deps.ts';

export interface WithdrawDyadInput {
  actor: string;
  siteId: string;
  dyadId: string;
}

/**
 * Withdraws a dyad on the coordinator's word: the same as the client's own withdrawal (every
 * response and consent of the dyad deleted, links kept as tombstones that answer 410). Withdrawing
 * again completes a withdrawal a crash interrupted.
 */
export async function withdrawDyad(deps: EnrolmentDeps, input: WithdrawDyadInput): Promise<Dyad> {
  const dyad = await requireDyad(deps.store, input.siteId, input.dyadId);
  const { responsesDeleted } = await eraseDyad(deps, dyad);
  await audit(deps, {
    actor: input.actor,
    action: 'dyad.withdraw',
    siteId: dyad.siteId,
    target: dyad.dyadId,
    detail: { responsesDeleted },
  });
  return { ...dyad, status: 'withdrawn' };
}
