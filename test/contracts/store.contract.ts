import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { Answers } from '../../shared/instruments/schema.ts';
import type { AuditEvent, Dyad, StoredResponse, TandemStore, Therapist } from '../../shared/ports.ts';
import type { Study } from '../../shared/study/schema.ts';

/** What an adapter under test provides: a fresh, empty store per test, and a way to shut down. */
export interface StoreFixture {
  newStore(): Promise<TandemStore>;
  stop(): Promise<void>;
}

const study = (version: number): Study => ({
  studyId: 'alliance-2027',
  version,
  title: { en: `Alliance v${version}` },
  languages: ['en', 'de'],
  defaultLanguage: 'en',
  timezone: 'Europe/Berlin',
  suppressionK: 5,
  sites: [{ siteId: 'berlin-mitte', name: 'Berlin Mitte', targetDyads: 40 }],
  instruments: ['alliance-client'],
  schedule: [{ instrument: 'alliance-client', role: 'client', sessions: '1-5,every:5' }],
  consent: [{ version: 1, text: { en: 'I agree.' } }],
  safety: { crisisText: { en: 'Call for help.' }, notifySite: true },
  overdueDays: 14,
});

const therapist = (siteId: string, therapistId: string): Therapist => ({
  siteId,
  therapistId,
  enrolledOn: '2027-01-10',
  status: 'active',
});

const dyad = (siteId: string, dyadId: string, overrides: Partial<Dyad> = {}): Dyad => ({
  siteId,
  dyadId,
  therapistId: 'T-7KQ2XH',
  modality: 'online',
  interpreter: true,
  language: 'ar',
  enrolledOn: '2027-01-12',
  status: 'active',
  currentSession: 3,
  sessionDates: { '1': '2027-01-12', '2': '2027-01-19', '3': '2027-01-26' },
  linkHashes: { client: 'a'.repeat(64), therapist: 'b'.repeat(64), interpreter: 'c'.repeat(64) },
  ...overrides,
});

const answers = (count: number, value = 3): Answers =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`i${i + 1}`, value]));

const response = (overrides: Partial<StoredResponse> = {}): StoredResponse => ({
  responseId: 'R-1',
  ownerKey: 'DYAD#D-93XHM4',
  siteId: 'berlin-mitte',
  therapistId: 'T-7KQ2XH',
  dyadId: 'D-93XHM4',
  role: 'client',
  session: 1,
  instrument: 'alliance-client',
  answers: { ...answers(11, 4), i12: null },
  submittedOn: '2027-01-12',
  language: 'de',
  receipt: 'receipt-1',
  ...overrides,
});

const audit = (at: string, id: string): AuditEvent => ({
  at,
  id,
  actor: 'coordinator-1',
  action: 'dyad.enrol',
  siteId: 'berlin-mitte',
  target: 'D-93XHM4',
  detail: { interpreter: true, session: 3, modality: 'online' },
});

/** The TandemStore contract: every adapter must pass these specifications. */
export function storeContract(adapter: string, start: () => Promise<StoreFixture>): void {
  describe(`TandemStore on ${adapter}`, () => {
    let fixture: StoreFixture | undefined;
    let store: TandemStore;
    // Generous: a JVM emulator starting on a busy 2-core machine can take most of a minute.
    beforeAll(async () => {
      fixture = await start();
    }, 120_000);
    afterAll(async () => {
      await fixture?.stop();
    });
    const fresh = async (): Promise<TandemStore> => {
      if (!fixture) throw new Error(`${adapter} did not start`);
      store = await fixture.newStore();
      return store;
    };

    describe('getStudy', () => {
      it('returns undefined before any study is stored', async () => {
        await fresh();
        expect(await store.getStudy()).toBeUndefined();
      });

      it('returns the highest version, also past version 9', async () => {
        await fresh();
        for (const version of [2, 10, 9, 1]) await store.putStudy(study(version));
        expect(await store.getStudy()).toEqual(study(10));
      });
    });

    describe('sites', () => {
      it('listSites returns every site stored, a second put replacing the first', async () => {
        await fresh();
        await store.putSite({ siteId: 'wien', name: 'Wien', targetDyads: 10 });
        await store.putSite({
          siteId: 'berlin-mitte',
          name: 'Berlin',
          targetDyads: 40,
          timezone: 'Europe/Berlin',
        });
        await store.putSite({ siteId: 'wien', name: 'Wien AKH', targetDyads: 12 });
        await store.putDyad(dyad('wien', 'D-222222'));
        const sites = await store.listSites();
        expect(sites).toHaveLength(2);
        expect(sites).toEqual(
          expect.arrayContaining([
            { siteId: 'wien', name: 'Wien AKH', targetDyads: 12 },
            { siteId: 'berlin-mitte', name: 'Berlin', targetDyads: 40, timezone: 'Europe/Berlin' },
          ]),
        );
      });
    });

    describe('reserveCode', () => {
      it('reserves a free code and refuses a taken code', async () => {
        await fresh();
        expect(await store.reserveCode('D-93XHM4')).toBe(true);
        expect(await store.reserveCode('D-93XHM4')).toBe(false);
        expect(await store.reserveCode('T-7KQ2XH')).toBe(true);
      });

      it('lets exactly one of many simultaneous callers have a code', async () => {
        await fresh();
        const results = await Promise.all(Array.from({ length: 8 }, () => store.reserveCode('D-RACE22')));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('therapists and dyads', () => {
      it('getTherapist returns what was stored, and undefined for an unknown therapist', async () => {
        await fresh();
        const stored = { ...therapist('wien', 'T-7KQ2XH'), linkHash: 'f'.repeat(64) };
        await store.putTherapist(stored);
        expect(await store.getTherapist('wien', 'T-7KQ2XH')).toEqual(stored);
        expect(await store.getTherapist('berlin-mitte', 'T-7KQ2XH')).toBeUndefined();
      });

      it('listTherapists returns only that site’s therapists', async () => {
        await fresh();
        await store.putSite({ siteId: 'wien', name: 'Wien', targetDyads: 1 });
        await store.putTherapist(therapist('wien', 'T-AAAAAA'));
        await store.putTherapist(therapist('wien', 'T-BBBBBB'));
        await store.putTherapist(therapist('berlin-mitte', 'T-CCCCCC'));
        await store.putDyad(dyad('wien', 'D-222222'));
        const listed = await store.listTherapists('wien');
        expect(listed.map((t) => t.therapistId).sort()).toEqual(['T-AAAAAA', 'T-BBBBBB']);
      });

      it('getDyad returns the dyad with its nested maps, and a put replaces it', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-93XHM4'));
        const ended = dyad('wien', 'D-93XHM4', {
          status: 'ended',
          lastSession: 12,
          currentSession: 12,
          safetyFollowUps: [
            {
              id: 'client-3',
              role: 'client',
              openedOn: '2027-02-01',
              closedAt: '2027-02-02T09:00:00.000Z',
              closedBy: 'lead-1',
            },
            { id: 'client-9', role: 'client', openedOn: '2027-03-01' },
          ],
        });
        await store.putDyad(ended);
        expect(await store.getDyad('wien', 'D-93XHM4')).toEqual(ended);
        expect(await store.getDyad('wien', 'D-UNKNWN')).toBeUndefined();
      });

      it('listDyads returns only that site’s dyads', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        await store.putDyad(dyad('wien', 'D-333333'));
        await store.putDyad(dyad('berlin-mitte', 'D-444444'));
        await store.putTherapist(therapist('wien', 'T-AAAAAA'));
        const listed = await store.listDyads('wien');
        expect(listed.map((d) => d.dyadId).sort()).toEqual(['D-222222', 'D-333333']);
        expect(listed.every((d) => d.siteId === 'wien')).toBe(true);
      });

      it('a returned dyad is a copy: changing it does not change the store', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        const read = await store.getDyad('wien', 'D-222222');
        if (read) read.sessionDates['9'] = '2027-05-01';
        expect((await store.getDyad('wien', 'D-222222'))?.sessionDates['9']).toBeUndefined();
      });
    });

    describe('links and consent', () => {
      it('getLink returns the link by its hash, tombstones included', async () => {
        await fresh();
        const link = {
          tokenHash: 'd'.repeat(64),
          owner: {
            kind: 'dyad' as const,
            siteId: 'wien',
            dyadId: 'D-222222',
            therapistId: 'T-AAAAAA',
            role: 'interpreter' as const,
          },
          language: 'ar',
          createdAt: '2027-01-12T09:00:00.000Z',
        };
        await store.putLink(link);
        expect(await store.getLink(link.tokenHash)).toEqual(link);
        await store.putLink({ ...link, withdrawn: true });
        expect(await store.getLink(link.tokenHash)).toEqual({ ...link, withdrawn: true });
        expect(await store.getLink('e'.repeat(64))).toBeUndefined();
      });

      it('listConsents returns that owner’s consents, not its responses nor another owner’s', async () => {
        await fresh();
        const consent = {
          ownerKey: 'DYAD#D-222222',
          role: 'client' as const,
          language: 'de',
          consentedOn: '2027-01-12',
        };
        await store.putConsent({ ...consent, version: 2 });
        await store.putConsent({ ...consent, version: 1 });
        await store.putConsent({ ...consent, role: 'therapist', version: 1 });
        await store.putConsent({ ...consent, ownerKey: 'DYAD#D-333333', version: 1 });
        await store.putResponse(response({ ownerKey: 'DYAD#D-222222' }));
        const listed = await store.listConsents('DYAD#D-222222');
        expect(listed.map((c) => `${c.role}:${c.version}`)).toEqual(['client:1', 'client:2', 'therapist:1']);
      });

      it('deleteConsent removes only that consent', async () => {
        await fresh();
        const consent = {
          ownerKey: 'THER#T-AAAAAA',
          role: 'therapist' as const,
          language: 'en',
          consentedOn: '2027-01-12',
        };
        await store.putConsent({ ...consent, version: 1 });
        await store.putConsent({ ...consent, version: 2 });
        await store.deleteConsent({ ownerKey: 'THER#T-AAAAAA', role: 'therapist', version: 1 });
        expect(await store.listConsents('THER#T-AAAAAA')).toEqual([{ ...consent, version: 2 }]);
      });

      it('noteConsentVersion copies a role’s version onto a dyad or therapist without touching other fields', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222');
        await store.putDyad(stored);
        await store.putTherapist(therapist('wien', 'T-AAAAAA'));
        await store.noteConsentVersion({ siteId: 'wien', dyadId: 'D-222222' }, 'client', 1);
        await store.noteConsentVersion({ siteId: 'wien', dyadId: 'D-222222' }, 'interpreter', 1);
        await store.noteConsentVersion({ siteId: 'wien', dyadId: 'D-222222' }, 'client', 2);
        await store.noteConsentVersion({ siteId: 'wien', therapistId: 'T-AAAAAA' }, 'therapist', 3);
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          consentVersions: { client: 2, interpreter: 1 },
        });
        expect((await store.getTherapist('wien', 'T-AAAAAA'))?.consentVersions).toEqual({ therapist: 3 });
        await store.noteConsentVersion({ siteId: 'wien', dyadId: 'D-222222' }, 'interpreter', undefined);
        expect((await store.getDyad('wien', 'D-222222'))?.consentVersions).toEqual({ client: 2 });
      });

      it('noteConsentVersion keeps both roles when two note at once, and does nothing for an unknown owner or copy', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        const owner = { siteId: 'wien', dyadId: 'D-222222' };
        await Promise.all([
          store.noteConsentVersion(owner, 'client', 1),
          store.noteConsentVersion(owner, 'therapist', 1),
          store.noteConsentVersion(owner, 'interpreter', 1),
        ]);
        expect((await store.getDyad('wien', 'D-222222'))?.consentVersions).toEqual({
          client: 1,
          therapist: 1,
          interpreter: 1,
        });
        await store.noteConsentVersion({ siteId: 'wien', dyadId: 'D-UNKNWN' }, 'client', 1);
        expect(await store.getDyad('wien', 'D-UNKNWN')).toBeUndefined();
        await store.putTherapist(therapist('wien', 'T-AAAAAA'));
        await store.noteConsentVersion({ siteId: 'wien', therapistId: 'T-AAAAAA' }, 'therapist', undefined);
        expect(await store.getTherapist('wien', 'T-AAAAAA')).toEqual(therapist('wien', 'T-AAAAAA'));
      });
    });

    describe('noteSubmission', () => {
      const client = { role: 'client' as const, linkHash: 'a'.repeat(64) };
      const dyadOwner = { siteId: 'wien', dyadId: 'D-222222' };

      it('raises the current session, dates the session once and opens its safety follow-up once', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222');
        await store.putDyad(stored);
        const note = {
          session: 5,
          date: '2027-02-09',
          safetyFollowUp: { id: 'client-5', role: 'client' as const, openedOn: '2027-02-09' },
        };
        expect(await store.noteSubmission(dyadOwner, client, note)).toBe(true);
        const later = {
          session: 5,
          date: '2027-02-10',
          safetyFollowUp: { id: 'client-5', role: 'client' as const, openedOn: '2027-02-10' },
        };
        expect(await store.noteSubmission(dyadOwner, client, later)).toBe(true);
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          currentSession: 5,
          sessionDates: { ...stored.sessionDates, '5': '2027-02-09' },
          safetyFollowUps: [{ id: 'client-5', role: 'client', openedOn: '2027-02-09' }],
        });
      });

      it('opens a new follow-up for a later flag, beside one already closed', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        const flag = (session: number, openedOn: string) =>
          store.noteSubmission(dyadOwner, client, {
            session,
            date: openedOn,
            safetyFollowUp: { id: `client-${session}`, role: 'client', openedOn },
          });
        await flag(5, '2027-02-09');
        const closure = { closedAt: '2027-02-10T08:00:00.000Z', closedBy: 'coord-1' };
        expect(await store.closeSafetyFollowUp('wien', 'D-222222', 'client-5', closure)).toBe(true);
        await flag(5, '2027-02-11');
        await flag(7, '2027-03-02');
        expect((await store.listDyads('wien'))[0]?.safetyFollowUps).toEqual([
          { id: 'client-5', role: 'client', openedOn: '2027-02-09', ...closure },
          { id: 'client-7', role: 'client', openedOn: '2027-03-02' },
        ]);
      });
      it('never lowers the current session, but dates an earlier undated session', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222', { currentSession: 6, sessionDates: { '6': '2027-02-16' } });
        await store.putDyad(stored);
        await store.noteSubmission(dyadOwner, client, { session: 4, date: '2027-02-17' });
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          sessionDates: { '4': '2027-02-17', '6': '2027-02-16' },
        });
      });

      it('keeps the highest session and every date when members note sessions at once', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222', { currentSession: 0, sessionDates: {} });
        await store.putDyad(stored);
        await Promise.all(
          [3, 1, 4, 2].map((session) =>
            store.noteSubmission(dyadOwner, client, { session, date: `2027-02-0${session}` }),
          ),
        );
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          currentSession: 4,
          sessionDates: { '1': '2027-02-01', '2': '2027-02-02', '3': '2027-02-03', '4': '2027-02-04' },
        });
      });

      it('leaves fields it does not note alone, and creates no dyad', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        await store.noteSubmission(dyadOwner, client, { session: 4, date: '2027-02-02' });
        const ended = {
          ...(await store.getDyad('wien', 'D-222222'))!,
          status: 'ended' as const,
          lastSession: 4,
        };
        await store.putDyad(ended);
        expect(await store.noteSubmission(dyadOwner, client, { session: 4, date: '2027-02-03' })).toBe(true);
        expect(await store.getDyad('wien', 'D-222222')).toEqual(ended);
        const unknown = { siteId: 'wien', dyadId: 'D-UNKNWN' };
        expect(await store.noteSubmission(unknown, client, { session: 1, date: '2027-02-02' })).toBe(false);
        expect(await store.getDyad('wien', 'D-UNKNWN')).toBeUndefined();
      });

      it('refuses, writing nothing, once the dyad is withdrawn, the link replaced, or the dyad’s therapist withdrawn', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222');
        await store.putDyad(stored);
        const note = { session: 7, date: '2027-03-01' };
        const therapistLink = { role: 'therapist' as const, linkHash: 'b'.repeat(64) };
        const interpreterLink = { role: 'interpreter' as const, linkHash: 'c'.repeat(64) };
        expect(await store.noteSubmission(dyadOwner, { ...client, linkHash: 'f'.repeat(64) }, note)).toBe(
          false,
        );
        await store.updateDyad('wien', 'D-222222', {
          therapistWithdrawn: '2027-02-20',
          retireLink: 'interpreter',
        });
        expect(await store.noteSubmission(dyadOwner, therapistLink, note)).toBe(false);
        expect(await store.noteSubmission(dyadOwner, interpreterLink, note)).toBe(false);
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          therapistWithdrawn: '2027-02-20',
          linkHashes: { client: 'a'.repeat(64), therapist: 'b'.repeat(64) },
        });
        expect(await store.noteSubmission(dyadOwner, client)).toBe(true);
        await store.updateDyad('wien', 'D-222222', { status: 'withdrawn' });
        expect(await store.noteSubmission(dyadOwner, client, note)).toBe(false);
        expect(await store.noteSubmission(dyadOwner, client)).toBe(false);
        expect((await store.getDyad('wien', 'D-222222'))?.sessionDates).toEqual(stored.sessionDates);
      });

      it('changes nothing on a therapist, and refuses once the therapist is withdrawn or the link replaced', async () => {
        await fresh();
        const own = { ...therapist('wien', 'T-AAAAAA'), linkHash: 'd'.repeat(64) };
        await store.putTherapist(own);
        const owner = { siteId: 'wien', therapistId: 'T-AAAAAA' };
        const through = { role: 'therapist' as const, linkHash: 'd'.repeat(64) };
        expect(await store.noteSubmission(owner, through)).toBe(true);
        expect(await store.getTherapist('wien', 'T-AAAAAA')).toEqual(own);
        expect(await store.noteSubmission(owner, { ...through, linkHash: 'e'.repeat(64) })).toBe(false);
        await store.putTherapist({ ...own, status: 'withdrawn' });
        expect(await store.noteSubmission(owner, through)).toBe(false);
        expect(await store.noteSubmission({ siteId: 'wien', therapistId: 'T-UNKNWN' }, through)).toBe(false);
      });
    });

    describe('countAttempt', () => {
      it('counts exactly up to the limit when many attempts arrive at once, per counter', async () => {
        await fresh();
        const results = await Promise.all(
          Array.from({ length: 60 }, () => store.countAttempt('ATTEMPT#abc#1', 20, 2_000_000_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(20);
        expect(await store.countAttempt('ATTEMPT#abc#1', 20, 2_000_000_000)).toBe(false);
        expect(await store.countAttempt('ATTEMPT#abc#2', 20, 2_000_000_000)).toBe(true);
        expect(await store.countAttempt('ATTEMPT#abc#1', 21, 2_000_000_000)).toBe(true);
      });
    });

    describe('closeSafetyFollowUp', () => {
      it('closes an open follow-up once; a second close, an unknown id or dyad change nothing', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        await store.noteSubmission(
          { siteId: 'wien', dyadId: 'D-222222' },
          { role: 'client', linkHash: 'a'.repeat(64) },
          {
            session: 2,
            date: '2027-02-02',
            safetyFollowUp: { id: 'client-2', role: 'client', openedOn: '2027-02-02' },
          },
        );
        const first = { closedAt: '2027-02-03T10:00:00.000Z', closedBy: 'coord-1' };
        const second = { closedAt: '2027-02-04T10:00:00.000Z', closedBy: 'lead-1' };
        expect(await store.closeSafetyFollowUp('wien', 'D-222222', 'client-2', first)).toBe(true);
        expect(await store.closeSafetyFollowUp('wien', 'D-222222', 'client-2', second)).toBe(false);
        expect(await store.closeSafetyFollowUp('wien', 'D-222222', 'client-3', second)).toBe(false);
        expect(await store.closeSafetyFollowUp('wien', 'D-UNKNWN', 'client-2', second)).toBe(false);
        expect((await store.getDyad('wien', 'D-222222'))?.safetyFollowUps).toEqual([
          { id: 'client-2', role: 'client', openedOn: '2027-02-02', ...first },
        ]);
        expect(await store.getDyad('wien', 'D-UNKNWN')).toBeUndefined();
      });

      it('keeps follow-ups when the dyad is withdrawn', async () => {
        await fresh();
        await store.putDyad(dyad('wien', 'D-222222'));
        await store.noteSubmission(
          { siteId: 'wien', dyadId: 'D-222222' },
          { role: 'therapist', linkHash: 'b'.repeat(64) },
          {
            session: 1,
            date: '2027-02-01',
            safetyFollowUp: { id: 'therapist-1', role: 'therapist', openedOn: '2027-02-01' },
          },
        );
        await store.updateDyad('wien', 'D-222222', { status: 'withdrawn' });
        expect(await store.getDyad('wien', 'D-222222')).toMatchObject({
          status: 'withdrawn',
          safetyFollowUps: [{ id: 'therapist-1', role: 'therapist', openedOn: '2027-02-01' }],
        });
      });
    });

    describe('updateDyad', () => {
      it('sets only the given fields, each link hash by role, and creates no dyad', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222', { consentVersions: { client: 1 } });
        await store.putDyad(stored);
        await store.updateDyad('wien', 'D-222222', { linkHashes: { interpreter: 'd'.repeat(64) } });
        await store.updateDyad('wien', 'D-222222', { status: 'ended', lastSession: 8 });
        await store.updateDyad('wien', 'D-222222', {});
        await store.updateDyad('wien', 'D-222222', { retireLink: 'client' });
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          status: 'ended',
          lastSession: 8,
          linkHashes: { therapist: stored.linkHashes.therapist, interpreter: 'd'.repeat(64) },
        });
        await expect(store.updateDyad('wien', 'D-UNKNWN', { status: 'withdrawn' })).rejects.toBeInstanceOf(
          NotFoundError,
        );
        await expect(store.updateDyad('wien', 'D-UNKNWN', {})).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.getDyad('wien', 'D-UNKNWN')).toBeUndefined();
      });

      it('updateDyad keeps a session noted concurrently', async () => {
        await fresh();
        const stored = dyad('wien', 'D-222222', { currentSession: 0, sessionDates: {} });
        await store.putDyad(stored);
        const owner = { siteId: 'wien', dyadId: 'D-222222' };
        await Promise.all([
          store.noteSubmission(
            owner,
            { role: 'interpreter', linkHash: 'c'.repeat(64) },
            {
              session: 2,
              date: '2027-02-02',
              safetyFollowUp: { id: 'client-2', role: 'client', openedOn: '2027-02-02' },
            },
          ),
          store.updateDyad('wien', 'D-222222', {
            linkHashes: { client: 'e'.repeat(64), therapist: 'f'.repeat(64) },
          }),
          store.noteSubmission(
            owner,
            { role: 'interpreter', linkHash: 'c'.repeat(64) },
            { session: 1, date: '2027-02-01' },
          ),
          store.updateDyad('wien', 'D-222222', { status: 'ended', lastSession: 2 }),
        ]);
        expect(await store.getDyad('wien', 'D-222222')).toEqual({
          ...stored,
          status: 'ended',
          lastSession: 2,
          currentSession: 2,
          sessionDates: { '1': '2027-02-01', '2': '2027-02-02' },
          safetyFollowUps: [{ id: 'client-2', role: 'client', openedOn: '2027-02-02' }],
          linkHashes: { ...stored.linkHashes, client: 'e'.repeat(64), therapist: 'f'.repeat(64) },
        });
      });
    });

    describe('putResponse', () => {
      it('creates a response and lists it with its skipped items kept as null', async () => {
        await fresh();
        expect(await store.putResponse(response())).toEqual({ outcome: 'created' });
        expect(await store.listResponses('DYAD#D-93XHM4')).toEqual([response()]);
      });

      it('returns exists with the stored response when the natural key is taken', async () => {
        await fresh();
        await store.putResponse(response());
        const again = await store.putResponse(
          response({ responseId: 'R-2', receipt: 'receipt-2', answers: answers(12, 1) }),
        );
        expect(again).toEqual({ outcome: 'exists', existing: response() });
        expect(await store.listResponses('DYAD#D-93XHM4')).toEqual([response()]);
      });

      it('treats another role, session or instrument as another response', async () => {
        await fresh();
        const variants = [
          response(),
          response({ role: 'therapist', instrument: 'alliance-therapist' }),
          response({ role: 'therapist' }),
          response({ session: 2 }),
          response({ instrument: 'phq9' }),
        ];
        for (const variant of variants)
          expect(await store.putResponse(variant)).toEqual({ outcome: 'created' });
        expect(await store.listResponses('DYAD#D-93XHM4')).toHaveLength(variants.length);
      });

      it('creates exactly one response when the same submission races itself', async () => {
        await fresh();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putResponse(response({ receipt: `receipt-${i}` }))),
        );
        const created = results.filter((r) => r.outcome === 'created');
        expect(created).toHaveLength(1);
        const stored = await store.listResponses('DYAD#D-93XHM4');
        expect(stored).toHaveLength(1);
        for (const result of results) {
          if (result.outcome === 'exists') expect(result.existing).toEqual(stored[0]);
        }
      });

      it('stores a therapist-level response with a null dyadId', async () => {
        await fresh();
        const own = response({
          ownerKey: 'THER#T-7KQ2XH',
          dyadId: null,
          role: 'therapist',
          instrument: 'therapist-wellbeing',
          answers: answers(6),
        });
        await store.putResponse(own);
        expect(await store.listResponses('THER#T-7KQ2XH')).toEqual([own]);
      });
    });

    describe('listResponses and listSiteResponses', () => {
      it('listResponses returns the owner’s responses in session order, without consents', async () => {
        await fresh();
        for (const session of [10, 2, 1]) await store.putResponse(response({ session }));
        await store.putResponse(response({ ownerKey: 'DYAD#D-OTHER2', dyadId: 'D-OTHER2' }));
        await store.putConsent({
          ownerKey: 'DYAD#D-93XHM4',
          role: 'client',
          version: 1,
          language: 'de',
          consentedOn: '2027-01-12',
        });
        const listed = await store.listResponses('DYAD#D-93XHM4');
        expect(listed.map((r) => r.session)).toEqual([1, 2, 10]);
      });

      it('listSiteResponses returns only that site’s responses', async () => {
        await fresh();
        await store.putSite({ siteId: 'wien', name: 'Wien', targetDyads: 1 });
        await store.putResponse(response({ siteId: 'wien', ownerKey: 'DYAD#D-222222', dyadId: 'D-222222' }));
        await store.putResponse(response({ siteId: 'wien', ownerKey: 'THER#T-AAAAAA', dyadId: null }));
        await store.putResponse(response({ siteId: 'berlin-mitte' }));
        const listed = await store.listSiteResponses('wien');
        expect(listed.map((r) => r.ownerKey).sort()).toEqual(['DYAD#D-222222', 'THER#T-AAAAAA']);
        expect(listed.every((r) => r.siteId === 'wien')).toBe(true);
        expect(await store.listSiteResponses('graz')).toEqual([]);
      });

      it('deleteResponse removes the response, and the same natural key can be answered again', async () => {
        await fresh();
        await store.putResponse(response());
        await store.putResponse(response({ session: 2 }));
        await store.deleteResponse(response());
        expect((await store.listResponses('DYAD#D-93XHM4')).map((r) => r.session)).toEqual([2]);
        expect((await store.listSiteResponses('berlin-mitte')).map((r) => r.session)).toEqual([2]);
        expect(await store.putResponse(response({ receipt: 'receipt-new' }))).toEqual({ outcome: 'created' });
      });

      it('returns every response when they fill more than one 1 MB page', async () => {
        await fresh();
        // 14 responses of about 100 KB (a padded receipt: cheap to write, unlike 100 KB of answers)
        // make 1.4 MB, so the table and the index both answer in more than one page.
        const many = Array.from({ length: 14 }, (_, i) =>
          response({ session: i + 1, responseId: `R-${i}`, receipt: `${i}`.padEnd(100_000, '.') }),
        );
        await Promise.all(many.map((r) => store.putResponse(r)));
        const byOwner = await store.listResponses('DYAD#D-93XHM4');
        expect(byOwner).toHaveLength(14);
        expect(byOwner[13]).toEqual(many[13]);
        const bySite = await store.listSiteResponses('berlin-mitte');
        expect(bySite).toHaveLength(14);
        expect(new Set(bySite.map((r) => r.responseId)).size).toBe(14);
      });
    });

    describe('releases', () => {
      it('listReleases returns every release in id order', async () => {
        await fresh();
        const release = (releaseId: string) => ({
          releaseId,
          createdAt: `${releaseId.slice(0, 10)}T02:00:00.000Z`,
          studyId: 'alliance-2027',
          files: 14,
          inputs: { dyads: 20, responses: 400, skipped: 1 },
        });
        await store.putRelease(release('2027-02-02-0200'));
        await store.putRelease(release('2027-02-01-0200'));
        expect(await store.listReleases()).toEqual([release('2027-02-01-0200'), release('2027-02-02-0200')]);
      });
    });

    describe('listAudit', () => {
      it('returns the events of the days in range, inclusive, in time order', async () => {
        await fresh();
        const events = [
          audit('2027-03-01T23:59:59.000Z', 'e4'),
          audit('2027-02-28T08:00:00.000Z', 'e1'),
          audit('2027-03-01T00:00:00.000Z', 'e3'),
          audit('2027-02-28T08:00:00.000Z', 'e2'),
          audit('2027-02-27T23:59:59.999Z', 'before'),
          audit('2027-03-02T00:00:00.000Z', 'after'),
        ];
        for (const event of events) await store.putAudit(event);
        const listed = await store.listAudit('2027-02-28', '2027-03-01');
        expect(listed.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
        expect(listed[0]).toEqual(events[1]);
      });

      it('accepts a range of 366 days and rejects a longer one with a ValidationError', async () => {
        await fresh();
        await store.putAudit(audit('2028-12-31T12:00:00.000Z', 'leap-year-end'));
        expect((await store.listAudit('2028-01-01', '2028-12-31')).map((e) => e.id)).toEqual([
          'leap-year-end',
        ]);
        const tooLong = store.listAudit('2027-01-01', '2028-01-02');
        await expect(tooLong).rejects.toBeInstanceOf(ValidationError);
        await expect(tooLong).rejects.toMatchObject({ details: [{ path: 'to', received: '2028-01-02' }] });
      });

      it('rejects malformed dates and a range that ends before it starts', async () => {
        await fresh();
        await expect(store.listAudit('2027-13-01', 'yesterday')).rejects.toMatchObject({
          details: [
            { path: 'from', received: '2027-13-01' },
            { path: 'to', received: 'yesterday' },
          ],
        });
        await expect(store.listAudit('2027-03-02', '2027-03-01')).rejects.toBeInstanceOf(ValidationError);
      });
    });
  });
}
