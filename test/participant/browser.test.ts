import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionnairePage } from '../../functions/participant/views.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { sessionRating } from '../../shared/instruments/builtins.ts';
import { studyInput } from '../../shared/participation/testing.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { api, startTestStack } from '../local/harness.ts';

// Real Chromium (DESIGN §12 flags) against the local stack: a participant completes the client's
// questionnaires of session 1 on a 360 px wide phone, in each language, with JavaScript on and off;
// axe-core checks every kind of participant page; the questionnaire page's bytes are summed.

const PHONE = { width: 360, height: 740 };
const BUDGET_BYTES = 20 * 1024;

let stack: LocalServer;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ study: studyInput });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A new dyad at site berlin with links in `language`; returns the client's link URL. */
async function enrolClient(language: string): Promise<{ url: string; dyadId: string }> {
  const http = api(stack);
  const therapist = await http.post<{ therapist: { therapistId: string } }>(
    '/api/v1/sites/berlin/therapists',
    {},
    { as: 'lead' },
  );
  const dyad = await http.post<{ dyad: { dyadId: string }; links: { client: string } }>(
    '/api/v1/sites/berlin/dyads',
    {
      therapistId: therapist.body.therapist.therapistId,
      modality: 'in_person',
      interpreter: false,
      language,
    },
    { as: 'lead' },
  );
  expect(dyad.status).toBe(201);
  return {
    url: new URL(new URL(dyad.body.links.client).pathname, stack.url).href,
    dyadId: dyad.body.dyad.dyadId,
  };
}

async function phone(javaScriptEnabled: boolean, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled, locale });
  return context.newPage();
}

/** Picks one option in every question of the questionnaire on the page (the `choice`-th, wrapping). */
/** Submits the page's form and waits until the next page has loaded (a reload must not race it). */
async function submitForm(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), page.locator('form button').click()]);
  await page.waitForLoadState('load');
}

async function answerAll(page: Page, choice: number): Promise<number> {
  const questions = page.locator('fieldset');
  const count = await questions.count();
  for (let i = 0; i < count; i++) {
    const options = questions.nth(i).locator('label.o');
    await options.nth(choice % (await options.count())).click();
  }
  return count;
}

/** Whether the page fits a 360 px screen without sideways scrolling. */
const fitsPhone = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** Bytes of the document and of every resource it loaded, decoded (uncompressed), from Resource Timing. */
const PAGE_BYTES = `(() => {
  const [navigation] = performance.getEntriesByType('navigation');
  const resources = performance.getEntriesByType('resource');
  return (navigation ? navigation.decodedBodySize : 0) + resources.reduce((sum, r) => sum + r.decodedBodySize, 0);
})()`;

const TEXT = {
  en: { thanks: 'Thank you', questionnaire: 'Questionnaire 1 of 2' },
  de: { thanks: 'Vielen Dank', questionnaire: 'Fragebogen 1 von 2' },
  ar: { thanks: 'شكرًا لك', questionnaire: 'الاستبيان 1 من 2' },
} as const;

describe('participant pages in Chromium', () => {
  for (const language of ['en', 'de', 'ar'] as const) {
    for (const javaScript of [true, false]) {
      it(`completes session 1 in ${language} with JavaScript ${javaScript ? 'on' : 'off'} at 360 px`, async () => {
        const { url, dyadId } = await enrolClient(language);
        const page = await phone(javaScript);
        await page.goto(url);
        expect(await page.getAttribute('html', 'lang')).toBe(language);
        expect(await page.getAttribute('html', 'dir')).toBe(language === 'ar' ? 'rtl' : 'ltr');
        await page.locator('form button').click();

        // The session question, pre-filled with the next session.
        expect(await page.inputValue('#session')).toBe('1');
        await page.locator('form button').click();

        expect(await page.locator('main').textContent()).toContain(TEXT[language].questionnaire);
        expect(await fitsPhone(page)).toBe(true);
        expect(await answerAll(page, 3)).toBe(12);
        await page.locator('form button').click();

        // "Not at all" throughout: no safety flag, so no crisis text.
        expect(await answerAll(page, 0)).toBe(9);
        await page.locator('form button').click();
        expect(await page.locator('h1').textContent()).toBe(TEXT[language].thanks);
        expect(await page.locator('main').textContent()).not.toContain(
          studyInput.safety?.crisisText?.[language] ?? '-',
        );
        expect(await fitsPhone(page)).toBe(true);

        const stored = await stack.store.listResponses(`DYAD#${dyadId}`);
        expect(stored.map((r) => [r.instrument, r.language, r.answers.i1])).toEqual([
          ['alliance-client', language, 4],
          ['phq9', language, 0],
        ]);
        await page.context().close();
      });
    }
  }

  it('keeps a 0–10 scale on one row at 360 px', async () => {
    const page = await phone(true);
    const view = {
      instrument: sessionRating,
      session: 1,
      monthly: false,
      index: 1,
      count: 1,
      values: {},
      invalid: [],
      defaultLanguage: 'en',
      submissionId: 'pQ3v9XkR2mT8wLs0aBcDeF',
    };
    await page.setContent(questionnairePage({ language: 'en', languages: ['en'] }, view));
    const tops = await page
      .locator('fieldset')
      .first()
      .locator('label.o')
      .evaluateAll((labels) => labels.map((label) => label.getBoundingClientRect().top));
    expect(tops).toHaveLength(11);
    expect(new Set(tops).size).toBe(1);
    expect(await fitsPhone(page)).toBe(true);
    await page.context().close();
  });

  it('switches language with ?lang= and keeps the session', async () => {
    const { url } = await enrolClient('en');
    const page = await phone(false);
    await page.goto(url);
    await page.locator('form button').click();
    await page.locator('form button').click();
    await page.locator('nav a[lang="ar"]').click();
    expect(new URL(page.url()).searchParams.get('session')).toBe('1');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.locator('main').textContent()).toContain(TEXT.ar.questionnaire);
    await page.context().close();
  });

  it('chooses ?lang= first, then the link’s language, then Accept-Language', async () => {
    const { url } = await enrolClient('en');
    const page = await phone(true, 'de-DE');
    await page.goto(url);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.goto(`${url}?lang=fr`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.goto(`${url}?lang=ar`);
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    // No link to go by: the browser's Accept-Language decides.
    await page.goto(`${stack.url}/s/NoSuchTokenAtAllHere999`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.locator('h1').textContent()).toBe('Dieser Link funktioniert nicht');
    await page.context().close();
  });

  it('shows the crisis text on the thank-you page when PHQ-9 item 9 is answered 1 or more', async () => {
    const { url } = await enrolClient('ar');
    const page = await phone(false);
    await page.goto(url);
    await page.locator('form button').click();
    await page.locator('form button').click();
    await answerAll(page, 0);
    await page.locator('form button').click();
    await answerAll(page, 0);
    await page.locator('fieldset').nth(8).locator('label.o').nth(2).click();
    await page.locator('form button').click();
    expect(await page.locator('main').textContent()).toContain('اتصل بالرقم 112.');
    await page.context().close();
  });

  for (const language of ['en', 'ar'] as const) {
    it(`has no axe-core violations on consent, session, questionnaire, error, thank-you and withdrawal pages (${language})`, async () => {
      const { url } = await enrolClient(language);
      const page = await phone(true);
      const checked: Record<string, unknown[]> = {};
      const check = async (name: string) => {
        checked[name] = await axeViolations(page);
      };
      await page.goto(url);
      await check('consent');
      await page.locator('form button').click();
      await check('session');
      await page.locator('form button').click();
      await check('questionnaire');
      // A validation error: nothing answered.
      await page.locator('form button').click();
      expect(await page.locator('[role=alert]').count()).toBe(1);
      await check('questionnaire with an error');
      await answerAll(page, 2);
      await page.locator('form button').click();
      await answerAll(page, 0);
      await page.locator('fieldset').nth(8).locator('label.o').nth(1).click();
      await page.locator('form button').click();
      await check('thank-you with crisis text');
      await page.goto(`${url}?step=withdraw&lang=${language}`);
      await check('withdrawal confirmation');
      await page.locator('form button').click();
      await check('withdrawn');
      await page.goto(url);
      await check('410 error');
      await page.goto(`${stack.url}/s/NoSuchTokenAtAllHere123?lang=${language}`);
      await check('404 error');
      expect(checked).toEqual(Object.fromEntries(Object.keys(checked).map((name) => [name, []])));
      expect(Object.keys(checked)).toHaveLength(9);
      await page.context().close();
    });
  }

  it('keeps every questionnaire page within 20 KB, all bytes, with no other requests', async () => {
    const sizes: Record<string, number> = {};
    for (const language of ['en', 'de', 'ar'] as const) {
      const { url } = await enrolClient(language);
      const page = await phone(true);
      const requests: string[] = [];
      await page.goto(url);
      await submitForm(page);
      await submitForm(page);
      for (const instrument of ['alliance-client', 'phq9']) {
        requests.length = 0;
        page.on('request', (request) => requests.push(request.url()));
        await page.reload();
        const bytes = await page.evaluate<number>(PAGE_BYTES);
        const html = await page.content();
        expect(bytes).toBeGreaterThan(Buffer.byteLength(html) / 2);
        sizes[`${instrument} ${language}`] = bytes;
        expect(requests).toHaveLength(1);
        page.removeAllListeners('request');
        await answerAll(page, 1);
        await submitForm(page);
      }
      await page.context().close();
    }
    console.log(`questionnaire page bytes: ${JSON.stringify(sizes)}`);
    for (const [page, bytes] of Object.entries(sizes)) expect(bytes, page).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
