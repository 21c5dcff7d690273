import type { Dyad, StoredResponse, TandemStore, Therapist } from '../../shared/ports.ts';

// DESIGN §4: a release never reads the responses of a withdrawn dyad or therapist, whatever the
// store holds. A withdrawal deletes them itself; what can still be found (a submission that crashed
// between its write and its last update while the withdrawal ran) is left out here, and the nightly
// job deletes it. Only counts are ever reported, never content.

/** Whether a response belongs to a participant who has withdrawn: a withdrawn dyad, or the withdrawn therapist's own. */
export function isWithdrawn(
  response: StoredResponse,
  dyads: ReadonlyMap<string, Dyad>,
  therapists: ReadonlyMap<string, Therapist>,
): boolean {
  const dyad = response.dyadId === null ? undefined : dyads.get(response.dyadId);
  if (dyad?.status === 'withdrawn') return true;
  if (response.role !== 'therapist') return false;
  return (
    dyad?.therapistWithdrawn !== undefined || therapists.get(response.therapistId)?.status === 'withdrawn'
  );
}

export interface SiteForRelease {
  dyads: Dyad[];
  /** The site's responses without those of withdrawn participants. */
  responses: StoredResponse[];
  /** Responses of withdrawn participants found at the site (deleted when `sweep`). */
  withdrawn: number;
}

/**
 * A site's dyads and the responses a release may read. With `sweep` (the nightly job) the
 * responses of withdrawn participants that are still stored are deleted; without (an export) they
 * are only left out.
 */
export async function readSiteForRelease(
  store: TandemStore,
  siteId: string,
  options: { sweep: boolean },
): Promise<SiteForRelease> {
  const [dyads, therapists, stored] = await Promise.all([
    store.listDyads(siteId),
    store.listTherapists(siteId),
    store.listSiteResponses(siteId),
  ]);
  const dyadsById = new Map(dyads.map((dyad) => [dyad.dyadId, dyad]));
  const therapistsById = new Map(therapists.map((therapist) => [therapist.therapistId, therapist]));
  const responses: StoredResponse[] = [];
  const withdrawn: StoredResponse[] = [];
  for (const response of stored)
    (isWithdrawn(response, dyadsById, therapistsById) ? withdrawn : responses).push(response);
  if (options.sweep) for (const response of withdrawn) await store.deleteResponse(response);
  return { dyads, responses, withdrawn: withdrawn.length };
}
