import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { api, startTestStack } from '../local/harness.ts';
import { alliance, COORDINATOR_STUDY, linkPath, phq9 } from './study.ts';

// The whole coordinator flow over HTTP against the local stack (dynalite, real handlers), with the
// participants' submissions made through the participant routes.

let stack: LocalServer;
let http: ReturnType<typeof api>;
beforeAll(async () => {
  stack = await startTestStack({ study: COORDINATOR_STUDY });
  http = api(stack);
});
afterAll(async () => stack?.stop());

const as = 'coordinator-berlin';
const site = '/api/v1/sites/berlin';

interface Links {
  client: string;
  therapist: string;
  interpreter?: string;
}
interface Enrolled {
  dyad: { dyadId: string; status: string };
  links: Links;
}

/** Consents (once) and submits one questionnaire through the participant routes. */
async function answer(url: string, session: number, instrument: string, answers: Record<string, number>) {
  const path = linkPath(url);
  const consent = await http.post(`${path}/consent`, { version: 1 });
  expect(consent.status).toBeLessThan(400);
  const submitted = await http.post<{ receipt: string }>(path, { session, instrument, answers });
  expect(submitted.status).toBe(201);
  return submitted.body.receipt;
}

describe('enrolment over HTTP', () => {
  let therapistId: string;
  let a: Enrolled;
  let b: Enrolled;
  let c: Enrolled;

  it('adds a therapist with a link shown once', async () => {
    const added = await http.post<{ therapist: { therapistId: string }; link: string }>(
      `${site}/therapists`,
      {},
      { as },
    );
    expect(added.status).toBe(201);
    therapistId = added.body.therapist.therapistId;
    expect(therapistId).toMatch(/^T-[2-9A-Z]{6}$/);
    expect(added.body.link.startsWith(`${stack.url}/s/`)).toBe(true);
    expect((await http.get(linkPath(added.body.link), { headers: { accept: 'text/html' } })).status).toBe(
      200,
    );
  });

  it('enrols dyads with their links, which open the participant pages', async () => {
    const enrol = async (interpreter: boolean) => {
      const response = await http.post<Enrolled>(
        `${site}/dyads`,
        { therapistId, modality: 'online', interpreter, language: 'en' },
        { as },
      );
      expect(response.status).toBe(201);
      return response.body;
    };
    a = await enrol(false);
    b = await enrol(false);
    c = await enrol(true);
    expect(Object.keys(a.links).sort()).toEqual(['client', 'therapist']);
    expect(Object.keys(c.links).sort()).toEqual(['client', 'interpreter', 'therapist']);
    for (const url of Object.values(c.links)) {
      expect(url.startsWith(`${stack.url}/s/`)).toBe(true);
      expect((await http.get(linkPath(url), { headers: { accept: 'text/html' } })).status).toBe(200);
    }
  });

  it('refuses a bad enrolment with the field paths', async () => {
    const response = await http.post<{ error: { details: { path: string }[] } }>(
      `${site}/dyads`,
      { therapistId, modality: 'telepathy', interpreter: 'yes', language: 'en' },
      { as },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d) => d.path).sort()).toEqual(['interpreter', 'modality']);
    const unknownLanguage = await http.post<{ error: { details: { path: string }[] } }>(
      `${site}/dyads`,
      { therapistId, modality: 'online', interpreter: false, language: 'fr' },
      { as },
    );
    expect(unknownLanguage.status).toBe(400);
    expect(unknownLanguage.body.error.details[0]?.path).toBe('language');
  });

  it('lists the dyads with their current session and what is due, never answers', async () => {
    await answer(a.links.client, 1, 'alliance-client', alliance(4));
    await answer(a.links.client, 1, 'phq9', phq9(1));
    await answer(a.links.therapist, 1, 'alliance-therapist', alliance(3));
    await answer(b.links.client, 1, 'alliance-client', alliance(2));
    const listed = await http.get<{
      dyads: Array<{ dyadId: string; currentSession: number; due: Record<string, { items: unknown[] }> }>;
    }>(`${site}/dyads`, { as });
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.dyads.map((d) => [d.dyadId, d]));
    expect(byId.get(a.dyad.dyadId)?.currentSession).toBe(1);
    expect(byId.get(a.dyad.dyadId)?.due.client?.items).toEqual([]);
    expect(byId.get(b.dyad.dyadId)?.due.client?.items).toMatchObject([{ instrument: 'phq9', session: 1 }]);
    expect(byId.get(c.dyad.dyadId)?.currentSession).toBe(0);
    expect(listed.text).not.toMatch(/answers|linkHash|"i9"/);
  });

  it('rotates a link: the old one answers 404 at once, the new one works', async () => {
    const rotated = await http.post<{ link: string }>(
      `${site}/dyads/${a.dyad.dyadId}/links/client/rotate`,
      undefined,
      { as },
    );
    expect(rotated.status).toBe(201);
    expect((await http.get(linkPath(a.links.client), { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await http.get(linkPath(rotated.body.link), { headers: { accept: 'text/html' } })).status).toBe(
      200,
    );
    a.links.client = rotated.body.link;
  });

  it('ends a dyad at its last session and refuses to end it again elsewhere', async () => {
    const ended = await http.patch<{ dyad: { status: string; lastSession: number } }>(
      `${site}/dyads/${b.dyad.dyadId}`,
      { status: 'ended', lastSession: 2 },
      { as },
    );
    expect(ended.status).toBe(200);
    expect(ended.body.dyad).toMatchObject({ status: 'ended', lastSession: 2 });
    const again = await http.patch(
      `${site}/dyads/${b.dyad.dyadId}`,
      { status: 'ended', lastSession: 3 },
      { as },
    );
    expect(again.status).toBe(409);
    const missing = await http.patch<{ error: { details: { path: string }[] } }>(
      `${site}/dyads/${b.dyad.dyadId}`,
      { status: 'ended' },
      { as },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0]?.path).toBe('lastSession');
  });

  it('withdraws a dyad: its links answer 410 and its answers are gone', async () => {
    await answer(c.links.client, 1, 'alliance-client', alliance(5));
    await answer(c.links.client, 1, 'phq9', phq9(2));
    const withdrawn = await http.patch<{ dyad: { status: string } }>(
      `${site}/dyads/${c.dyad.dyadId}`,
      { status: 'withdrawn' },
      { as },
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.dyad.status).toBe('withdrawn');
    expect((await http.get(linkPath(c.links.client), { headers: { accept: 'text/html' } })).status).toBe(410);
    expect(await stack.store.listResponses(`DYAD#${c.dyad.dyadId}`)).toEqual([]);
  });

  it('reports enrolment figures that match the submissions made above', async () => {
    const figures = await http.get<{
      dyads: Record<string, number>;
      targetDyads: number;
      therapists: { active: number };
      byMonth: Array<{ cumulative: number }>;
      schedule: Array<{
        instrument: string;
        role: string;
        session: number;
        due: number;
        completed: number;
        responseRate: number;
      }>;
      overdue: unknown[];
      safetyFollowUps: Array<{
        id: string;
        dyadId: string;
        therapistId: string;
        role: string;
        openedOn: string;
      }>;
    }>(`${site}/enrolment`, { as });
    expect(figures.status).toBe(200);
    const body = figures.body;
    expect(body.dyads).toEqual({ enrolled: 3, active: 1, ended: 1, withdrawn: 1 });
    expect(body.targetDyads).toBe(4);
    expect(body.therapists.active).toBe(1);
    expect(body.byMonth.at(-1)?.cumulative).toBe(3);
    const row = (role: string, session: number, instrument: string) =>
      body.schedule.find((r) => r.role === role && r.session === session && r.instrument === instrument);
    // a and b reported session 1; b ended at 2, so its session-2 and `last` questionnaires are due; c withdrew.
    expect(row('client', 1, 'alliance-client')).toMatchObject({ due: 2, completed: 2, responseRate: 1 });
    expect(row('client', 1, 'phq9')).toMatchObject({ due: 2, completed: 1, responseRate: 0.5 });
    expect(row('therapist', 1, 'alliance-therapist')).toMatchObject({
      due: 2,
      completed: 1,
      responseRate: 0.5,
    });
    expect(row('client', 2, 'alliance-client')).toMatchObject({ due: 1, completed: 0, responseRate: 0 });
    expect(row('client', 2, 'phq9')).toMatchObject({ due: 1, completed: 0 });
    expect(row('interpreter', 1, 'alliance-interpreter')).toBeUndefined();
    expect(body.overdue).toEqual([]);
    // c withdrew: its answers are gone, its follow-up stays (duty of care).
    expect(body.safetyFollowUps).toEqual(
      [a, c]
        .map(({ dyad }) => ({
          id: 'client-1',
          dyadId: dyad.dyadId,
          therapistId,
          role: 'client',
          openedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        }))
        .sort((x, y) => x.dyadId.localeCompare(y.dyadId)),
    );
    expect(figures.text).not.toMatch(/answers/);

    const csv = await http.get(`${site}/enrolment?format=csv`, { as });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toContain('berlin,dyads_enrolled,,,,,3\n');
    expect(csv.text).toContain('berlin,dyad_response_rate,,phq9,client,1,0.5\n');
  });

  it('closes a safety follow-up, a withdrawn dyad’s too, with who and when on record', async () => {
    const close = (dyadId: string, followUpId: string, caller = as) =>
      http.post<{ followUp: Record<string, string> }>(
        `${site}/dyads/${dyadId}/follow-ups/${followUpId}/close`,
        undefined,
        { as: caller },
      );
    const closed = await close(a.dyad.dyadId, 'client-1');
    expect(closed.status).toBe(200);
    expect(closed.body.followUp).toMatchObject({
      id: 'client-1',
      dyadId: a.dyad.dyadId,
      role: 'client',
      closedBy: expect.any(String),
      closedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const coordinator = closed.body.followUp.closedBy;
    const byLead = await close(c.dyad.dyadId, 'client-1', 'lead');
    expect(byLead.status).toBe(200);
    expect(byLead.body.followUp.closedBy).not.toBe(coordinator);
    const figures = await http.get<{ safetyFollowUps: unknown[] }>(`${site}/enrolment`, { as });
    expect(figures.body.safetyFollowUps).toEqual([]);
    const dyad = await http.get<{ dyad: { safetyFollowUps: Array<{ closedBy: string }> } }>(
      `${site}/dyads/${a.dyad.dyadId}`,
      { as },
    );
    expect(dyad.body.dyad.safetyFollowUps.map((f) => f.closedBy)).toEqual([coordinator]);

    expect((await close(a.dyad.dyadId, 'client-2')).status).toBe(404);
    const bad = await close(a.dyad.dyadId, 'everyone');
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe(
      'followUpId',
    );
    expect((await close(a.dyad.dyadId, 'client-1', 'coordinator-hamburg')).status).toBe(403);
  });

  it('prints a card that rotates every link of the dyad', async () => {
    const card = await http.post(`${site}/dyads/${a.dyad.dyadId}/card`, undefined, {
      as,
      headers: { accept: 'text/html' },
    });
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toContain('text/html');
    const urls = [...card.text.matchAll(/<p class="url" data-role="(\w+)">([^<]+)<\/p>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(urls.map(([role]) => role)).toEqual(['client', 'therapist']);
    expect(card.text).toMatch(/<svg role="img"[^>]*data-role="client"/);
    expect((await http.get(linkPath(a.links.client), { headers: { accept: 'text/html' } })).status).toBe(404);
    for (const [, url] of urls) {
      expect((await http.get(linkPath(url ?? ''), { headers: { accept: 'text/html' } })).status).toBe(200);
    }
  });

  it('keeps an audit trail the lead can read and a coordinator cannot', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const events = await http.get<{ events: Array<{ action: string; actor: string; siteId?: string }> }>(
      `/api/v1/audit?from=${today}&to=${today}`,
      { as: 'lead' },
    );
    expect(events.status).toBe(200);
    const actions = events.body.events.map((e) => e.action);
    for (const action of [
      'dyad.follow-up.close',
      'therapist.add',
      'dyad.enrol',
      'dyad.link.rotate',
      'dyad.end',
      'dyad.withdraw',
      'dyad.card',
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions.filter((x) => x === 'dyad.enrol')).toHaveLength(3);
    expect(events.body.events.every((e) => e.siteId === 'berlin' || e.siteId === undefined)).toBe(true);
    expect(events.text).not.toMatch(/answers|\/s\//);
    expect((await http.get(`/api/v1/audit?from=${today}&to=${today}`, { as })).status).toBe(403);
    const backwards = await http.get<{ error: { details: { path: string }[] } }>(
      '/api/v1/audit?from=2027-02-01&to=2027-01-01',
      { as: 'lead' },
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0]?.path).toBe('to');
    for (const [query, path] of [
      ['from=yesterday', 'from'],
      ['to=2027-13-01', 'to'],
      ['from=2027-02-30&to=2027-03-01', 'from'],
    ]) {
      const bad = await http.get<{ error: { details: { path: string }[] } }>(`/api/v1/audit?${query}`, {
        as: 'lead',
      });
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.details[0]?.path, query).toBe(path);
    }
    // Without a range: the last 7 days, today's events included.
    const recent = await http.get<{ events: Array<{ action: string }> }>('/api/v1/audit', { as: 'lead' });
    expect(recent.status).toBe(200);
    expect(recent.body.events.map((e) => e.action)).toEqual(expect.arrayContaining(actions));
  });
});
