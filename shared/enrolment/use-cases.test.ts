import { describe, expect, it } from 'vitest';
import type { MemoryTandemStore } from '../adapters/memory/store.ts';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../errors.ts';
import { hashToken } from '../ids.ts';
import { addTherapist } from './add-therapist.ts';
import { makeCard } from './card.ts';
import { endDyad } from './end-dyad.ts';
import { enrolDyad } from './enrol-dyad.ts';
import { listAudit } from './list-audit.ts';
import { rotateLink, rotateTherapistLink } from './rotate-link.ts';
import { testDeps } from './test-support.ts';

const actor = 'coordinator-sub';
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

async function withTherapist() {
  const ctx = await testDeps();
  const { therapist, link } = await addTherapist(ctx.deps, { actor, siteId: 'berlin' });
  return { ...ctx, therapist, therapistLink: link };
}

describe('addTherapist', () => {
  it('issues a T- code and a link whose token is stored only as its hash', async () => {
    const { store, therapist, therapistLink } = await withTherapist();
    expect(therapist.therapistId).toMatch(/^T-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(therapistLink.url).toBe(`https://tandem.test/s/${therapistLink.token}`);
    const stored = await store.getTherapist('berlin', therapist.therapistId);
    expect(stored?.linkHash).toBe(hashToken(therapistLink.token));
    expect(JSON.stringify(stored)).not.toContain(therapistLink.token);
    const link = await store.getLink(hashToken(therapistLink.token));
    expect(link?.owner).toEqual({
      kind: 'therapist',
      siteId: 'berlin',
      therapistId: therapist.therapistId,
      role: 'therapist',
    });
  });

  it('reserves the code first, and takes another when the drawn one is taken', async () => {
    const ctx = await testDeps();
    const reserved: string[] = [];
    const reserveCode = ctx.store.reserveCode.bind(ctx.store);
    let refusals = 2;
    ctx.store.reserveCode = async (code) => {
      reserved.push(code);
      if (refusals-- > 0) return false;
      return reserveCode(code);
    };
    const { therapist } = await addTherapist(ctx.deps, { actor, siteId: 'berlin' });
    expect(reserved).toHaveLength(3);
    expect(therapist.therapistId).toBe(reserved[2]);
  });

  it('refuses a site the study does not have and a language it does not offer', async () => {
    const { deps } = await testDeps();
    await expect(addTherapist(deps, { actor, siteId: 'paris' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(addTherapist(deps, { actor, siteId: 'berlin', language: 'fr' })).rejects.toMatchObject({
      details: [{ path: 'language', received: 'fr' }],
    });
  });
});

describe('enrolDyad', () => {
  it('creates a dyad with client and therapist links, and an interpreter link only with an interpreter', async () => {
    const { deps, store, therapist } = await withTherapist();
    const input = {
      actor,
      siteId: 'berlin',
      therapistId: therapist.therapistId,
      modality: 'online' as const,
    };
    const plain = await enrolDyad(deps, { ...input, interpreter: false, language: 'de' });
    expect(plain.dyad.dyadId).toMatch(/^D-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(Object.keys(plain.links).sort()).toEqual(['client', 'therapist']);
    expect(plain.dyad).toMatchObject({ status: 'active', currentSession: 0, enrolledOn: '2027-03-01' });

    const triad = await enrolDyad(deps, { ...input, interpreter: true, language: 'ar' });
    expect(Object.keys(triad.links).sort()).toEqual(['client', 'interpreter', 'therapist']);
    const stored = await store.getDyad('berlin', triad.dyad.dyadId);
    for (const role of ['client', 'therapist', 'interpreter'] as const) {
      const token = triad.links[role]?.token ?? '';
      expect(stored?.linkHashes[role]).toBe(hashToken(token));
      const link = await store.getLink(hashToken(token));
      expect(link).toMatchObject({
        language: 'ar',
        owner: { kind: 'dyad', dyadId: triad.dyad.dyadId, role },
      });
    }
    expect(JSON.stringify(stored)).not.toContain(triad.links.client.token);
  });

  it('refuses a therapist of another site with the field named', async () => {
    const { deps, therapist } = await withTherapist();
    const attempt = enrolDyad(deps, {
      actor,
      siteId: 'hamburg',
      therapistId: therapist.therapistId,
      modality: 'in_person',
      interpreter: false,
      language: 'en',
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ path: 'therapistId' }] });
  });

  it('writes no dyad when a link cannot be stored', async () => {
    const { deps, store, therapist } = await withTherapist();
    store.putLink = async () => {
      throw new Error('store unavailable');
    };
    await expect(
      enrolDyad(deps, {
        actor,
        siteId: 'berlin',
        therapistId: therapist.therapistId,
        modality: 'mixed',
        interpreter: false,
        language: 'en',
      }),
    ).rejects.toThrow('store unavailable');
    expect(await store.listDyads('berlin')).toEqual([]);
  });
});

/** What a participant's submission notes on the dyad in noteSessionAfterNextRead. */
const FLAGGED = { id: 'client-3', role: 'client', openedOn: '2027-03-01' } as const;
const NOTED = { currentSession: 3, sessionDates: { '3': '2027-03-01' }, safetyFollowUps: [FLAGGED] };

/** Lands a participant's submission (noteSubmission) right after the next read of a dyad, before the write that follows it. */
function noteSessionAfterNextRead(store: MemoryTandemStore): void {
  const getDyad = store.getDyad.bind(store);
  store.getDyad = async (siteId, dyadId) => {
    const read = await getDyad(siteId, dyadId);
    store.getDyad = getDyad;
    const through = { role: 'client' as const, linkHash: read?.linkHashes.client ?? '' };
    await store.noteSubmission({ siteId, dyadId }, through, {
      session: 3,
      date: '2027-03-01',
      safetyFollowUp: FLAGGED,
    });
    return read;
  };
}

async function withDyad(interpreter = false) {
  const ctx = await withTherapist();
  const enrolled = await enrolDyad(ctx.deps, {
    actor,
    siteId: 'berlin',
    therapistId: ctx.therapist.therapistId,
    modality: 'in_person',
    interpreter,
    language: 'en',
  });
  return { ...ctx, ...enrolled };
}

describe('rotateLink', () => {
  it('makes the new link the role’s current one, so the old hash no longer matches', async () => {
    const { deps, store, dyad, links } = await withDyad();
    const { link } = await rotateLink(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, role: 'client' });
    const stored = await store.getDyad('berlin', dyad.dyadId);
    expect(stored?.linkHashes.client).toBe(hashToken(tokenOf(link.url)));
    expect(stored?.linkHashes.client).not.toBe(hashToken(links.client.token));
    expect(stored?.linkHashes.therapist).toBe(hashToken(links.therapist.token));
  });

  it('keeps a session a participant reported while the new link was being issued', async () => {
    const { deps, store, dyad } = await withDyad();
    noteSessionAfterNextRead(store);
    const { link } = await rotateLink(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, role: 'client' });
    expect(await store.getDyad('berlin', dyad.dyadId)).toMatchObject({
      ...NOTED,
      linkHashes: { client: hashToken(tokenOf(link.url)) },
    });
  });

  it('refuses a role the dyad does not have, and a withdrawn dyad', async () => {
    const { deps, store, dyad } = await withDyad();
    await expect(
      rotateLink(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, role: 'interpreter' }),
    ).rejects.toMatchObject({ details: [{ path: 'role', received: 'interpreter' }] });
    await store.putDyad({ ...dyad, status: 'withdrawn' });
    await expect(
      rotateLink(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, role: 'client' }),
    ).rejects.toBeInstanceOf(GoneError);
  });
});

describe('rotateTherapistLink', () => {
  it('replaces the therapist’s link hash', async () => {
    const { deps, store, therapist, therapistLink } = await withTherapist();
    const { link } = await rotateTherapistLink(deps, {
      actor,
      siteId: 'berlin',
      therapistId: therapist.therapistId,
    });
    const stored = await store.getTherapist('berlin', therapist.therapistId);
    expect(stored?.linkHash).toBe(hashToken(tokenOf(link.url)));
    expect(link.url).not.toBe(therapistLink.url);
  });
});

describe('endDyad', () => {
  it('ends the dyad at its last session, and again with the same session changes nothing', async () => {
    const { deps, dyad } = await withDyad();
    const ended = await endDyad(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, lastSession: 6 });
    expect(ended).toMatchObject({ status: 'ended', lastSession: 6 });
    expect(await endDyad(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, lastSession: 6 })).toEqual(
      ended,
    );
    await expect(
      endDyad(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, lastSession: 7 }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps a session a participant reported while the dyad was being ended', async () => {
    const { deps, store, dyad } = await withDyad();
    noteSessionAfterNextRead(store);
    await endDyad(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, lastSession: 6 });
    expect(await store.getDyad('berlin', dyad.dyadId)).toMatchObject({
      ...NOTED,
      status: 'ended',
      lastSession: 6,
    });
  });

  it('refuses a last session before one already reported', async () => {
    const { deps, store, dyad } = await withDyad();
    await store.putDyad({ ...dyad, currentSession: 4 });
    await expect(
      endDyad(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, lastSession: 3 }),
    ).rejects.toMatchObject({ details: [{ path: 'lastSession', received: 3 }] });
  });
});

describe('makeCard', () => {
  it('rotates every link of the dyad and returns the new ones for the card', async () => {
    const { deps, store, dyad, links } = await withDyad(true);
    const card = await makeCard(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId });
    const stored = await store.getDyad('berlin', dyad.dyadId);
    for (const role of ['client', 'therapist', 'interpreter'] as const) {
      const url = card.links[role]?.url ?? '';
      expect(url).not.toBe(links[role]?.url);
      expect(stored?.linkHashes[role]).toBe(hashToken(tokenOf(url)));
    }
    expect(card.dyad.dyadId).toBe(dyad.dyadId);
  });

  it('keeps a session a participant reported while the card was being made', async () => {
    const { deps, store, dyad } = await withDyad();
    noteSessionAfterNextRead(store);
    const card = await makeCard(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId });
    expect(await store.getDyad('berlin', dyad.dyadId)).toMatchObject({
      ...NOTED,
      linkHashes: { client: hashToken(card.links.client.token) },
    });
  });
});

describe('audit', () => {
  it('records who did what to which dyad, in time order, and nothing else', async () => {
    const { deps, time } = await testDeps('2027-03-01T09:00:00Z');
    const { therapist } = await addTherapist(deps, { actor, siteId: 'berlin' });
    time.set('2027-03-01T09:05:00Z');
    const { dyad } = await enrolDyad(deps, {
      actor,
      siteId: 'berlin',
      therapistId: therapist.therapistId,
      modality: 'online',
      interpreter: false,
      language: 'en',
    });
    time.set('2027-03-01T09:10:00Z');
    await rotateLink(deps, { actor, siteId: 'berlin', dyadId: dyad.dyadId, role: 'therapist' });
    const events = await listAudit(deps, { from: '2027-03-01', to: '2027-03-01' });
    expect(events.map((e) => [e.action, e.target])).toEqual([
      ['therapist.add', therapist.therapistId],
      ['dyad.enrol', dyad.dyadId],
      ['dyad.link.rotate', dyad.dyadId],
    ]);
    expect(events.every((e) => e.actor === actor && e.siteId === 'berlin')).toBe(true);
    expect(events[2]?.detail).toEqual({ role: 'therapist' });
  });

  it('shows the last 7 days (UTC) when no range is given, and ends a range without `to` today', async () => {
    const { deps, store, time } = await testDeps('2027-03-10T12:00:00Z');
    for (const at of ['2027-03-03T23:59:00Z', '2027-03-04T00:00:00Z', '2027-03-10T08:00:00Z']) {
      await store.putAudit({ at: new Date(at).toISOString(), id: at.slice(8, 10), actor, action: 'signin' });
    }
    const days = (events: { at: string }[]) => events.map((e) => e.at.slice(0, 10));
    expect(days(await listAudit(deps, {}))).toEqual(['2027-03-04', '2027-03-10']);
    expect(days(await listAudit(deps, { from: '2027-03-01' }))).toEqual([
      '2027-03-03',
      '2027-03-04',
      '2027-03-10',
    ]);
    time.set('2027-03-11T00:30:00Z');
    expect(days(await listAudit(deps, {}))).toEqual(['2027-03-10']);
  });
});
