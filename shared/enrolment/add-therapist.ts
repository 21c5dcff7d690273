import { audit } from '../audit.ts';
import { isoDateIn, siteTimeZone } from '../dates.ts';
import { ValidationError } from '../errors.ts';
import type { Therapist } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import {
  currentStudy,
  type EnrolmentDeps,
  type IssuedLink,
  issueLink,
  reserveNewCode,
  siteOf,
} from './deps.ts';

export interface AddTherapistInput {
  actor: string;
  siteId: string;
  /** Language of the therapist's own pages; the study's default when omitted. */
  language?: string | undefined;
}

/** Checks that a language is one the study offers (400 naming the field otherwise). */
export function requireStudyLanguage(study: Study, language: string, path = 'language'): void {
  if (!study.languages.includes(language)) {
    throw new ValidationError('The language is not one of the study’s.', {
      details: [{ path, message: `expected one of ${JSON.stringify(study.languages)}`, received: language }],
    });
  }
}

/**
 * Adds a therapist under a fresh `T-` code (reserved first) and issues their link for
 * therapist-level questionnaires; the link is returned here and never again.
 */
export async function addTherapist(
  deps: EnrolmentDeps,
  input: AddTherapistInput,
): Promise<{ therapist: Therapist; link: IssuedLink }> {
  const study = await currentStudy(deps.store);
  const site = siteOf(study, input.siteId);
  const language = input.language ?? study.defaultLanguage;
  requireStudyLanguage(study, language);

  const therapistId = await reserveNewCode(deps.store, 'T');
  // Link before therapist: a crash in between leaves an unreachable link item, never a therapist
  // whose link was not stored.
  const link = await issueLink(
    deps,
    { kind: 'therapist', siteId: site.siteId, therapistId, role: 'therapist' },
    language,
  );
  const therapist: Therapist = {
    siteId: site.siteId,
    therapistId,
    enrolledOn: isoDateIn(siteTimeZone(study, site.siteId), deps.clock()),
    status: 'active',
    linkHash: link.tokenHash,
  };
  await deps.store.putTherapist(therapist);
  await audit(deps, {
    actor: input.actor,
    action: 'therapist.add',
    siteId: site.siteId,
    target: therapistId,
  });
  return { therapist, link: { url: link.url, token: link.token } };
}
