import { audit } from '../audit.ts';
import { isoDateIn, siteTimeZone } from '../dates.ts';
import { ValidationError } from '../errors.ts';
import type { Dyad, Modality } from '../ports.ts';
import { requireStudyLanguage } from './add-therapist.ts';
import {
  currentStudy,
  type DyadLinks,
  type EnrolmentDeps,
  issueDyadLinks,
  reserveNewCode,
  siteOf,
} from './deps.ts';

export interface EnrolDyadInput {
  actor: string;
  siteId: string;
  therapistId: string;
  modality: Modality;
  interpreter: boolean;
  language: string;
}

/**
 * Enrols a dyad under a fresh `D-` code with links for each of its roles, returned here once.
 * Write order: code, links, then the dyad, so a crash leaves nothing a user can see.
 */
export async function enrolDyad(
  deps: EnrolmentDeps,
  input: EnrolDyadInput,
): Promise<{ dyad: Dyad; links: DyadLinks }> {
  const study = await currentStudy(deps.store);
  const site = siteOf(study, input.siteId);
  requireStudyLanguage(study, input.language);
  const therapist = await deps.store.getTherapist(site.siteId, input.therapistId);
  if (therapist?.status !== 'active') {
    throw new ValidationError('The therapist is not an active therapist of this site.', {
      details: [
        {
          path: 'therapistId',
          message: `no active therapist with this code at ${site.siteId}`,
          received: input.therapistId,
        },
      ],
    });
  }

  const dyadId = await reserveNewCode(deps.store, 'D');
  const base = {
    siteId: site.siteId,
    dyadId,
    therapistId: therapist.therapistId,
    modality: input.modality,
    interpreter: input.interpreter,
    language: input.language,
  };
  const { links, linkHashes } = await issueDyadLinks(deps, base);
  const dyad: Dyad = {
    ...base,
    enrolledOn: isoDateIn(siteTimeZone(study, site.siteId), deps.clock()),
    status: 'active',
    currentSession: 0,
    sessionDates: {},
    linkHashes,
  };
  await deps.store.putDyad(dyad);
  await audit(deps, {
    actor: input.actor,
    action: 'dyad.enrol',
    siteId: site.siteId,
    target: dyadId,
    detail: { therapistId: dyad.therapistId, modality: dyad.modality, interpreter: dyad.interpreter },
  });
  return { dyad, links };
}
