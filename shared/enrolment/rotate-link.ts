import { audit } from '../audit.ts';
import { GoneError, ValidationError } from '../errors.ts';
import type { Role } from '../instruments/schema.ts';
import {
  dyadRoles,
  type EnrolmentDeps,
  type IssuedLink,
  issueDyadLink,
  issueLink,
  requireDyad,
  requireTherapist,
} from './deps.ts';

export interface RotateLinkInput {
  actor: string;
  siteId: string;
  dyadId: string;
  role: Role;
}

/**
 * Replaces one role's link of a dyad. The old link stops at once, because a link works only while
 * its hash is the one the dyad holds for that role.
 */
export async function rotateLink(deps: EnrolmentDeps, input: RotateLinkInput): Promise<{ link: IssuedLink }> {
  const dyad = await requireDyad(deps.store, input.siteId, input.dyadId);
  if (dyad.status === 'withdrawn') throw new GoneError(`Dyad ${dyad.dyadId} has withdrawn.`);
  if (!dyadRoles(dyad).includes(input.role)) {
    throw new ValidationError('This dyad has no such role.', {
      details: [
        { path: 'role', message: `expected one of ${JSON.stringify(dyadRoles(dyad))}`, received: input.role },
      ],
    });
  }
  const link = await issueDyadLink(deps, dyad, input.role);
  // Only this role's hash changes: a session a participant notes meanwhile is kept.
  await deps.store.updateDyad(dyad.siteId, dyad.dyadId, { linkHashes: { [input.role]: link.tokenHash } });
  await audit(deps, {
    actor: input.actor,
    action: 'dyad.link.rotate',
    siteId: dyad.siteId,
    target: dyad.dyadId,
    detail: { role: input.role },
  });
  return { link: { url: link.url, token: link.token } };
}

export interface RotateTherapistLinkInput {
  actor: string;
  siteId: string;
  therapistId: string;
}

/** Replaces a therapist's own link (therapist-level questionnaires); the old one stops at once. */
export async function rotateTherapistLink(
  deps: EnrolmentDeps,
  input: RotateTherapistLinkInput,
): Promise<{ link: IssuedLink }> {
  const therapist = await requireTherapist(deps.store, input.siteId, input.therapistId);
  if (therapist.status === 'withdrawn')
    throw new GoneError(`Therapist ${therapist.therapistId} has withdrawn.`);
  const study = await deps.store.getStudy();
  const previous = therapist.linkHash ? await deps.store.getLink(therapist.linkHash) : undefined;
  const language = previous?.language ?? study?.defaultLanguage ?? 'en';
  const link = await issueLink(
    deps,
    { kind: 'therapist', siteId: therapist.siteId, therapistId: therapist.therapistId, role: 'therapist' },
    language,
  );
  await deps.store.putTherapist({ ...therapist, linkHash: link.tokenHash });
  await audit(deps, {
    actor: input.actor,
    action: 'therapist.link.rotate',
    siteId: therapist.siteId,
    target: therapist.therapistId,
  });
  return { link: { url: link.url, token: link.token } };
}
