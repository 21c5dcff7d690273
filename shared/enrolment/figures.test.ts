import { describe, expect, it } from 'vitest';
import { recordConsent } from '../participation/consent.ts';
import { openLink } from '../participation/open-link.ts';
import { submitResponse } from '../participation/submit.ts';
import { addTherapist } from './add-therapist.ts';
import { closeSafetyFollowUp } from './close-follow-up.ts';
import { endDyad } from './end-dyad.ts';
import { enrolDyad } from './enrol-dyad.ts';
import { enrolmentFigures, figuresCsv } from './figures.ts';
import { getDyad, listDyads } from './list-dyads.ts';
import { testDeps } from './test-support.ts';
import { withdrawDyad } from './withdraw-dyad.ts';

const actor = 'coordinator-sub';
const allianceAnswers = (value: number) =>
  Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`i${i + 1}`, value]));
const phqAnswers = (item9: number) => ({ i1: 1, i2: 1, i3: 0, i4: 0, i5: 0, i6: 0, i7: 0, i8: 0, i9: item9 });

/** A participant answering through the participant use cases, as the routes do. */
async function answer(
  deps: Awaited<ReturnType<typeof testDeps>>['deps'],
  url: string,
  session: number,
  instrument: string,
  answers: Record<string, number>,
) {
  const open = await openLink(deps, { token: url.slice(url.lastIndexOf('/') + 1) });
  if (open.outcome !== 'open') throw new Error(`link is ${open.outcome}`);
  await recordConsent(deps, open, { version: 1, language: 'en' });
  const again = await openLink(deps, { token: url.slice(url.lastIndexOf('/') + 1) });
  if (again.outcome !== 'open') throw new Error(`link is ${again.outcome}`);
  return submitResponse(deps, again, { session, instrument, answers, language: 'en' });
}

async function site() {
  const ctx = await testDeps('2027-01-10T09:00:00Z');
  const { therapist } = await addTherapist(ctx.deps, { actor, siteId: 'berlin' });
  const enrol = (interpreter = false) =>
    enrolDyad(ctx.deps, {
      actor,
      siteId: 'berlin',
      therapistId: therapist.therapistId,
      modality: 'in_person',
      interpreter,
      language: 'en',
    });
  return { ...ctx, therapist, enrol };
}

describe('listDyads', () => {
  it('shows each role’s due questionnaires once the session is reported, and none once answered', async () => {
    const { deps, enrol } = await site();
    const a = await enrol();
    expect((await listDyads(deps, 'berlin'))[0]?.due).toEqual({
      client: { items: [], overdue: 0 },
      therapist: { items: [], overdue: 0 },
    });
    await answer(deps, a.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    const [view] = await listDyads(deps, 'berlin');
    expect(view?.currentSession).toBe(1);
    expect(view?.due.client?.items.map((i) => i.instrument)).toEqual(['phq9']);
    expect(view?.due.therapist?.items.map((i) => [i.instrument, i.session])).toEqual([
      ['alliance-therapist', 1],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/answers|linkHashes/);
  });

  it('marks what is still due overdueDays after the session was first reported', async () => {
    const { deps, time, enrol } = await site();
    const a = await enrol();
    await answer(deps, a.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    time.set('2027-01-23T12:00:00Z');
    expect((await getDyad(deps, { siteId: 'berlin', dyadId: a.dyad.dyadId })).due.therapist?.overdue).toBe(0);
    time.set('2027-01-24T12:00:00Z');
    const view = await getDyad(deps, { siteId: 'berlin', dyadId: a.dyad.dyadId });
    expect(view.due.therapist).toMatchObject({
      overdue: 1,
      items: [{ dueSince: '2027-01-10', overdue: true }],
    });
  });
});

describe('enrolmentFigures', () => {
  it('lists an ended dyad as overdue only for its last administration, and a withdrawn one never', async () => {
    const { deps, time, enrol } = await site();
    const ended = await enrol();
    const withdrawn = await enrol();
    await answer(deps, ended.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    await answer(deps, withdrawn.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    time.set('2027-02-01T09:00:00Z');
    await answer(deps, ended.links.client.url, 2, 'alliance-client', allianceAnswers(4));
    await endDyad(deps, { actor, siteId: 'berlin', dyadId: ended.dyad.dyadId, lastSession: 2 });
    await withdrawDyad(deps, { actor, siteId: 'berlin', dyadId: withdrawn.dyad.dyadId });
    time.set('2027-03-01T09:00:00Z');
    const figures = await enrolmentFigures(deps, 'berlin');
    // Session 1 (phq9 `first`, the therapist's rating) is still due, but only session 2 is chased.
    expect(figures.overdue).toEqual([
      {
        dyadId: ended.dyad.dyadId,
        therapistId: ended.dyad.therapistId,
        items: [
          { role: 'client', instrument: 'phq9', session: 2, dueSince: '2027-02-01', daysDue: 28 },
          {
            role: 'therapist',
            instrument: 'alliance-therapist',
            session: 2,
            dueSince: '2027-02-01',
            daysDue: 28,
          },
        ],
      },
    ]);
    const row = figures.schedule.find(
      (r) => r.role === 'client' && r.session === 1 && r.instrument === 'phq9',
    );
    expect(row).toMatchObject({ due: 1, completed: 0 });
  });

  it('counts dyads by status and cumulative enrolment by month against the target', async () => {
    const { deps, time, enrol } = await site();
    await enrol();
    time.set('2027-03-05T09:00:00Z');
    const b = await enrol();
    const c = await enrol();
    await endDyad(deps, { actor, siteId: 'berlin', dyadId: b.dyad.dyadId, lastSession: 1 });
    await withdrawDyad(deps, { actor, siteId: 'berlin', dyadId: c.dyad.dyadId });
    const figures = await enrolmentFigures(deps, 'berlin');
    expect(figures.dyads).toEqual({ enrolled: 3, active: 1, ended: 1, withdrawn: 1 });
    expect(figures.targetDyads).toBe(4);
    expect(figures.therapists).toEqual({ total: 1, active: 1 });
    expect(figures.byMonth).toEqual([
      { month: '2027-01', enrolled: 1, cumulative: 1 },
      { month: '2027-02', enrolled: 0, cumulative: 1 },
      { month: '2027-03', enrolled: 2, cumulative: 3 },
    ]);
  });

  it('gives due, completed and response rate per scheduled instrument, role and session', async () => {
    const { deps, time, enrol } = await site();
    const a = await enrol();
    const b = await enrol(true);
    await answer(deps, a.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    await answer(deps, a.links.client.url, 1, 'phq9', phqAnswers(0));
    await answer(deps, b.links.client.url, 1, 'alliance-client', allianceAnswers(3));
    await answer(deps, a.links.therapist.url, 1, 'alliance-therapist', allianceAnswers(3));
    await answer(deps, a.links.client.url, 2, 'alliance-client', allianceAnswers(5));
    time.set('2027-02-01T09:00:00Z');
    const figures = await enrolmentFigures(deps, 'berlin');
    const row = (role: string, session: number, instrument: string) =>
      figures.schedule.find((r) => r.role === role && r.session === session && r.instrument === instrument);
    expect(row('client', 1, 'alliance-client')).toMatchObject({ due: 2, completed: 2, responseRate: 1 });
    expect(row('client', 1, 'phq9')).toMatchObject({ due: 2, completed: 1, responseRate: 0.5 });
    expect(row('therapist', 1, 'alliance-therapist')).toMatchObject({
      due: 2,
      completed: 1,
      responseRate: 0.5,
    });
    expect(row('interpreter', 1, 'alliance-interpreter')).toMatchObject({
      due: 1,
      completed: 0,
      responseRate: 0,
    });
    expect(row('client', 2, 'alliance-client')).toMatchObject({ due: 1, completed: 1 });
    expect(row('therapist', 2, 'alliance-therapist')).toMatchObject({ due: 1, completed: 0 });
    expect(figures.overdue.map((d) => d.dyadId).sort()).toEqual([a.dyad.dyadId, b.dyad.dyadId].sort());
    expect(JSON.stringify(figures)).not.toMatch(/answers/);
  });

  it('lists an open safety follow-up without any answer, and keeps it when the dyad withdraws', async () => {
    const { deps, enrol } = await site();
    const a = await enrol();
    await answer(deps, a.links.client.url, 1, 'phq9', phqAnswers(2));
    const open = [
      {
        id: 'client-1',
        dyadId: a.dyad.dyadId,
        therapistId: a.dyad.therapistId,
        role: 'client',
        openedOn: '2027-01-10',
      },
    ];
    expect((await enrolmentFigures(deps, 'berlin')).safetyFollowUps).toEqual(open);
    await withdrawDyad(deps, { actor, siteId: 'berlin', dyadId: a.dyad.dyadId });
    const figures = await enrolmentFigures(deps, 'berlin');
    expect(figures.safetyFollowUps).toEqual(open);
    expect(JSON.stringify(figures)).not.toMatch(/answers|"i9"/);
  });

  it('drops a follow-up once closed, records who and when, and opens a new one for a later flag', async () => {
    const { deps, store, time, enrol } = await site();
    const a = await enrol();
    const dyadId = a.dyad.dyadId;
    await answer(deps, a.links.client.url, 1, 'phq9', phqAnswers(1));
    time.set('2027-01-12T15:30:00Z');
    const closed = await closeSafetyFollowUp(deps, {
      actor,
      siteId: 'berlin',
      dyadId,
      followUpId: 'client-1',
    });
    expect(closed).toEqual({
      id: 'client-1',
      role: 'client',
      openedOn: '2027-01-10',
      closedAt: '2027-01-12T15:30:00.000Z',
      closedBy: actor,
    });
    expect((await enrolmentFigures(deps, 'berlin')).safetyFollowUps).toEqual([]);
    const events = await store.listAudit('2027-01-12', '2027-01-12');
    expect(events).toMatchObject([
      {
        actor,
        action: 'dyad.follow-up.close',
        siteId: 'berlin',
        target: dyadId,
        detail: { followUp: 'client-1' },
      },
    ]);

    // Closing again keeps the first closure and writes no second event.
    time.set('2027-01-13T08:00:00Z');
    const again = await closeSafetyFollowUp(deps, {
      actor: 'lead',
      siteId: 'berlin',
      dyadId,
      followUpId: 'client-1',
    });
    expect(again).toEqual(closed);
    expect(await store.listAudit('2027-01-13', '2027-01-13')).toEqual([]);

    await endDyad(deps, { actor, siteId: 'berlin', dyadId, lastSession: 3 });
    time.set('2027-02-03T10:00:00Z');
    await answer(deps, a.links.client.url, 3, 'phq9', phqAnswers(3));
    expect((await enrolmentFigures(deps, 'berlin')).safetyFollowUps).toEqual([
      { id: 'client-3', dyadId, therapistId: a.dyad.therapistId, role: 'client', openedOn: '2027-02-03' },
    ]);
    expect((await getDyad(deps, { siteId: 'berlin', dyadId })).safetyFollowUps.map((f) => f.id)).toEqual([
      'client-1',
      'client-3',
    ]);
  });

  it('refuses to close a follow-up the dyad does not have (404)', async () => {
    const { deps, enrol } = await site();
    const a = await enrol();
    const close = (dyadId: string) =>
      closeSafetyFollowUp(deps, { actor, siteId: 'berlin', dyadId, followUpId: 'client-1' });
    await expect(close(a.dyad.dyadId)).rejects.toMatchObject({ status: 404 });
    await expect(close('D-ZZZZZZ')).rejects.toMatchObject({ status: 404 });
  });

  it('writes the same figures as a long CSV', async () => {
    const { deps, enrol } = await site();
    const a = await enrol();
    await answer(deps, a.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    const csv = figuresCsv(await enrolmentFigures(deps, 'berlin'));
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('site,figure,month,instrument,role,session,value');
    expect(lines).toContain('berlin,target_dyads,,,,,4');
    expect(lines).toContain('berlin,dyads_enrolled_cumulative,2027-01,,,,1');
    expect(lines).toContain('berlin,dyad_completed,,alliance-client,client,1,1');
    expect(lines).toContain('berlin,dyad_response_rate,,phq9,client,1,0');
    expect(csv.endsWith('\n')).toBe(true);
  });
});

describe('withdrawDyad', () => {
  it('deletes every response and consent of the dyad and makes its links answer gone', async () => {
    const { deps, store, enrol } = await site();
    const a = await enrol();
    await answer(deps, a.links.client.url, 1, 'alliance-client', allianceAnswers(4));
    await answer(deps, a.links.therapist.url, 1, 'alliance-therapist', allianceAnswers(4));
    const dyad = await withdrawDyad(deps, { actor, siteId: 'berlin', dyadId: a.dyad.dyadId });
    expect(dyad.status).toBe('withdrawn');
    expect(await store.listResponses(`DYAD#${a.dyad.dyadId}`)).toEqual([]);
    expect(await store.listConsents(`DYAD#${a.dyad.dyadId}`)).toEqual([]);
    const token = a.links.client.url.slice(a.links.client.url.lastIndexOf('/') + 1);
    expect((await openLink(deps, { token })).outcome).toBe('gone');
    const [event] = (await store.listAudit('2027-01-10', '2027-01-10')).filter(
      (e) => e.action === 'dyad.withdraw',
    );
    expect(event).toMatchObject({ actor, target: a.dyad.dyadId, detail: { responsesDeleted: 2 } });
  });
});
