import { NotFoundError } from '../errors.ts';
import { hashToken, newCode, newToken } from '../ids.ts';
import type { Role } from '../instruments/schema.ts';
import type { Dyad, LinkOwner, TandemStore, Therapist } from '../ports.ts';
import type { Site, Study } from '../study/schema.ts';

/** What every enrolment use case receives: the store, the time, and the origin links are printed with. */
export interface EnrolmentDeps {
  store: TandemStore;
  clock: () => Date;
  /** Public origin of participant links, e.g. `https://tandem.example.org` (no trailing slash needed). */
  publicUrl: string;
}

/** A participant link, shown once: the token itself is never stored. */
export interface IssuedLink {
  url: string;
  token: string;
}

/** The study definition; a store without one is a deployment error, not a user's. */
export async function currentStudy(store: TandemStore): Promise<Study> {
  const study = await store.getStudy();
  if (!study) throw new Error('no study definition is stored; seed one first');
  return study;
}

/** The site as the study defines it, or 404. */
export function siteOf(study: Study, siteId: string): Site {
  const site = study.sites.find((candidate) => candidate.siteId === siteId);
  if (!site) throw new NotFoundError(`There is no site ${siteId}.`);
  return site;
}

/** The dyad, or 404. */
export async function requireDyad(store: TandemStore, siteId: string, dyadId: string): Promise<Dyad> {
  const dyad = await store.getDyad(siteId, dyadId);
  if (!dyad) throw new NotFoundError(`There is no dyad ${dyadId} at site ${siteId}.`);
  return dyad;
}

/** The therapist, or 404. */
export async function requireTherapist(
  store: TandemStore,
  siteId: string,
  therapistId: string,
): Promise<Therapist> {
  const therapist = await store.getTherapist(siteId, therapistId);
  if (!therapist) throw new NotFoundError(`There is no therapist ${therapistId} at site ${siteId}.`);
  return therapist;
}

const MAX_CODE_ATTEMPTS = 20;

/** A fresh pseudonymous code, reserved study-wide before anything uses it (retries on a clash). */
export async function reserveNewCode(store: TandemStore, prefix: 'T' | 'D'): Promise<string> {
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const code = newCode(prefix);
    if (await store.reserveCode(code)) return code;
  }
  throw new Error(`could not reserve a free ${prefix}- code in ${MAX_CODE_ATTEMPTS} attempts`);
}

/** Issues a link for an owner: stores only the token's hash and returns the token and URL once. */
export async function issueLink(
  deps: EnrolmentDeps,
  owner: LinkOwner,
  language: string,
): Promise<IssuedLink & { tokenHash: string }> {
  const token = newToken();
  const tokenHash = hashToken(token);
  await deps.store.putLink({ tokenHash, owner, language, createdAt: deps.clock().toISOString() });
  return { token, tokenHash, url: linkUrl(deps.publicUrl, token) };
}

/** The participant URL of a token. */
export function linkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/s/${token}`;
}

/** The roles a dyad has links for: client and therapist, and interpreter when one takes part. */
export function dyadRoles(dyad: Pick<Dyad, 'interpreter'>): Role[] {
  return dyad.interpreter ? ['client', 'therapist', 'interpreter'] : ['client', 'therapist'];
}

/** Issues a link for one role of a dyad, in the dyad's language. */
export function issueDyadLink(
  deps: EnrolmentDeps,
  dyad: Pick<Dyad, 'siteId' | 'dyadId' | 'therapistId' | 'language'>,
  role: Role,
): Promise<IssuedLink & { tokenHash: string }> {
  const owner: LinkOwner = {
    kind: 'dyad',
    siteId: dyad.siteId,
    dyadId: dyad.dyadId,
    therapistId: dyad.therapistId,
    role,
  };
  return issueLink(deps, owner, dyad.language);
}

/** Links of a dyad as handed out: client and therapist always, interpreter when there is one. */
export interface DyadLinks {
  client: IssuedLink;
  therapist: IssuedLink;
  interpreter?: IssuedLink;
}

/**
 * Issues a fresh link for every role of a dyad and returns them with the hashes to store on the
 * dyad. The links work only once the dyad carries these hashes.
 */
export async function issueDyadLinks(
  deps: EnrolmentDeps,
  dyad: Pick<Dyad, 'siteId' | 'dyadId' | 'therapistId' | 'language' | 'interpreter'>,
): Promise<{ links: DyadLinks; linkHashes: Dyad['linkHashes'] }> {
  const client = await issueDyadLink(deps, dyad, 'client');
  const therapist = await issueDyadLink(deps, dyad, 'therapist');
  const interpreter = dyad.interpreter ? await issueDyadLink(deps, dyad, 'interpreter') : undefined;
  const shown = (link: IssuedLink): IssuedLink => ({ url: link.url, token: link.token });
  const links: DyadLinks = { client: shown(client), therapist: shown(therapist) };
  const linkHashes: Dyad['linkHashes'] = { client: client.tokenHash, therapist: therapist.tokenHash };
  if (interpreter) {
    links.interpreter = shown(interpreter);
    linkHashes.interpreter = interpreter.tokenHash;
  }
  return { links, linkHashes };
}
