import type { Role } from '../instruments/schema.ts';
import { type Dyad, type OwnerRef, ownerKeyOf, type TandemStore } from '../ports.ts';
import type { ParticipationDeps } from './deps.ts';
import type { OpenLink } from './open-link.ts';

// Withdrawal, DESIGN §4. Each step is idempotent and the mark comes first: from then on the links
// answer 410 and nothing new is accepted, so a crash part-way leaves a withdrawal that a rerun (or
// the coordinator's withdraw) completes, never answers accepted after withdrawal. The mark sits on
// the item a submission's last update checks (submit.ts): a submission that wrote before the mark
// is in the listing that follows it (a strongly consistent query), and one whose update comes
// after the mark fails it and deletes its own response.

export type WithdrawalScope = 'dyad' | 'therapist' | 'interpreter';

/** Deletes the responses and consents of an owner (optionally only one role's), returning how many responses went. */
async function eraseOwner(store: TandemStore, owner: OwnerRef, role?: Role): Promise<number> {
  const ownerKey = ownerKeyOf(owner);
  const responses = (await store.listResponses(ownerKey)).filter(
    (r) => role === undefined || r.role === role,
  );
  for (const response of responses) await store.deleteResponse(response);
  const consents = (await store.listConsents(ownerKey)).filter(
    (consent) => role === undefined || consent.role === role,
  );
  // The copies on the owner's item first: a crash after them leaves consent items a rerun deletes,
  // never a copy that claims a consent no longer on record (a new interpreter would skip consent).
  for (const copied of new Set(consents.map((consent) => consent.role)))
    await store.noteConsentVersion(owner, copied, undefined);
  for (const consent of consents) await store.deleteConsent(consent);
  return responses.length;
}

/** Turns a link into a tombstone that answers 410. */
async function tombstone(store: TandemStore, tokenHash: string | undefined): Promise<void> {
  if (tokenHash === undefined) return;
  const link = await store.getLink(tokenHash);
  if (link && !link.withdrawn) await store.putLink({ ...link, withdrawn: true });
}

/** A client's withdrawal: the dyad is withdrawn, and every response and consent of the dyad deleted. */
export async function withdrawDyad(
  deps: ParticipationDeps,
  dyad: Dyad,
): Promise<{ responsesDeleted: number }> {
  const { store } = deps;
  const current = (await store.getDyad(dyad.siteId, dyad.dyadId)) ?? dyad;
  // The status alone, so a session or consent copy written meanwhile is not overwritten.
  if (current.status !== 'withdrawn')
    await store.updateDyad(dyad.siteId, dyad.dyadId, { status: 'withdrawn' });
  const responsesDeleted = await eraseOwner(store, { siteId: dyad.siteId, dyadId: dyad.dyadId });
  for (const hash of Object.values(current.linkHashes)) await tombstone(store, hash);
  return { responsesDeleted };
}

/** A therapist's withdrawal: their own responses in every dyad and their therapist-level ones are deleted. */
export async function withdrawTherapist(
  deps: ParticipationDeps,
  siteId: string,
  therapistId: string,
): Promise<{ responsesDeleted: number }> {
  const { store } = deps;
  const therapist = await store.getTherapist(siteId, therapistId);
  if (therapist && therapist.status !== 'withdrawn')
    await store.putTherapist({ ...therapist, status: 'withdrawn' });
  const dyads = (await store.listDyads(siteId)).filter((dyad) => dyad.therapistId === therapistId);
  // Every mark before any listing: the therapist's ratings in a dyad are checked against the dyad.
  const today = deps.clock().toISOString().slice(0, 10);
  for (const dyad of dyads)
    if (dyad.therapistWithdrawn === undefined)
      await store.updateDyad(siteId, dyad.dyadId, { therapistWithdrawn: today });
  let responsesDeleted = await eraseOwner(store, { siteId, therapistId });
  await tombstone(store, therapist?.linkHash);
  for (const dyad of dyads) {
    responsesDeleted += await eraseOwner(store, { siteId, dyadId: dyad.dyadId }, 'therapist');
    await tombstone(store, dyad.linkHashes.therapist);
  }
  return { responsesDeleted };
}

/** An interpreter's withdrawal: their responses and consent in the dyad are deleted and their link retired. */
export async function withdrawInterpreter(
  deps: ParticipationDeps,
  dyad: Dyad,
): Promise<{ responsesDeleted: number }> {
  const owner = { siteId: dyad.siteId, dyadId: dyad.dyadId };
  // The consent copy before the tombstone: a process that keeps the link trusts it only while the
  // copy is there (link-cache.ts), and the dyad itself stays active. Then the link is retired from
  // the dyad (the mark a submission's update checks; a new interpreter gets a new link), and only
  // then are the responses listed.
  await deps.store.noteConsentVersion(owner, 'interpreter', undefined);
  await tombstone(deps.store, dyad.linkHashes.interpreter);
  if (dyad.linkHashes.interpreter !== undefined)
    await deps.store.updateDyad(dyad.siteId, dyad.dyadId, { retireLink: 'interpreter' });
  const responsesDeleted = await eraseOwner(deps.store, owner, 'interpreter');
  return { responsesDeleted };
}

/** Withdraws the owner of an open link, with the scope DESIGN §4 gives their role. */
export async function withdraw(
  deps: ParticipationDeps,
  open: OpenLink,
): Promise<{ scope: WithdrawalScope; responsesDeleted: number }> {
  const { participant } = open;
  if (participant.kind === 'therapist' || participant.role === 'therapist') {
    return {
      scope: 'therapist',
      ...(await withdrawTherapist(deps, participant.siteId, participant.therapistId)),
    };
  }
  if (participant.role === 'interpreter') {
    return { scope: 'interpreter', ...(await withdrawInterpreter(deps, participant.dyad)) };
  }
  return { scope: 'dyad', ...(await withdrawDyad(deps, participant.dyad)) };
}

/**
 * Finishes a withdrawal that stopped part-way (a store fault or a crash after the owner was marked
 * withdrawn): for the link of `tokenHash`, erases what its owner's withdrawal covers. Idempotent,
 * and nothing for a link whose owner has not withdrawn. A participant who got an error and sends
 * the withdrawal again reaches this, since their link already answers 410.
 */
export async function finishWithdrawal(deps: ParticipationDeps, tokenHash: string): Promise<void> {
  const { store } = deps;
  const link = await store.getLink(tokenHash);
  if (!link) return;
  const { owner } = link;
  const therapistWithdrawn = async (siteId: string, therapistId: string) =>
    (await store.getTherapist(siteId, therapistId))?.status === 'withdrawn';
  if (owner.kind === 'therapist') {
    if (await therapistWithdrawn(owner.siteId, owner.therapistId))
      await withdrawTherapist(deps, owner.siteId, owner.therapistId);
    return;
  }
  const dyad = await store.getDyad(owner.siteId, owner.dyadId);
  if (!dyad) return;
  if (dyad.status === 'withdrawn') await withdrawDyad(deps, dyad);
  else if (owner.role === 'therapist' && (await therapistWithdrawn(dyad.siteId, dyad.therapistId)))
    await withdrawTherapist(deps, dyad.siteId, dyad.therapistId);
  else if (owner.role === 'interpreter' && link.withdrawn) await withdrawInterpreter(deps, dyad);
}
