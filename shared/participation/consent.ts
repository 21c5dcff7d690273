import { isoDateIn } from '../enrolment/deps.ts';
import { ValidationError } from '../errors.ts';
import type { Study } from '../study/schema.ts';
import type { ParticipationDeps } from './deps.ts';
import { timezoneOfSite } from './due.ts';
import type { OpenLink } from './open-link.ts';

export type ConsentVersion = Study['consent'][number];

/** The consent version participants agree to now: the highest. */
export function currentConsent(study: Study): ConsentVersion {
  return study.consent.reduce((latest, version) => (version.version > latest.version ? version : latest));
}

/** Whether the link's owner still has to agree to the current consent version (first visit, or a new version). */
export async function needsConsent(deps: ParticipationDeps, open: OpenLink): Promise<boolean> {
  const { version } = currentConsent(open.study);
  const consents = await deps.store.listConsents(open.participant.ownerKey);
  return !consents.some((consent) => consent.role === open.participant.role && consent.version === version);
}

/**
 * Records agreement to the current consent version (version, language, date in the site's time
 * zone). Agreeing again changes nothing; an outdated version is refused with its path.
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
  if (!(await needsConsent(deps, open))) return { outcome: 'already_recorded', version };
  const { participant, study } = open;
  await deps.store.putConsent({
    ownerKey: participant.ownerKey,
    role: participant.role,
    version,
    language: input.language,
    consentedOn: isoDateIn(timezoneOfSite(study, participant.siteId), deps.clock()),
  });
  return { outcome: 'recorded', version };
}
