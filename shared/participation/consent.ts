import { isoDateIn, siteTimeZone } from '../dates.ts';
import { ValidationError } from '../errors.ts';
import type { OwnerRef } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import type { ParticipationDeps } from './deps.ts';
import type { OpenLink, Participant } from './open-link.ts';

export type ConsentVersion = Study['consent'][number];

/** The consent version participants agree to now: the highest. */
export function currentConsent(study: Study): ConsentVersion {
  return study.consent.reduce((latest, version) => (version.version > latest.version ? version : latest));
}

/** The owner's item of an open link: where the copy of its consent versions lives. */
function ownerOf(open: OpenLink): OwnerRef {
  const { participant } = open;
  return participant.kind === 'dyad'
    ? { siteId: participant.siteId, dyadId: participant.dyad.dyadId }
    : { siteId: participant.siteId, therapistId: participant.therapistId };
}

/** Whether the participant's owner item carries a copy of their agreement to the study's current consent version. */
export function hasCurrentConsentCopy(participant: Participant, study: Study): boolean {
  const owner = participant.kind === 'dyad' ? participant.dyad : participant.therapist;
  return owner.consentVersions?.[participant.role] === currentConsent(study).version;
}

/**
 * Where the owner's agreement to the current version is found: in the copy on the dyad or
 * therapist item opened with the link (no read), in a consent item only (no copy yet: recorded
 * before copies existed, or a crash came between the two writes), or nowhere.
 */
async function consentState(
  deps: ParticipationDeps,
  open: OpenLink,
): Promise<'copied' | 'recorded' | 'missing'> {
  const { participant } = open;
  const { version } = currentConsent(open.study);
  if (hasCurrentConsentCopy(participant, open.study)) return 'copied';
  const consents = await deps.store.listConsents(participant.ownerKey);
  return consents.some((consent) => consent.role === participant.role && consent.version === version)
    ? 'recorded'
    : 'missing';
}

/** Whether the link's owner still has to agree to the current consent version (first visit, or a new version). */
export async function needsConsent(deps: ParticipationDeps, open: OpenLink): Promise<boolean> {
  return (await consentState(deps, open)) === 'missing';
}

/**
 * Records agreement to the current consent version (version, language, date in the site's time
 * zone), then copies the version onto the owner's item. Agreeing again changes nothing but a
 * missing copy; an outdated version is refused with its path.
 */
export async function recordConsent(
  deps: ParticipationDeps,
  open: OpenLink,
  input: { version: number; language: string },
): Promise<{ outcome: 'recorded' | 'already_recorded'; version: number }> {
  const { version } = currentConsent(open.study);
  if (input.version !== version) {
    throw new ValidationError('This is not the current consent text.', {
      details: [
        {
          path: 'version',
          message: `must be the current consent version ${version}`,
          received: input.version,
        },
      ],
    });
  }
  const state = await consentState(deps, open);
  if (state === 'copied') return { outcome: 'already_recorded', version };
  const { participant, study } = open;
  if (state === 'missing') {
    // The consent item first: it is the record, and a crash before the copy only costs a query later.
    await deps.store.putConsent({
      ownerKey: participant.ownerKey,
      role: participant.role,
      version,
      language: input.language,
      consentedOn: isoDateIn(siteTimeZone(study, participant.siteId), deps.clock()),
    });
  }
  await deps.store.noteConsentVersion(ownerOf(open), participant.role, version);
  return { outcome: state === 'missing' ? 'recorded' : 'already_recorded', version };
}
