import { audit } from '../audit.ts';
import { GoneError } from '../errors.ts';
import type { Dyad } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import { currentStudy, type DyadLinks, type EnrolmentDeps, issueDyadLinks, requireDyad } from './deps.ts';

export interface MakeCardInput {
  actor: string;
  siteId: string;
  dyadId: string;
}

/**
 * Issues fresh links for every role of a dyad for its printed card (the previous ones stop at once;
 * tokens are never stored, so a reprint is a new card). Rendering the card is the caller's.
 */
export async function makeCard(
  deps: EnrolmentDeps,
  input: MakeCardInput,
): Promise<{ study: Study; dyad: Dyad; links: DyadLinks }> {
  const study = await currentStudy(deps.store);
  const dyad = await requireDyad(deps.store, input.siteId, input.dyadId);
  if (dyad.status === 'withdrawn') throw new GoneError(`Dyad ${dyad.dyadId} has withdrawn.`);
  const { links, linkHashes } = await issueDyadLinks(deps, dyad);
  // Only the link hashes change: a session a participant notes meanwhile is kept.
  await deps.store.updateDyad(dyad.siteId, dyad.dyadId, { linkHashes });
  const updated: Dyad = { ...dyad, linkHashes: { ...dyad.linkHashes, ...linkHashes } };
  await audit(deps, { actor: input.actor, action: 'dyad.card', siteId: dyad.siteId, target: dyad.dyadId });
  return { study, dyad: updated, links };
}
