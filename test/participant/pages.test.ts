import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { api, startTestStack } from '../local/harness.ts';
import { enrolWithLinks } from './enrol.ts';

// What a participant reads around the questionnaires (issue 13): "no thanks" and the study office
// on consent and thank-you pages, crisis numbers as tel: links, what a therapist's link asks, which
// dyad a therapist's link is about, and the open sessions offered on the session question.

let stack: LocalServer;
let http: ReturnType<typeof api>;

const contact = { name: 'Study office', email: 'study@example.org', phone: '+49 30 1234 5678' };
beforeAll(async () => {
  stack = await startTestStack({
    study: {
      ...studyInput,
      contact,
      safety: {
        crisisText: {
          en: 'Call 112 or the crisis line 0800 111 0 111 now. <b>Open 24/7</b> since 2027.',
          de: 'Rufen Sie 112 oder die Telefonseelsorge 0800 111 0 111 an.',
          ar: 'اتصل بالرقم ١١٢ أو بخط المساعدة 0800 111 0 111.',
        },
        notifySite: true,
      },
    },
  });
  http = api(stack);
});
afterAll(async () => stack?.stop());

const html = { headers: { accept: 'text/html' } };

const enrol = () => enrolWithLinks(http);

describe('consent page', () => {
  it('offers "No thanks" after the agree button, which records nothing and says how to reach the study', async () => {
    const links = await enrol();
    const consent = await http.get(links.client, html);
    expect(consent.status).toBe(200);
    const agree = consent.text.indexOf('I agree to take part');
    const decline = consent.text.indexOf('>No thanks</a>');
    expect(agree).toBeGreaterThan(0);
    expect(decline).toBeGreaterThan(agree);
    expect(consent.text).toContain('Questions about the study: Study office');
    expect(consent.text).toContain('<a href="mailto:study@example.org">study@example.org</a>');
    expect(consent.text).toContain('<a href="tel:+493012345678" dir="ltr">+49 30 1234 5678</a>');

    const href = /<a href="([^"]*step=decline[^"]*)">No thanks<\/a>/.exec(consent.text)?.[1] ?? '';
    const declined = await http.get(href.replace(/&amp;/g, '&'), html);
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('Nothing was recorded');
    expect(declined.text).toContain('Study office');
    expect(declined.text).not.toContain('Leave the study');
    expect(await stack.store.listConsents(`DYAD#${links.dyadId}`)).toEqual([]);
    for (const [lang, title] of [
      ['de', 'Es wurde nichts gespeichert'],
      ['ar', 'لم يُسجَّل أي شيء'],
    ] as const) {
      const page = await http.get(`${links.client}?step=decline&lang=${lang}`, html);
      expect(page.text).toContain(title);
    }
  });

  it('tells a therapist link about its monthly questionnaire and a dyad link about sessions', async () => {
    const links = await enrol();
    const monthly = await http.get(links.therapistLink, html);
    expect(monthly.text).toContain('once a month about your own work and wellbeing');
    expect(monthly.text).not.toContain('after therapy sessions');
    const sessions = await http.get(links.therapist, html);
    expect(sessions.text).toContain('short questionnaires after therapy sessions');
    const german = await http.get(`${links.therapistLink}?lang=de`, html);
    expect(german.text).toContain('einmal im Monat');
  });
});

describe('dyad links of therapists and interpreters', () => {
  it('say which dyad they are about; the client’s does not need to', async () => {
    const links = await enrol();
    for (const link of [links.therapist, links.interpreter]) {
      expect((await http.get(link, html)).text).toContain(`About therapy ${links.dyadId}`);
    }
    expect((await http.get(`${links.therapist}?lang=de`, html)).text).toContain(
      `Zur Therapie ${links.dyadId}`,
    );
    expect((await http.get(links.client, html)).text).not.toContain(links.dyadId);
  });
});

describe('thank-you page', () => {
  it('makes the crisis numbers tel: links, escapes the rest, and shows the study office', async () => {
    const links = await enrol();
    await http.post(`${links.client}/consent`, { version: 1 });
    const { body, headers } = {
      body: new URLSearchParams({ session: '1', instrument: 'phq9', ...answersAll(9, 1) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    };
    await http.request(
      'POST',
      links.client,
      new URLSearchParams({ session: '1', instrument: 'alliance-client', ...answersAll(12, 3) }).toString(),
      { headers },
    );
    const thanks = await http.request('POST', links.client, body, { headers });
    expect(thanks.status).toBe(201);
    expect(thanks.text).toContain('Call <a href="tel:112" dir="ltr">112</a> or the crisis line');
    expect(thanks.text).toContain('<a href="tel:08001110111" dir="ltr">0800 111 0 111</a>');
    expect(thanks.text).toContain('&lt;b&gt;Open 24/7&lt;/b&gt; since 2027.');
    expect(thanks.text).not.toContain('tel:2027');
    expect(thanks.text).toContain('Questions about the study: Study office');
    const arabic = await http.get(`${links.client}?session=1&lang=ar`, html);
    expect(arabic.text).toContain('<a href="tel:112" dir="ltr">١١٢</a>');
  });
});

describe('session question', () => {
  it('offers the sessions still open as choices besides the next one, and a typed session wins', async () => {
    const links = await enrol();
    for (const link of [links.client, links.therapist]) await http.post(`${link}/consent`, { version: 1 });
    // The client answers only alliance-client at session 1 (phq9 stays open); the therapist reports session 3.
    await http.post(links.client, { session: 1, instrument: 'alliance-client', answers: answersAll(12, 4) });
    await http.post(links.therapist, {
      session: 3,
      instrument: 'alliance-therapist',
      answers: answersAll(12, 4),
    });

    expect((await http.get(links.client)).body).toEqual({
      step: 'choose_session',
      suggested: 3,
      max: 13,
      open: [2, 1],
    });
    const question = await http.get(links.client, html);
    const radios = [
      ...question.text.matchAll(/<input type="radio" name="pick" value="(\d+)"( checked)?>/g),
    ].map((m) => `${m[1]}${m[2] ? '*' : ''}`);
    expect(radios).toEqual(['3*', '2', '1']);
    expect(question.text).toContain('Session 1 (not yet answered)');
    expect(question.text).toContain('Session 3 (the next one)');

    const picked = await http.get(`${links.client}?lang=en&pick=1&session=`);
    expect(picked.body).toMatchObject({ step: 'questionnaire', session: 1, instrument: 'phq9' });
    const typed = await http.get(`${links.client}?lang=en&pick=1&session=4`);
    expect(typed.body).toMatchObject({ step: 'questionnaire', session: 4 });
  });
});
