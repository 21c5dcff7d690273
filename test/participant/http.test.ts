import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { hashToken } from '../../shared/ids.ts';
import { ATTEMPT_LIMIT } from '../../shared/participation/attempts.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { api, startTestStack } from '../local/harness.ts';
import { enrolWithLinks } from './enrol.ts';

// The participant routes over HTTP against the local stack (dynalite, the real handlers), enrolled
// through the coordinator API as a coordinator would.

let stack: LocalServer;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  http = api(stack);
});
afterAll(async () => stack?.stop());

/** A new therapist and dyad (with an interpreter) at site berlin; returns the link paths. */
const enrol = () => enrolWithLinks(http);

/** Runs the nightly job on the store into a folder; the response count and site_session_summary.csv. */
async function release(releaseId: string): Promise<{ responses: number; summary: string }> {
  const out = await mkdtemp(join(tmpdir(), 'tandem-participant-release-'));
  const { manifest } = await aggregate({
    store: stack.store,
    out,
    releaseId,
    secret: 'participant-test',
    clock: () => new Date(`${releaseId}T03:00:00Z`),
  });
  const summary = await readFile(join(out, 'releases', releaseId, 'site_session_summary.csv'), 'utf8');
  return { responses: manifest.inputs.responses, summary };
}

const form = (fields: Record<string, string | number>) => ({
  body: new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});

async function postForm(path: string, fields: Record<string, string | number>) {
  const { body, headers } = form(fields);
  return http.request('POST', path, body, { headers });
}

describe('participant routes over HTTP', () => {
  it('asks for consent first and refuses answers until it is given', async () => {
    const links = await enrol();
    expect((await http.get(links.client)).body).toEqual({ step: 'consent', consentVersion: 1 });
    const early = await http.post(links.client, {
      session: 1,
      instrument: 'alliance-client',
      answers: answersAll(12, 4),
    });
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ error: { code: 'consent_required' } });

    const consent = await http.post(`${links.client}/consent`, { version: 1 });
    expect(consent.status).toBe(201);
    expect((await http.post(`${links.client}/consent`, { version: 1 })).status).toBe(200);
    const stale = await http.post(`${links.client}/consent`, { version: 7 });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ error: { details: [{ path: 'version', received: 7 }] } });
    expect((await http.get(links.client)).body).toEqual({
      step: 'choose_session',
      suggested: 1,
      max: 10,
      open: [],
    });
  });

  it('stores a submission once: 201 with a receipt, 200 with the same receipt for its submissionId, 409 for any other', async () => {
    const links = await enrol();
    await http.post(`${links.client}/consent`, { version: 1 });
    const step = await http.get<{ submissionId: string }>(`${links.client}?session=1`);
    expect(step.body.submissionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const submission = {
      session: 1,
      instrument: 'alliance-client',
      answers: answersAll(12, 4),
      submissionId: step.body.submissionId,
    };
    const first = await http.post<{ receipt: string }>(links.client, submission);
    expect(first.status).toBe(201);
    expect(first.body.receipt).toMatch(/^R-/);
    const again = await http.post<{ receipt: string }>(links.client, submission);
    expect(again.status).toBe(200);
    expect(again.body.receipt).toBe(first.body.receipt);
    const { submissionId: _, ...withoutId } = submission;
    const same = await http.post(links.client, withoutId);
    const different = await http.post(links.client, { ...withoutId, answers: answersAll(12, 2) });
    expect([same.status, different.status]).toEqual([409, 409]);
    expect(different.body).toMatchObject({ error: { code: 'already_answered' } });
    expect(different.text).toBe(same.text);

    const stored = await stack.store.listResponses(`DYAD#${links.dyadId}`);
    expect(stored.map((r) => [r.instrument, r.session, r.answers.i1])).toEqual([['alliance-client', 1, 4]]);
    expect((await stack.store.getDyad('berlin', links.dyadId))?.currentSession).toBe(1);
  });

  it('refuses invalid answers with field paths, and instruments not scheduled for the session', async () => {
    const links = await enrol();
    await http.post(`${links.client}/consent`, { version: 1 });
    const bad = await http.post(links.client, {
      session: 1,
      instrument: 'phq9',
      answers: { ...answersAll(9, 1), i3: 9, i4: 'often', i12: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: {
        code: 'invalid_input',
        details: [
          { path: 'answers.i3', received: 9 },
          { path: 'answers.i4', received: 'often' },
          { path: 'answers.i12' },
        ],
      },
    });
    const wrongType = await http.post(links.client, { session: 'one', instrument: 'phq9', answers: {} });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: { details: [{ path: 'session', received: 'one' }] } });
    const notScheduled = await http.post(links.client, {
      session: 2,
      instrument: 'phq9',
      answers: answersAll(9, 1),
    });
    expect(notScheduled.status).toBe(400);
    expect(notScheduled.body).toMatchObject({ error: { code: 'not_scheduled' } });
    expect(await stack.store.listResponses(`DYAD#${links.dyadId}`)).toEqual([]);
  });

  it('checks query and form fields with the route schemas: field paths for scripts, a translated page with the participant CSP for browsers', async () => {
    const links = await enrol();
    expect((await http.post(`${links.client}/consent`, { version: 1 })).status).toBe(201);
    const json = await http.post(links.client, {
      session: 'two',
      instrument: 'alliance-client',
      answers: {},
    });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ error: { details: [{ path: 'session', received: 'two' }] } });
    const query = await http.get(`${links.client}?session=x`);
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ error: { details: [{ path: 'session', received: 'x' }] } });
    const step = await http.get(`${links.client}?step=elsewhere`);
    expect(step.body).toMatchObject({ error: { details: [{ path: 'step', received: 'elsewhere' }] } });
    // A form post in the link's language (German) fails validation before the handler runs: the
    // error page is still German, and carries the participant pages' CSP.
    const dyad = await http.post<{ links: { client: string } }>(
      '/api/v1/sites/berlin/dyads',
      { therapistId: links.therapistId, modality: 'online', interpreter: false, language: 'de' },
      { as: 'lead' },
    );
    const german = new URL(dyad.body.links.client).pathname;
    const page = await postForm(`${german}/consent`, { version: 'eins' });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(page.text).toContain('lang="de"');
  });

  it('refuses a body over 16 KB with 413', async () => {
    const links = await enrol();
    const response = await http.post(links.client, { padding: 'x'.repeat(17 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: { code: 'payload_too_large' } });
    const page = await postForm(`${links.client}?lang=de`, { i1: 'x'.repeat(17 * 1024) });
    expect(page.status).toBe(413);
    expect(page.text).toContain('<h1>Zu viele Daten</h1>');
  });

  it('answers 404 for an unknown token and for a link that has been rotated', async () => {
    const links = await enrol();
    expect((await http.get('/s/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const rotated = await http.post(
      `/api/v1/sites/berlin/dyads/${links.dyadId}/links/client/rotate`,
      {},
      { as: 'lead' },
    );
    expect(rotated.status).toBe(201);
    const old = await http.get(links.client);
    expect(old.status).toBe(404);
    expect(old.body).toMatchObject({ error: { code: 'not_found' } });
    const page = await http.get(links.client, { headers: { accept: 'text/html', 'accept-language': 'de' } });
    expect(page.status).toBe(404);
    expect(page.text).toContain('Dieser Link funktioniert nicht');
  });

  it('shows a browser the next questionnaire after a form post, then the thank-you page with the crisis text', async () => {
    const links = await enrol();
    expect((await postForm(`${links.client}/consent`, { version: 1, lang: 'de' })).status).toBe(303);
    const alliance = await postForm(links.client, {
      session: 1,
      instrument: 'alliance-client',
      lang: 'de',
      ...answersAll(12, 3),
    });
    expect(alliance.status).toBe(303);
    expect(alliance.headers.get('location')).toBe(`${links.client}?session=1&lang=de`);
    const next = await http.get(`${links.client}?session=1&lang=de`, { headers: { accept: 'text/html' } });
    expect(next.text).toContain('Fragebogen 2 von 2');

    // A form without any answer comes back with a translated message, and what was chosen stays chosen.
    const empty = await postForm(links.client, { session: 1, instrument: 'phq9', lang: 'de' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Beantworten Sie mindestens eine Frage.');
    const kept = await postForm(links.client, { session: 1, instrument: 'phq9', lang: 'de', i1: 2, i2: 7 });
    expect(kept.status).toBe(400);
    expect(kept.text).toContain('<input type="radio" name="i1" value="2" checked>');
    expect(kept.text).toMatch(/<fieldset id="f-i2" class="bad"/);

    const phq9 = await postForm(links.client, {
      session: 1,
      instrument: 'phq9',
      lang: 'de',
      ...answersAll(8, 1),
      i9: 1,
    });
    expect(phq9.status).toBe(201);
    expect(phq9.text).toContain('Vielen Dank');
    expect(phq9.text).toContain('Rufen Sie <a href="tel:112" dir="ltr">112</a> an.');
    const dyad = await stack.store.getDyad('berlin', links.dyadId);
    expect(dyad?.safetyFollowUps).toEqual([
      { id: 'client-1', role: 'client', openedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    ]);
    const again = await http.get(`${links.client}?session=1&lang=de`, { headers: { accept: 'text/html' } });
    expect(again.text).toContain('Alles beantwortet');
    const different = await postForm(links.client, {
      session: 1,
      instrument: 'phq9',
      lang: 'de',
      ...answersAll(9, 0),
    });
    expect(different.status).toBe(409);
    expect(different.text).toContain('<h1>Bereits beantwortet</h1>');
  });

  it('withdraws a client after confirmation: the dyad’s answers leave the store and the links answer 410', async () => {
    const links = await enrol();
    for (const [link, instrument] of [
      [links.client, 'alliance-client'],
      [links.therapist, 'alliance-therapist'],
    ] as const) {
      await http.post(`${link}/consent`, { version: 1 });
      expect((await http.post(link, { session: 1, instrument, answers: answersAll(12, 4) })).status).toBe(
        201,
      );
    }
    expect(await stack.store.listResponses(`DYAD#${links.dyadId}`)).toHaveLength(2);
    const before = await release('2027-01-01');
    expect(before.summary).toContain(',alliance-therapist,');
    const unconfirmed = await http.post(`${links.client}/withdraw`, {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toMatchObject({ error: { details: [{ path: 'confirm' }] } });
    const withdrawn = await http.post(`${links.client}/withdraw`, { confirm: true });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toEqual({ withdrawn: 'dyad' });

    expect(await stack.store.listResponses(`DYAD#${links.dyadId}`)).toEqual([]);
    expect(await stack.store.listConsents(`DYAD#${links.dyadId}`)).toEqual([]);
    const token = links.client.slice(3);
    expect((await stack.store.getLink(hashToken(token)))?.withdrawn).toBe(true);
    for (const [link, code] of [
      [links.client, 'withdrawn'],
      [links.therapist, 'dyad_ended'],
      [links.interpreter, 'dyad_ended'],
    ] as const) {
      const gone = await http.get(link);
      expect(gone.status).toBe(410);
      expect(gone.body).toMatchObject({ error: { code } });
    }
    // The therapist and interpreter did not leave: their pages say the dyad has ended, in each language.
    for (const [lang, title, leftTitle] of [
      ['en', 'Nothing more to answer', 'You have left the study'],
      ['de', 'Nichts mehr zu beantworten', 'Sie haben die Studie verlassen'],
      ['ar', 'لا يوجد ما تجيب عنه بعد الآن', 'لقد انسحبت من الدراسة'],
    ] as const) {
      for (const link of [links.therapist, links.interpreter]) {
        const ended = await http.get(`${link}?lang=${lang}`, { headers: { accept: 'text/html' } });
        expect(ended.status).toBe(410);
        expect(ended.text).toContain(title);
        expect(ended.text).not.toContain(leftTitle);
      }
    }
    const page = await http.get(links.client, { headers: { accept: 'text/html', 'accept-language': 'ar' } });
    expect(page.status).toBe(410);
    expect(page.text).toContain('dir="rtl"');
    expect(
      (await http.post(links.client, { session: 2, instrument: 'alliance-client', answers: {} })).status,
    ).toBe(410);
  });

  it('gives a therapist link this month’s therapist-level questionnaire, without a session question', async () => {
    const added = await http.post<{ link: string }>('/api/v1/sites/berlin/therapists', {}, { as: 'lead' });
    const link = new URL(added.body.link).pathname;
    await http.post(`${link}/consent`, { version: 1 });
    expect((await http.get(link)).body).toEqual({
      step: 'questionnaire',
      session: 1,
      due: ['therapist-wellbeing'],
      answered: [],
      instrument: 'therapist-wellbeing',
      submissionId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    const answers = answersAll(6, 2);
    expect((await http.post(link, { session: 2, instrument: 'therapist-wellbeing', answers })).status).toBe(
      400,
    );
    expect((await http.post(link, { session: 1, instrument: 'therapist-wellbeing', answers })).status).toBe(
      201,
    );
    const page = await http.get(link, { headers: { accept: 'text/html' } });
    expect(page.text).toContain('All answered');
  });

  // Last: it blocks this test's address for unknown tokens for the rest of the window.
  it(`answers 429 to unknown tokens after ${ATTEMPT_LIMIT} from one address, while a good link still works`, async () => {
    const links = await enrol();
    // Earlier tests of this file sent a few unknown tokens from this address already.
    const statuses: number[] = [];
    for (let i = 0; i < ATTEMPT_LIMIT; i++)
      statuses.push((await http.get(`/s/unknownToken${String(i).padStart(8, '0')}`)).status);
    expect(statuses[0]).toBe(404);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status !== 404 && status !== 429)).toEqual([]);
    const blocked = await http.get('/s/unknownTokenAfterLimit0');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: { code: 'too_many_requests' } });
    // A participant behind the same address (a clinic's Wi-Fi) is not locked out by a scanner.
    const good = await http.get(links.client);
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ step: 'consent', consentVersion: 1 });
  });
});
