import { hashToken, TOKEN_PATTERN } from '../ids.ts';
import type { InstrumentDefinition, Role } from '../instruments/schema.ts';
import { type Dyad, type Link, ownerKeyOf, type Therapist } from '../ports.ts';
import { studyInstruments } from '../study/instruments.ts';
import type { Study } from '../study/schema.ts';
import { type AttemptSource, countUnknownToken } from './attempts.ts';
import { hasCurrentConsentCopy } from './consent.ts';
import type { ParticipationDeps } from './deps.ts';

/** The owner of an open link: one role of a dyad, or a therapist (therapist-level instruments). */
export type Participant =
  | { kind: 'dyad'; role: Role; ownerKey: string; siteId: string; therapistId: string; dyad: Dyad }
  | {
      kind: 'therapist';
      role: 'therapist';
      ownerKey: string;
      siteId: string;
      therapistId: string;
      therapist: Therapist;
    };

/** A link that works: who it belongs to, and the study it belongs to. */
export interface OpenLink {
  link: Link;
  participant: Participant;
  study: Study;
  instruments: Map<string, InstrumentDefinition>;
}

export type OpenLinkResult =
  | ({ outcome: 'open' } & OpenLink)
  /** Unknown, malformed or rotated (not the owner's current link). */
  | { outcome: 'not_found' }
  /** The owner has withdrawn; the link is a tombstone. */
  | { outcome: 'gone' }
  /** Too many unknown tokens from this source lately. */
  | { outcome: 'too_many_attempts' };

/**
 * Resolves a participant token: its owner when the link is the owner's current one, `gone` after
 * withdrawal, `not_found` otherwise. With a `source`, unknown tokens are counted against it, and
 * once it has tried too many, further unknown tokens get `too_many_attempts`; a working link is
 * never refused, whoever else shares the address.
 */
export async function openLink(
  deps: ParticipationDeps,
  input: { token: string; source?: AttemptSource },
): Promise<OpenLinkResult> {
  const { store } = deps;
  // Counted only after the lookup failed: a clinic's Wi-Fi or a carrier's NAT puts many
  // participants behind one address, and one scanner among them must not lock them out.
  const notFound = async (): Promise<OpenLinkResult> => {
    if (!input.source) return { outcome: 'not_found' };
    return (await countUnknownToken(deps, input.source))
      ? { outcome: 'not_found' }
      : { outcome: 'too_many_attempts' };
  };
  if (!TOKEN_PATTERN.test(input.token)) return notFound();
  const tokenHash = hashToken(input.token);
  const readStudy = async (): Promise<Study> => {
    const study = await (deps.study ? deps.study() : store.getStudy());
    if (!study) throw new Error('no study definition is stored; seed one first');
    return study;
  };
  const opened = (link: Link, participant: Participant, study: Study): OpenLinkResult => {
    deps.links?.keep(link);
    return { outcome: 'open', link, participant, study, instruments: studyInstruments(study) };
  };

  const kept = deps.links?.get(tokenHash);
  if (kept) {
    // The owner is read afresh: withdrawal of a client or therapist, and rotation, show there.
    const participant = await ownerOf(deps, kept);
    if (participant === 'gone') return { outcome: 'gone' };
    const study = await readStudy();
    // Every withdrawal takes the role's consent copy away before it marks the link, so while the
    // copy is current the kept link cannot have been withdrawn since it was read.
    if (participant && hasCurrentConsentCopy(participant, study)) return opened(kept, participant, study);
    deps.links?.forget(tokenHash);
    const fresh = await store.getLink(tokenHash);
    if (!fresh) return notFound();
    if (fresh.withdrawn) return { outcome: 'gone' };
    // The owner read above still holds: a link's owner never changes.
    return participant ? opened(fresh, participant, study) : notFound();
  }

  const link = await store.getLink(tokenHash);
  if (!link) return notFound();
  if (link.withdrawn) return { outcome: 'gone' };
  const participant = await ownerOf(deps, link);
  if (participant === 'gone') return { outcome: 'gone' };
  if (!participant) return notFound();
  return opened(link, participant, await readStudy());
}

async function ownerOf(deps: ParticipationDeps, link: Link): Promise<Participant | 'gone' | undefined> {
  const { owner } = link;
  if (owner.kind === 'therapist') {
    const therapist = await deps.store.getTherapist(owner.siteId, owner.therapistId);
    if (!therapist) return undefined;
    if (therapist.status === 'withdrawn') return 'gone';
    if (therapist.linkHash !== link.tokenHash) return undefined;
    return {
      kind: 'therapist',
      role: 'therapist',
      ownerKey: ownerKeyOf({ therapistId: therapist.therapistId }),
      siteId: owner.siteId,
      therapistId: owner.therapistId,
      therapist,
    };
  }
  const dyad = await deps.store.getDyad(owner.siteId, owner.dyadId);
  if (!dyad) return undefined;
  // A client's withdrawal withdraws the dyad; a therapist's marks their role gone on each of their
  // dyads (withdraw.ts), so the dyad alone tells, and a submission's one update can check it.
  if (dyad.status === 'withdrawn' || (owner.role === 'therapist' && dyad.therapistWithdrawn !== undefined))
    return 'gone';
  if (dyad.linkHashes[owner.role] !== link.tokenHash) return undefined;
  return {
    kind: 'dyad',
    role: owner.role,
    ownerKey: ownerKeyOf({ dyadId: dyad.dyadId }),
    siteId: owner.siteId,
    therapistId: dyad.therapistId,
    dyad,
  };
}
