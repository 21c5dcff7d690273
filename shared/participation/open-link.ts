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

/**
 * Why a link answers 410: its holder withdrew, or the dyad did (the client's withdrawal, or the
 * coordinator's) while this therapist's or interpreter's link was still theirs to use.
 */
export type GoneReason = 'withdrawn' | 'dyad_withdrawn';

type Owner = Participant | { gone: GoneReason } | undefined;

export type OpenLinkResult =
  | ({ outcome: 'open' } & OpenLink)
  /** Unknown, malformed or rotated (not the owner's current link). */
  | { outcome: 'not_found' }
  /** The owner has withdrawn (or, for its therapist and interpreter, the dyad); 410. */
  | { outcome: 'gone'; reason: GoneReason }
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
    if (participant && 'gone' in participant) return { outcome: 'gone', reason: participant.gone };
    const study = await readStudy();
    // Every withdrawal takes the role's consent copy away before it marks the link, so while the
    // copy is current the kept link cannot have been withdrawn since it was read.
    if (participant && hasCurrentConsentCopy(participant, study)) return opened(kept, participant, study);
    deps.links?.forget(tokenHash);
    const fresh = await store.getLink(tokenHash);
    if (!fresh) return notFound();
    if (fresh.withdrawn) return { outcome: 'gone', reason: await goneReason(deps, fresh) };
    // The owner read above still holds: a link's owner never changes.
    return participant ? opened(fresh, participant, study) : notFound();
  }

  const link = await store.getLink(tokenHash);
  if (!link) return notFound();
  if (link.withdrawn) return { outcome: 'gone', reason: await goneReason(deps, link) };
  const participant = await ownerOf(deps, link);
  if (participant && 'gone' in participant) return { outcome: 'gone', reason: participant.gone };
  if (!participant) return notFound();
  return opened(link, participant, await readStudy());
}

/** Why a tombstoned link is gone: only its owner's items tell whose withdrawal it was (rare path). */
async function goneReason(deps: ParticipationDeps, link: Link): Promise<GoneReason> {
  if (link.owner.kind !== 'dyad' || link.owner.role === 'client') return 'withdrawn';
  const owner = await ownerOf(deps, link);
  return owner && 'gone' in owner ? owner.gone : 'withdrawn';
}

async function ownerOf(deps: ParticipationDeps, link: Link): Promise<Owner> {
  const { owner } = link;
  if (owner.kind === 'therapist') {
    const therapist = await deps.store.getTherapist(owner.siteId, owner.therapistId);
    if (!therapist) return undefined;
    if (therapist.status === 'withdrawn') return { gone: 'withdrawn' };
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
  if (owner.role === 'therapist' && dyad.therapistWithdrawn !== undefined) return { gone: 'withdrawn' };
  if (dyad.status === 'withdrawn') return { gone: owner.role === 'client' ? 'withdrawn' : 'dyad_withdrawn' };
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
