import jsQRModule from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { api, startTestStack } from '../local/harness.ts';
import { COORDINATOR_STUDY, linkPath, phq9 } from './study.ts';

// jsqr is a CommonJS bundle whose export is the function with itself as `default`.
const jsQR = jsQRModule.default;

// A coordinator in real Chromium: signs in through /signin, adds a therapist and enrols a dyad from
// the dashboard, opens its printable card, and the test reads each QR code back from a screenshot.

let stack: LocalServer;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack({ study: COORDINATOR_STUDY });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// Runs in the page (kept as text: the test's TypeScript has no DOM types): PNG in, RGBA pixels out.
const PNG_TO_PIXELS = `async (base64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + base64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  return { data: Array.from(image.data), width: image.width, height: image.height };
}`;

/** Decodes the QR code in a PNG: Chromium turns the PNG into pixels, jsQR reads them. */
async function decodeQr(page: Page, png: Buffer): Promise<string | undefined> {
  const image = (await page.evaluate(`(${PNG_TO_PIXELS})(${JSON.stringify(png.toString('base64'))})`)) as {
    data: number[];
    width: number;
    height: number;
  };
  return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
}

/** Messages of everything a Content-Security-Policy refused in any page of the context. */
function refusedByPolicy(context: BrowserContext): string[] {
  const refused: string[] = [];
  context.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) refused.push(message.text());
  });
  return refused;
}

// Generous limits: Chromium shares two cores with the emulators and, in CI, with other test files.
describe('coordinator dashboard in Chromium', { timeout: 120_000 }, () => {
  it('signs in, enrols a dyad, prints a card whose QR codes decode to its working links', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const refused = refusedByPolicy(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/signin?next=/coordinator/`);
    await page.click('button[data-username="coordinator-berlin"]');
    await page.waitForURL(`${stack.url}/coordinator/`);
    await page.getByRole('heading', { name: 'Berlin', level: 3 }).waitFor();

    // By keyboard: from the language field, Tab reaches the button and Enter submits.
    await page.focus('#therapist-language');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const therapistNote = page.locator('#shown-once .once');
    await therapistNote.getByText(/^Therapist T-/).waitFor();

    await page.getByLabel('Modality').selectOption('online');
    await page.getByLabel('Language', { exact: true }).selectOption('de');
    await page.getByLabel('With an interpreter').check();
    await page.getByRole('button', { name: 'Enrol dyad' }).click();
    const enrolled = page.locator('#shown-once .once');
    await enrolled.getByText(/^Dyad D-/).waitFor();
    const dyadId = ((await enrolled.getByText(/^Dyad D-/).textContent()) ?? '').match(/D-[2-9A-Z]{6}/)?.[0];
    expect(dyadId).toBeDefined();
    const shownClient = (await enrolled.locator('code[data-link-role="client"]').textContent()) ?? '';
    expect(shownClient.startsWith(`${stack.url}/s/`)).toBe(true);
    await page.locator(`#dyads tr[data-dyad="${dyadId}"]`).waitFor();

    expect(await axeViolations(page)).toEqual([]);

    const [card] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: `Open printable card for ${dyadId}` }).click(),
    ]);
    await card.locator('svg[data-role="client"]').waitFor();
    expect(await card.locator('html').getAttribute('lang')).toBe('de');
    const roles = await card
      .locator('section.card')
      .evaluateAll((sections) => sections.map((section) => section.getAttribute('data-role')));
    expect(roles).toEqual(['client', 'therapist', 'interpreter']);
    // Pixels are read in a blank page: the card's policy allows no images, data: URLs included.
    const blank = await context.newPage();
    for (const role of roles) {
      const printed = (await card.locator(`p.url[data-role="${role}"]`).textContent()) ?? '';
      const png = await card.locator(`svg[data-role="${role}"]`).screenshot();
      expect(await decodeQr(blank, png)).toBe(printed);
      const opened = await api(stack).get(linkPath(printed), { headers: { accept: 'text/html' } });
      expect(opened.status).toBe(200);
    }
    // The card issued new links: the one shown at enrolment no longer works.
    expect((await api(stack).get(linkPath(shownClient), { headers: { accept: 'text/html' } })).status).toBe(
      404,
    );
    expect(await axeViolations(card)).toEqual([]);
    // The card (a blob: document under the dashboard's Content-Security-Policy) got its stylesheet,
    // and neither page had anything refused.
    const qrWidth = `getComputedStyle(document.querySelector('.qr svg')).width`;
    const mm52 = `(() => { const d = document.createElement('div'); d.style.width = '52mm'; document.body.append(d); const w = getComputedStyle(d).width; d.remove(); return w; })()`;
    expect(await card.evaluate(qrWidth)).toBe(await card.evaluate(mm52));
    expect(refused).toEqual([]);
    // Three panels print on a single sheet of either paper size.
    for (const format of ['A4', 'Letter'] as const) {
      const pdf = (await card.pdf({ format })).toString('latin1');
      expect(pdf.match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    }
    await context.close();
  });

  it('shows the lead every site side by side with charts and a safety follow-up, never an answer', async () => {
    // A second dyad whose client reports thoughts of self-harm (PHQ-9 item 9) through the participant routes.
    const http = api(stack);
    const [therapist] = (
      await http.get<{ therapists: { therapistId: string }[] }>('/api/v1/sites/berlin/therapists', {
        as: 'lead',
      })
    ).body.therapists;
    const enrolled = await http.post<{ dyad: { dyadId: string }; links: { client: string } }>(
      '/api/v1/sites/berlin/dyads',
      { therapistId: therapist?.therapistId, modality: 'in_person', interpreter: false, language: 'en' },
      { as: 'lead' },
    );
    const client = linkPath(enrolled.body.links.client);
    expect((await http.post(`${client}/consent`, { version: 1 })).status).toBe(201);
    expect((await http.post(client, { session: 1, instrument: 'phq9', answers: phq9(2) })).status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const refused = refusedByPolicy(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const apiBodies: Promise<string>[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) apiBodies.push(response.text());
    });
    await page.goto(`${stack.url}/signin?next=/coordinator/`);
    await page.click('button[data-username="lead"]');
    await page.waitForURL(`${stack.url}/coordinator/`);
    await page.getByRole('heading', { name: 'Hamburg', level: 3 }).waitFor();
    await page
      .locator('#overview svg[data-chart="enrolment-berlin"] title', {
        hasText: /^Cumulative enrolment: 2 of a target of 4/,
      })
      .waitFor({ state: 'attached' });
    await page
      .locator('#overview svg[data-chart="response-berlin"] title', {
        hasText: /^Response rate by session and role/,
      })
      .waitFor({ state: 'attached' });
    await page.locator('#dyads').waitFor();
    expect(await page.locator('#overview article').count()).toBe(2);
    const berlin = page.locator('#overview article', { has: page.getByRole('heading', { name: 'Berlin' }) });
    await expect(berlin.getByText(enrolled.body.dyad.dyadId).first().isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    const bodies = await Promise.all(apiBodies);
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) expect(body).not.toMatch(/"answers"|"i9"/);
    // The charts' colour keys are SVG attributes, never style attributes, which the page's policy refuses.
    expect(await page.locator('#overview svg').count()).toBeGreaterThan(0);
    expect(await page.locator('[style]').count()).toBe(0);
    expect(refused).toEqual([]);

    // The lead's audit log: linked from the header, the last 7 days by default, newest first.
    await Promise.all([
      page.waitForURL(`${stack.url}/audit/`),
      page.getByRole('link', { name: 'Audit log' }).click(),
    ]);
    await page.locator('#audit tbody tr').first().waitFor();
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.inputValue('#audit-to')).toBe(today);
    expect(await page.inputValue('#audit-from')).toBe(
      new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10),
    );
    expect(await page.locator('#audit tbody').textContent()).toContain(enrolled.body.dyad.dyadId);
    expect(await page.locator('#audit tbody').textContent()).toContain('dyad.enrol');
    expect(await axeViolations(page)).toEqual([]);
    // A range without events says so.
    await page.fill('#audit-from', '2020-01-01');
    await page.fill('#audit-to', '2020-01-07');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No event in these days.').waitFor();
    expect(refused).toEqual([]);
    await context.close();
  });
});
