import { describe, expect, it } from 'vitest';
import type { ItemTable } from '../adapters/item-store.ts';
import { MemoryItemTable, MemoryTandemStore } from '../adapters/memory/store.ts';
import { NotScheduledError, ValidationError } from '../errors.ts';
import { hashToken, newToken } from '../ids.ts';
import { phq9 } from '../instruments/builtins.ts';
import { ALREADY_ANSWERED_LIMIT, ATTEMPT_LIMIT } from './attempts.ts';
import { needsConsent, recordConsent } from './consent.ts';
import { ConsentRequiredError } from './deps.ts';
import { dueFor, monthlyAdministration } from './due.ts';
import { LinkCache } from './link-cache.ts';
import { type OpenLink, openLink } from './open-link.ts';
import { cachedStudy } from './study-cache.ts';
import { submitResponse, validateAnswers } from './submit.ts';
import { answersAll, world } from './testing.ts';
import { nextStep } from './visit.ts';
import { withdraw } from './withdraw.ts';

/** `target` with every method call's name appended to `names`. */
function recording<T extends object>(target: T, names: string[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        names.push(String(property));
        return value.apply(object, args);
      };
    },
  });
}

/** Counts the store calls a test makes from now on, by method name. */
function countCalls(w: Awaited<ReturnType<typeof world>>): { names(): string[] } {
  const names: string[] = [];
  w.deps.store = recording(w.deps.store, names);
  return { names: () => [...names] };
}

/** A memory table that records the name of every table call: what a DynamoDB table would be sent. */
function countingTable(): ItemTable & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(recording<ItemTable>(new MemoryItemTable(), calls), { calls });
}

/** Submits answers of `items` items, all 1, for a session in English. */
const answer = (
  w: Awaited<ReturnType<typeof world>>,
  open: OpenLink,
  session: number,
  instrument: string,
  items: number,
) => submitResponse(w.deps, open, { session, instrument, answers: answersAll(items, 1), language: 'en' });

async function consented(w: Awaited<ReturnType<typeof world>>, token: string) {
  const open = await w.open(token);
  await recordConsent(w.deps, open, { version: 1, language: 'en' });
  return w.open(token);
}

describe('openLink', () => {
  it('opens a current link with its owner, dyad and study', async () => {
    const w = await world();
    const result = await openLink(w.deps, { token: w.tokens.client });
    expect(result.outcome).toBe('open');
    if (result.outcome === 'open') {
      expect(result.participant).toMatchObject({ kind: 'dyad', role: 'client', ownerKey: 'DYAD#D-BBBBBB' });
      expect(result.study.studyId).toBe('alliance-test');
      expect(result.link.language).toBe('de');
    }
  });

  it('opens a therapist link for therapist-level instruments', async () => {
    const w = await world();
    const open = await w.open(w.tokens.therapistLink);
    expect(open.participant).toMatchObject({ kind: 'therapist', ownerKey: 'THER#T-AAAAAA' });
  });

  it('answers not_found for an unknown, a malformed and a rotated token', async () => {
    const w = await world();
    expect((await openLink(w.deps, { token: newToken() })).outcome).toBe('not_found');
    expect((await openLink(w.deps, { token: 'short' })).outcome).toBe('not_found');
    const dyad = (await w.store.getDyad('berlin', w.dyadId))!;
    await w.store.putDyad({ ...dyad, linkHashes: { ...dyad.linkHashes, client: hashToken(newToken()) } });
    expect((await openLink(w.deps, { token: w.tokens.client })).outcome).toBe('not_found');
  });

  it(`answers too_many_attempts to unknown tokens from a source after ${ATTEMPT_LIMIT}, while good links still open`, async () => {
    const w = await world();
    for (let i = 0; i < ATTEMPT_LIMIT; i++)
      expect((await openLink(w.deps, { token: newToken(), source: '203.0.113.9' })).outcome).toBe(
        'not_found',
      );
    expect((await openLink(w.deps, { token: newToken(), source: '203.0.113.9' })).outcome).toBe(
      'too_many_attempts',
    );
    expect((await openLink(w.deps, { token: 'short', source: '203.0.113.9' })).outcome).toBe(
      'too_many_attempts',
    );
    // Someone else behind the same address (a clinic's Wi-Fi) with a good link is not refused.
    expect((await openLink(w.deps, { token: w.tokens.client, source: '203.0.113.9' })).outcome).toBe('open');
    expect((await openLink(w.deps, { token: newToken(), source: '198.51.100.1' })).outcome).toBe('not_found');
    w.setNow('2027-03-10T10:20:00Z');
    expect((await openLink(w.deps, { token: newToken(), source: '203.0.113.9' })).outcome).toBe('not_found');
  });

  it('neither checks nor counts attempts for a good link', async () => {
    const w = await world();
    const calls = countCalls(w);
    await openLink(w.deps, { token: w.tokens.client, source: '203.0.113.9' });
    expect(calls.names()).toEqual(['getLink', 'getDyad', 'getStudy']);
  });
});

describe('recordConsent', () => {
  it('records the current version once, with language and date, and asks again for a new version', async () => {
    const w = await world();
    const open = await w.open(w.tokens.client);
    expect(await needsConsent(w.deps, open)).toBe(true);
    expect(await recordConsent(w.deps, open, { version: 1, language: 'ar' })).toEqual({
      outcome: 'recorded',
      version: 1,
    });
    expect(await recordConsent(w.deps, open, { version: 1, language: 'ar' })).toMatchObject({
      outcome: 'already_recorded',
    });
    expect(await w.store.listConsents('DYAD#D-BBBBBB')).toEqual([
      { ownerKey: 'DYAD#D-BBBBBB', role: 'client', version: 1, language: 'ar', consentedOn: '2027-03-10' },
    ]);
    // The therapist of the same dyad consents for themself.
    expect(await needsConsent(w.deps, await w.open(w.tokens.therapist))).toBe(true);

    const study = (await w.store.getStudy())!;
    await w.store.putStudy({
      ...study,
      version: 2,
      consent: [...study.consent, { version: 2, text: { en: 'New.' } }],
    });
    const reopened = await w.open(w.tokens.client);
    expect(await needsConsent(w.deps, reopened)).toBe(true);
    await expect(recordConsent(w.deps, reopened, { version: 1, language: 'en' })).rejects.toMatchObject({
      details: [{ path: 'version', received: 1 }],
    });
  });
});

describe('consent copies', () => {
  it('copies the agreed version onto the dyad or therapist, so the next visit needs no consent query', async () => {
    const w = await world();
    await consented(w, w.tokens.client);
    await consented(w, w.tokens.therapistLink);
    expect((await w.store.getDyad('berlin', w.dyadId))?.consentVersions).toEqual({ client: 1 });
    expect((await w.store.getTherapist('berlin', w.therapistId))?.consentVersions).toEqual({ therapist: 1 });
    const open = await w.open(w.tokens.client);
    const calls = countCalls(w);
    expect(await needsConsent(w.deps, open)).toBe(false);
    expect(calls.names()).toEqual([]);
  });

  it('accepts a consent item without its copy (recorded earlier, or a crash between), and writes the copy when asked again', async () => {
    const w = await world();
    await w.store.putConsent({
      ownerKey: 'DYAD#D-BBBBBB',
      role: 'client',
      version: 1,
      language: 'de',
      consentedOn: '2027-03-01',
    });
    const open = await w.open(w.tokens.client);
    expect(await needsConsent(w.deps, open)).toBe(false);
    expect(await recordConsent(w.deps, open, { version: 1, language: 'de' })).toMatchObject({
      outcome: 'already_recorded',
    });
    expect((await w.store.getDyad('berlin', w.dyadId))?.consentVersions).toEqual({ client: 1 });
    expect(await w.store.listConsents('DYAD#D-BBBBBB')).toHaveLength(1);
  });

  it('asks again when the copy is of an older version', async () => {
    const w = await world();
    await consented(w, w.tokens.client);
    const study = (await w.store.getStudy())!;
    await w.store.putStudy({
      ...study,
      version: 2,
      consent: [...study.consent, { version: 2, text: { en: 'New.' } }],
    });
    expect(await needsConsent(w.deps, await w.open(w.tokens.client))).toBe(true);
  });
});

describe('nextStep', () => {
  it('asks for consent, then for the session (pre-filled with the next), then shows what is due in order', async () => {
    const w = await world();
    expect((await nextStep(w.deps, await w.open(w.tokens.client), {})).step).toBe('consent');
    const open = await consented(w, w.tokens.client);
    expect(await nextStep(w.deps, open, {})).toEqual({
      step: 'choose_session',
      suggested: 1,
      max: 10,
      open: [],
    });
    const first = await nextStep(w.deps, open, { session: 1 });
    expect(first.step === 'questionnaire' && [first.instrument.id, first.plan.due]).toEqual([
      'alliance-client',
      ['alliance-client', 'phq9'],
    ]);
    await submitResponse(w.deps, open, {
      session: 1,
      instrument: 'alliance-client',
      answers: answersAll(12, 4),
      language: 'en',
    });
    const second = await nextStep(w.deps, open, { session: 1 });
    expect(second.step === 'questionnaire' && second.instrument.id).toBe('phq9');
    await submitResponse(w.deps, open, {
      session: 1,
      instrument: 'phq9',
      answers: answersAll(9, 0),
      language: 'en',
    });
    expect((await nextStep(w.deps, open, { session: 1 })).step).toBe('done');
    expect(await nextStep(w.deps, await w.open(w.tokens.client), {})).toMatchObject({ suggested: 2 });
  });

  it('reads only the link, the dyad, the study and the responses for a page', async () => {
    const w = await world();
    await consented(w, w.tokens.client);
    const calls = countCalls(w);
    await nextStep(w.deps, await w.open(w.tokens.client), { session: 1 });
    expect(calls.names()).toEqual(['getLink', 'getDyad', 'getStudy', 'listResponses']);
  });

  it('says nothing is due at a session the role has nothing scheduled for', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.interpreter);
    expect((await nextStep(w.deps, open, { session: 3 })).step).toBe('nothing_due');
    expect((await nextStep(w.deps, open, { session: 4 })).step).toBe('questionnaire');
  });

  it('refuses a session beyond the bounds with the path session', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    await expect(nextStep(w.deps, open, { session: 11 })).rejects.toMatchObject({
      details: [{ path: 'session', received: 11 }],
    });
  });

  it('gives a therapist link the current month’s administration without asking for a session', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.therapistLink);
    const step = await nextStep(w.deps, open, {});
    expect(step.step === 'questionnaire' && [step.instrument.id, step.plan.session]).toEqual([
      'therapist-wellbeing',
      3,
    ]);
  });
});

describe('submitResponse', () => {
  it('makes at most 3 table calls after opening the link, whatever the outcome', async () => {
    const table = countingTable();
    const w = await world({}, new MemoryTandemStore(table));
    const open = await consented(w, w.tokens.client);
    const submit = async (submissionId: string | undefined, value: number) => {
      const before = table.calls.length;
      const result = await submitResponse(w.deps, open, {
        session: 1,
        instrument: 'phq9',
        answers: answersAll(9, value),
        language: 'en',
        submissionId,
      });
      return { outcome: result.outcome, calls: table.calls.slice(before) };
    };
    expect(await submit('first-submission-id-0', 1)).toEqual({
      outcome: 'created',
      calls: ['put', 'update'],
    });
    expect(await submit('first-submission-id-0', 1)).toEqual({
      outcome: 'repeat',
      calls: ['put', 'get', 'update'],
    });
    expect(await submit(undefined, 1)).toEqual({
      outcome: 'already_answered',
      calls: ['put', 'get', 'increment'],
    });
    const later = await consented(w, w.tokens.client);
    await withdraw(w.deps, await consented(w, w.tokens.client));
    const before = table.calls.length;
    const raced = await submitResponse(w.deps, later, {
      session: 1,
      instrument: 'alliance-client',
      answers: answersAll(12, 3),
      language: 'en',
    });
    expect({ outcome: raced.outcome, calls: table.calls.slice(before) }).toEqual({
      outcome: 'withdrawn',
      calls: ['put', 'update', 'delete'],
    });
  });

  it('opens a kept link and submits with 3 store calls in a warm process, for every kind of link', async () => {
    const w = await world();
    for (const token of Object.values(w.tokens)) await consented(w, token);
    w.deps.links = new LinkCache();
    w.deps.study = cachedStudy(w.deps.store, 60);
    for (const token of Object.values(w.tokens)) await w.open(token);
    const calls = countCalls(w);
    const cases = [
      { token: w.tokens.client, session: 1, instrument: 'phq9', items: 9 },
      { token: w.tokens.therapist, session: 1, instrument: 'alliance-therapist', items: 12 },
      { token: w.tokens.interpreter, session: 2, instrument: 'alliance-interpreter', items: 12 },
      { token: w.tokens.therapistLink, session: 3, instrument: 'therapist-wellbeing', items: 6 },
    ];
    for (const { token, session, instrument, items } of cases) {
      const before = calls.names().length;
      const result = await submitResponse(w.deps, await w.open(token), {
        session,
        instrument,
        answers: answersAll(items, 2),
        language: 'en',
      });
      expect(result.outcome).toBe('created');
      const made = calls.names().slice(before);
      expect(made).toHaveLength(3);
      expect(made.slice(1)).toEqual(['putResponse', 'noteSubmission']);
    }
  });

  it('refuses answers before consent', async () => {
    const w = await world();
    const open = await w.open(w.tokens.client);
    await expect(
      submitResponse(w.deps, open, {
        session: 1,
        instrument: 'phq9',
        answers: answersAll(9, 1),
        language: 'en',
      }),
    ).rejects.toBeInstanceOf(ConsentRequiredError);
    expect(await w.store.listResponses('DYAD#D-BBBBBB')).toEqual([]);
  });

  it('stores once (created), returns the same receipt for a repeat of the same submission id, and answers already_answered to any other', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const input = {
      session: 1,
      instrument: 'phq9',
      answers: { ...answersAll(8, 1), i9: null },
      language: 'de',
      submissionId: 'kR2mT8wLs0aBcDeFpQ3v9X',
    };
    const created = await submitResponse(w.deps, open, input);
    expect(created).toMatchObject({ outcome: 'created', receipt: expect.stringMatching(/^R-[2-9A-Z]{8}$/) });
    const again = await submitResponse(w.deps, open, input);
    expect(again).toEqual({ ...created, outcome: 'repeat' });
    // The same answers under another id, no id, or other answers: all the same answer.
    const others = [
      { ...input, submissionId: 'zzzzzzzzzzzzzzzzzzzzzz' },
      { ...input, submissionId: undefined },
      { ...input, answers: answersAll(9, 2), submissionId: undefined },
      { ...input, answers: answersAll(9, 2), submissionId: 'yyyyyyyyyyyyyyyyyyyyyy' },
    ];
    for (const other of others)
      expect(await submitResponse(w.deps, open, other)).toEqual({ outcome: 'already_answered' });
    const stored = await w.store.listResponses('DYAD#D-BBBBBB');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      siteId: 'berlin',
      therapistId: 'T-AAAAAA',
      dyadId: 'D-BBBBBB',
      role: 'client',
      session: 1,
      instrument: 'phq9',
      language: 'de',
      submittedOn: '2027-03-10',
      answers: { ...answersAll(8, 1), i9: null },
      submissionId: 'kR2mT8wLs0aBcDeFpQ3v9X',
    });
  });

  it('never treats a submission without an id as a repeat, even of another without one', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const input = { session: 1, instrument: 'phq9', answers: answersAll(9, 1), language: 'en' };
    expect((await submitResponse(w.deps, open, input)).outcome).toBe('created');
    expect(await submitResponse(w.deps, open, input)).toEqual({ outcome: 'already_answered' });
  });

  it(`answers too_many_attempts after ${ALREADY_ANSWERED_LIMIT} already_answered for a link within the hour`, async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const input = { session: 1, instrument: 'phq9', answers: answersAll(9, 1), language: 'en' };
    await submitResponse(w.deps, open, input);
    const outcomes = [];
    for (let i = 0; i < ALREADY_ANSWERED_LIMIT + 2; i++)
      outcomes.push((await submitResponse(w.deps, open, input)).outcome);
    expect(outcomes).toEqual([
      ...Array(ALREADY_ANSWERED_LIMIT).fill('already_answered'),
      'too_many_attempts',
      'too_many_attempts',
    ]);
    // Another link is counted apart; the next hour starts afresh.
    const therapist = await consented(w, w.tokens.therapist);
    const rating = {
      session: 1,
      instrument: 'alliance-therapist',
      answers: answersAll(12, 1),
      language: 'en',
    };
    await submitResponse(w.deps, therapist, rating);
    expect((await submitResponse(w.deps, therapist, rating)).outcome).toBe('already_answered');
    w.setNow('2027-03-10T11:00:00Z');
    expect((await submitResponse(w.deps, open, input)).outcome).toBe('already_answered');
  });

  it('refuses a malformed submission id with its path', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const input = { session: 1, instrument: 'phq9', answers: answersAll(9, 1), language: 'en' };
    await expect(submitResponse(w.deps, open, { ...input, submissionId: 'short' })).rejects.toMatchObject({
      details: [{ path: 'submissionId', received: 'short' }],
    });
  });

  it('refuses unknown items, out-of-range values and wrong types with their paths', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const error = await submitResponse(w.deps, open, {
      session: 1,
      instrument: 'phq9',
      answers: { i1: 4, i2: '2', i3: 1.5, i10: 1, i4: null },
      language: 'en',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { path: 'answers.i1', message: 'must be a whole number from 0 to 3', received: 4 },
      { path: 'answers.i2', message: 'expected a whole number or null', received: '2' },
      { path: 'answers.i3', message: 'must be a whole number from 0 to 3', received: 1.5 },
      { path: 'answers.i10', message: 'phq9 has no item i10' },
    ]);
  });

  it('refuses an instrument not scheduled for the role at that session, and an unknown instrument', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const at = (session: number, instrument: string) =>
      submitResponse(w.deps, open, { session, instrument, answers: answersAll(9, 1), language: 'en' });
    await expect(at(2, 'phq9')).rejects.toBeInstanceOf(NotScheduledError);
    await expect(at(1, 'gad7')).rejects.toMatchObject({ code: 'not_scheduled' });
    await expect(at(1, 'alliance-therapist')).rejects.toMatchObject({ code: 'not_scheduled' });
    await expect(at(1, 'nope')).rejects.toMatchObject({
      code: 'invalid_input',
      details: [{ path: 'instrument' }],
    });
  });

  it('raises the dyad’s current session and dates each session’s first report', async () => {
    const w = await world();
    const therapist = await consented(w, w.tokens.therapist);
    await submitResponse(w.deps, therapist, {
      session: 3,
      instrument: 'alliance-therapist',
      answers: answersAll(12, 3),
      language: 'en',
    });
    w.setNow('2027-03-12T09:00:00Z');
    const client = await consented(w, w.tokens.client);
    await submitResponse(w.deps, client, {
      session: 2,
      instrument: 'alliance-client',
      answers: answersAll(12, 3),
      language: 'en',
    });
    const dyad = await w.store.getDyad('berlin', w.dyadId);
    expect(dyad).toMatchObject({ currentSession: 3, sessionDates: { '3': '2027-03-10', '2': '2027-03-12' } });
    expect(dyad?.safetyFollowUps).toBeUndefined();
  });

  it('marks the dyad for safety follow-up when PHQ-9 item 9 is 1 or more, with notifySite', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.client);
    const result = await submitResponse(w.deps, open, {
      session: 1,
      instrument: 'phq9',
      answers: { ...answersAll(9, 0), i9: 1 },
      language: 'en',
    });
    expect(result.outcome === 'created' && result.safety).toBe(true);
    expect((await w.store.getDyad('berlin', w.dyadId))?.safetyFollowUps).toEqual([
      { id: 'client-1', role: 'client', openedOn: '2027-03-10' },
    ]);
  });

  it('does not mark the dyad when the study does not notify sites', async () => {
    const w = await world({ safety: { crisisText: { en: 'Call 112.' }, notifySite: false } });
    const open = await consented(w, w.tokens.client);
    await submitResponse(w.deps, open, {
      session: 1,
      instrument: 'phq9',
      answers: answersAll(9, 3),
      language: 'en',
    });
    expect((await w.store.getDyad('berlin', w.dyadId))?.safetyFollowUps).toBeUndefined();
  });

  it('accepts a therapist-level instrument only for the current monthly administration', async () => {
    const w = await world();
    const open = await consented(w, w.tokens.therapistLink);
    const submit = (session: number) =>
      submitResponse(w.deps, open, {
        session,
        instrument: 'therapist-wellbeing',
        answers: answersAll(6, 2),
        language: 'en',
      });
    await expect(submit(2)).rejects.toMatchObject({ code: 'not_scheduled' });
    expect((await submit(3)).outcome).toBe('created');
    expect((await w.store.listResponses('THER#T-AAAAAA'))[0]).toMatchObject({ dyadId: null, session: 3 });
  });
});

describe('validateAnswers', () => {
  it('fills skipped items with null and requires at least one answer', () => {
    expect(validateAnswers(phq9, { i1: 2 })).toEqual({
      ...Object.fromEntries(phq9.items.map((i) => [i.id, null])),
      i1: 2,
    });
    expect(() => validateAnswers(phq9, { i1: null })).toThrow(/No question was answered/);
    expect(() => validateAnswers(phq9, [1, 2])).toThrow(ValidationError);
  });
});

describe('dueFor', () => {
  const base = async () => {
    const w = await world();
    const study = (await w.store.getStudy())!;
    const dyad = (await w.store.getDyad('berlin', w.dyadId))!;
    return { w, study, dyad };
  };

  it('lists every scheduled session the dyad has reached and the role has not answered', async () => {
    const { study, dyad } = await base();
    const reached = { ...dyad, currentSession: 5, sessionDates: { '1': '2027-02-01', '5': '2027-03-09' } };
    const due = dueFor(
      study,
      { dyad: reached, role: 'client' },
      [{ role: 'client', session: 1, instrument: 'phq9' }],
      new Date('2027-03-10T10:00:00Z'),
    );
    expect(due.map((d) => `${d.instrument}@${d.session}`)).toEqual([
      'alliance-client@1',
      'alliance-client@2',
      'alliance-client@3',
      'alliance-client@4',
      'alliance-client@5',
      'phq9@5',
    ]);
    expect(due[0]).toMatchObject({ dueSince: '2027-02-01', overdue: true });
    expect(due[1]).toMatchObject({ dueSince: null, overdue: false });
    expect(due[4]).toMatchObject({ dueSince: '2027-03-09', overdue: false });
  });

  it('makes an administration overdue exactly overdueDays after its session was first reported', async () => {
    const { study, dyad } = await base();
    const reached = { ...dyad, currentSession: 1, sessionDates: { '1': '2027-03-01' } };
    const at = (iso: string) =>
      dueFor(study, { dyad: reached, role: 'client' }, [], new Date(iso))[0]?.overdue;
    expect(at('2027-03-14T12:00:00Z')).toBe(false);
    expect(at('2027-03-15T12:00:00Z')).toBe(true);
  });

  it('owes `last` only once the dyad has ended, and nothing once it has withdrawn', async () => {
    const { study, dyad } = await base();
    const now = new Date('2027-03-10T10:00:00Z');
    const active = { ...dyad, currentSession: 7 };
    const done = [1, 2, 3, 4, 5].flatMap((session) => [
      { role: 'client' as const, session, instrument: 'alliance-client' },
    ]);
    const answered = [
      ...done,
      { role: 'client' as const, session: 1, instrument: 'phq9' },
      { role: 'client' as const, session: 5, instrument: 'phq9' },
    ];
    expect(dueFor(study, { dyad: active, role: 'client' }, answered, now)).toEqual([]);
    const ended = { ...active, status: 'ended' as const, lastSession: 7 };
    expect(
      dueFor(study, { dyad: ended, role: 'client' }, answered, now).map(
        (d) => `${d.instrument}@${d.session}`,
      ),
    ).toEqual(['phq9@7']);
    expect(dueFor(study, { dyad: { ...ended, status: 'withdrawn' }, role: 'client' }, [], now)).toEqual([]);
  });

  it('owes a therapist one administration per calendar month in the study time zone', async () => {
    const { w, study } = await base();
    const therapist = (await w.store.getTherapist('berlin', w.therapistId))!;
    // 23:30 UTC on 31 March is already April in Berlin.
    const april = new Date('2027-03-31T23:30:00Z');
    expect(monthlyAdministration(study, therapist, april)).toEqual({ session: 4, since: '2027-04-01' });
    expect(monthlyAdministration(study, therapist, new Date('2027-01-20T10:00:00Z'))).toEqual({
      session: 1,
      since: '2027-01-15',
    });
    const due = dueFor(
      study,
      { therapist },
      [{ role: 'therapist', session: 3, instrument: 'therapist-wellbeing' }],
      new Date('2027-03-20T10:00:00Z'),
    );
    expect(due).toEqual([]);
    expect(dueFor(study, { therapist }, [], new Date('2027-03-20T10:00:00Z'))).toEqual([
      {
        instrument: 'therapist-wellbeing',
        role: 'therapist',
        session: 3,
        dueSince: '2027-03-01',
        overdue: true,
      },
    ]);
  });
});

describe('withdraw', () => {
  async function withAnswers() {
    const w = await world();
    const client = await consented(w, w.tokens.client);
    const therapist = await consented(w, w.tokens.therapist);
    const interpreter = await consented(w, w.tokens.interpreter);
    const therapistLink = await consented(w, w.tokens.therapistLink);
    await submitResponse(w.deps, client, {
      session: 2,
      instrument: 'alliance-client',
      answers: answersAll(12, 4),
      language: 'en',
    });
    await submitResponse(w.deps, therapist, {
      session: 2,
      instrument: 'alliance-therapist',
      answers: answersAll(12, 3),
      language: 'en',
    });
    await submitResponse(w.deps, interpreter, {
      session: 2,
      instrument: 'alliance-interpreter',
      answers: answersAll(12, 5),
      language: 'en',
    });
    await submitResponse(w.deps, therapistLink, {
      session: 3,
      instrument: 'therapist-wellbeing',
      answers: answersAll(6, 2),
      language: 'en',
    });
    return w;
  }

  it('deletes every response and consent of the dyad when the client withdraws, and its links answer gone', async () => {
    const w = await withAnswers();
    expect(await withdraw(w.deps, await w.open(w.tokens.client))).toEqual({
      scope: 'dyad',
      responsesDeleted: 3,
    });
    expect(await w.store.listResponses('DYAD#D-BBBBBB')).toEqual([]);
    expect(await w.store.listConsents('DYAD#D-BBBBBB')).toEqual([]);
    expect((await w.store.getDyad('berlin', w.dyadId))?.status).toBe('withdrawn');
    for (const token of [w.tokens.client, w.tokens.therapist, w.tokens.interpreter])
      expect((await openLink(w.deps, { token })).outcome).toBe('gone');
    expect((await w.store.getLink(hashToken(w.tokens.client)))?.withdrawn).toBe(true);
    // The therapist's own therapist-level answers are theirs, not the dyad's.
    expect(await w.store.listResponses('THER#T-AAAAAA')).toHaveLength(1);
  });

  it('deletes a therapist’s own responses in every dyad and their therapist-level ones, and keeps the client’s', async () => {
    const w = await withAnswers();
    expect(await withdraw(w.deps, await w.open(w.tokens.therapist))).toEqual({
      scope: 'therapist',
      responsesDeleted: 2,
    });
    expect((await w.store.listResponses('DYAD#D-BBBBBB')).map((r) => r.role).sort()).toEqual([
      'client',
      'interpreter',
    ]);
    expect(await w.store.listResponses('THER#T-AAAAAA')).toEqual([]);
    expect(await w.store.listConsents('THER#T-AAAAAA')).toEqual([]);
    expect((await w.store.listConsents('DYAD#D-BBBBBB')).map((c) => c.role)).toEqual([
      'client',
      'interpreter',
    ]);
    expect((await openLink(w.deps, { token: w.tokens.therapist })).outcome).toBe('gone');
    expect((await openLink(w.deps, { token: w.tokens.therapistLink })).outcome).toBe('gone');
    expect((await openLink(w.deps, { token: w.tokens.client })).outcome).toBe('open');
  });

  it('deletes only the interpreter’s responses when the interpreter withdraws', async () => {
    const w = await withAnswers();
    expect(await withdraw(w.deps, await w.open(w.tokens.interpreter))).toEqual({
      scope: 'interpreter',
      responsesDeleted: 1,
    });
    expect((await w.store.listResponses('DYAD#D-BBBBBB')).map((r) => r.role).sort()).toEqual([
      'client',
      'therapist',
    ]);
    expect((await openLink(w.deps, { token: w.tokens.interpreter })).outcome).toBe('gone');
    expect((await w.store.getDyad('berlin', w.dyadId))?.status).toBe('active');
    // A new interpreter on a new link is asked for consent: the copy went with the consent.
    expect((await w.store.getDyad('berlin', w.dyadId))?.consentVersions).toEqual({ client: 1, therapist: 1 });
  });

  it('takes back a submission opened before the client withdrew and written after, for every role of the dyad', async () => {
    const w = await world();
    const opened = {
      client: await consented(w, w.tokens.client),
      therapist: await consented(w, w.tokens.therapist),
      interpreter: await consented(w, w.tokens.interpreter),
    };
    await withdraw(w.deps, opened.client);
    const late = [
      answer(w, opened.client, 1, 'phq9', 9),
      answer(w, opened.therapist, 1, 'alliance-therapist', 12),
      answer(w, opened.interpreter, 2, 'alliance-interpreter', 12),
    ];
    expect((await Promise.all(late)).map((r) => r.outcome)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    expect(await w.store.listResponses('DYAD#D-BBBBBB')).toEqual([]);
  });

  it('takes back a therapist’s dyad-level and own ratings opened before the therapist withdrew', async () => {
    const w = await world();
    const inDyad = await consented(w, w.tokens.therapist);
    const own = await consented(w, w.tokens.therapistLink);
    const client = await consented(w, w.tokens.client);
    await withdraw(w.deps, own);
    const rating = await answer(w, inDyad, 1, 'alliance-therapist', 12);
    const wellbeing = await answer(w, own, 3, 'therapist-wellbeing', 6);
    expect([rating.outcome, wellbeing.outcome]).toEqual(['withdrawn', 'withdrawn']);
    expect(await w.store.listResponses('DYAD#D-BBBBBB')).toEqual([]);
    expect(await w.store.listResponses('THER#T-AAAAAA')).toEqual([]);
    // The client stays in the study.
    const answered = await answer(w, client, 1, 'phq9', 9);
    expect(answered.outcome).toBe('created');
  });

  it('takes back an interpreter’s rating opened before the interpreter withdrew', async () => {
    const w = await world();
    const interpreter = await consented(w, w.tokens.interpreter);
    await withdraw(w.deps, interpreter);
    const late = await answer(w, interpreter, 2, 'alliance-interpreter', 12);
    expect(late.outcome).toBe('withdrawn');
    expect(await w.store.listResponses('DYAD#D-BBBBBB')).toEqual([]);
  });

  it('removes the consent copies of a withdrawing therapist from their item and their dyads', async () => {
    const w = await withAnswers();
    await withdraw(w.deps, await w.open(w.tokens.therapist));
    expect((await w.store.getDyad('berlin', w.dyadId))?.consentVersions).toEqual({
      client: 1,
      interpreter: 1,
    });
    expect((await w.store.getTherapist('berlin', w.therapistId))?.consentVersions).toEqual({});
  });
});

describe('openLink with kept links', () => {
  async function keeping() {
    const w = await world();
    for (const token of Object.values(w.tokens)) await consented(w, token);
    w.deps.links = new LinkCache();
    for (const token of Object.values(w.tokens)) await w.open(token);
    return w;
  }

  it('opens a kept link of a consented owner without reading the link again', async () => {
    const w = await keeping();
    const calls = countCalls(w);
    expect((await openLink(w.deps, { token: w.tokens.client })).outcome).toBe('open');
    expect(calls.names()).toEqual(['getDyad', 'getStudy']);
  });

  it('answers gone for kept links after each kind of withdrawal', async () => {
    const interpreter = await keeping();
    await withdraw(interpreter.deps, await interpreter.open(interpreter.tokens.interpreter));
    expect((await openLink(interpreter.deps, { token: interpreter.tokens.interpreter })).outcome).toBe(
      'gone',
    );
    expect((await openLink(interpreter.deps, { token: interpreter.tokens.client })).outcome).toBe('open');

    const therapist = await keeping();
    await withdraw(therapist.deps, await therapist.open(therapist.tokens.therapist));
    for (const token of [therapist.tokens.therapist, therapist.tokens.therapistLink])
      expect((await openLink(therapist.deps, { token })).outcome).toBe('gone');

    const client = await keeping();
    await withdraw(client.deps, await client.open(client.tokens.client));
    for (const token of [client.tokens.client, client.tokens.therapist, client.tokens.interpreter])
      expect((await openLink(client.deps, { token })).outcome).toBe('gone');
  });

  it('answers not_found for a kept link that has been rotated, and reads it again for a new consent version', async () => {
    const w = await keeping();
    const dyad = (await w.store.getDyad('berlin', w.dyadId))!;
    await w.store.putDyad({ ...dyad, linkHashes: { ...dyad.linkHashes, client: hashToken(newToken()) } });
    expect((await openLink(w.deps, { token: w.tokens.client })).outcome).toBe('not_found');
    const study = (await w.store.getStudy())!;
    await w.store.putStudy({
      ...study,
      version: 2,
      consent: [...study.consent, { version: 2, text: { en: 'New.' } }],
    });
    const calls = countCalls(w);
    expect((await openLink(w.deps, { token: w.tokens.therapist })).outcome).toBe('open');
    expect(calls.names()).toContain('getLink');
  });
});

describe('LinkCache', () => {
  it('keeps at most its size, dropping the oldest, and never keeps a tombstone', () => {
    const links = new LinkCache(2);
    const link = (tokenHash: string, withdrawn?: boolean) => ({
      tokenHash,
      owner: {
        kind: 'therapist' as const,
        siteId: 'berlin',
        therapistId: 'T-AAAAAA',
        role: 'therapist' as const,
      },
      language: 'en',
      createdAt: '2027-03-10T10:00:00.000Z',
      ...(withdrawn ? { withdrawn } : {}),
    });
    for (const hash of ['a', 'b', 'c']) links.keep(link(hash));
    links.keep(link('d', true));
    expect(['a', 'b', 'c', 'd'].map((hash) => links.get(hash) !== undefined)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});

describe('cachedStudy', () => {
  it('reads the study once per time to live, sharing a read between simultaneous callers', async () => {
    const w = await world();
    const calls = countCalls(w);
    let nowMs = 0;
    const read = cachedStudy(w.deps.store, 60, () => nowMs);
    const [first, second] = await Promise.all([read(), read()]);
    expect(first?.studyId).toBe('alliance-test');
    expect(second).toBe(first);
    nowMs = 59_999;
    await read();
    expect(calls.names()).toEqual(['getStudy']);
    nowMs = 60_000;
    await read();
    expect(calls.names()).toEqual(['getStudy', 'getStudy']);
  });

  it('keeps nothing while no study is stored, so a study seeded later is seen at once', async () => {
    const store = new MemoryTandemStore();
    const read = cachedStudy(store, 60, () => 0);
    expect(await read()).toBeUndefined();
    const w = await world();
    await store.putStudy((await w.store.getStudy())!);
    expect((await read())?.studyId).toBe('alliance-test');
  });
});
