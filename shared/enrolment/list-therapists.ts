import type { Therapist } from '../ports.ts';
import { currentStudy, type EnrolmentDeps, siteOf } from './deps.ts';

export interface TherapistView {
  siteId: string;
  therapistId: string;
  enrolledOn: string;
  status: Therapist['status'];
}

export interface TherapistListing extends TherapistView {
  /** Dyads of this therapist that are still active. */
  activeDyads: number;
}

/** A therapist as the API shows it: no link hash. */
export function therapistView(therapist: Therapist): TherapistView {
  const { siteId, therapistId, enrolledOn, status } = therapist;
  return { siteId, therapistId, enrolledOn, status };
}

/** The site's therapists, by code, with their number of active dyads. */
export async function listTherapists(
  deps: Pick<EnrolmentDeps, 'store'>,
  siteId: string,
): Promise<TherapistListing[]> {
  const [study, therapists, dyads] = await Promise.all([
    currentStudy(deps.store),
    deps.store.listTherapists(siteId),
    deps.store.listDyads(siteId),
  ]);
  siteOf(study, siteId);
  return therapists.map((therapist) => ({
    ...therapistView(therapist),
    activeDyads: dyads.filter((d) => d.therapistId === therapist.therapistId && d.status === 'active').length,
  }));
}
