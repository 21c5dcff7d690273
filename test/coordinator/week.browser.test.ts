import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { api, startTestStack } from '../local/harness.ts';
import { COORDINATOR_STUDY, linkPath, phq9 } from './study.ts';

// A coordinator's first week on a phone (360 px, real Chromium): enrol a dyad, print its card after
// confirming that its links are cut, withdraw it, then follow up a client's safety flag and close
// it. Every step: no sideways scrolling, no axe-core violation. Screenshots at 360 and 1280 px go
// to test-artifacts/ (git-ignored) for a person to look at.

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

let stack: LocalServer;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack({ study: COORDINATOR_STUDY });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** How far the page scrolls sideways, in CSS pixels (0 when it fits its viewport). */
const overflow = (page: Page): Promise<number> =>
  page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;

async function expectFitsAndAccessible(page: Page): Promise<void> {
  expect(await overflow(page)).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
}

describe('a coordinator’s week at 360 px', { timeout: 180_000 }, () => {
  it('enrols, prints a card with confirmation and withdraws a dyad, the page fitting the phone', async () => {
    const http = api(stack);
    // A dyad enrolled earlier whose client reports thoughts of self-harm (PHQ-9 item 9).
    const therapist = await http.post<{ therapist: { therapistId: string } }>(
      '/api/v1/sites/berlin/therapists',
      { language: 'en' },
      { as: 'coordinator-berlin' },
    );
    const therapistId = therapist.body.therapist.therapistId;
    const flagged = await http.post<{ dyad: { dyadId: string }; links: { client: string } }>(
      '/api/v1/sites/berlin/dyads',
      { therapistId, modality: 'in_person', interpreter: false, language: 'en' },
      { as: 'coordinator-berlin' },
    );
    const flaggedClient = linkPath(flagged.body.links.client);
    expect((await http.post(`${flaggedClient}/consent`, { version: 1 })).status).toBe(201);
    expect(
      (await http.post(flaggedClient, { session: 1, instrument: 'phq9', answers: phq9(2) })).status,
    ).toBe(201);

    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/signin?next=/coordinator/`);
    await page.click('button[data-username="coordinator-berlin"]');
    await page.waitForURL(`${stack.url}/coordinator/`);
    await page.locator('#dyads').waitFor();
    await page.locator('#overview article[data-site="berlin"] svg[data-chart]').first().waitFor();
    await expectFitsAndAccessible(page);
    // Labels, not raw ids: the modality and language as the form names them.
    const flaggedRow = page.locator(`#dyads tr[data-dyad="${flagged.body.dyad.dyadId}"]`);
    expect(await flaggedRow.locator('td[data-label="Modality"]').textContent()).toBe('In person');
    expect(await flaggedRow.locator('td[data-label="Language"]').textContent()).toBe('English');
    expect(await page.getByLabel('Language', { exact: true }).locator('option').allTextContents()).toEqual([
      'English',
      'German (Deutsch)',
      'Arabic (العربية)',
    ]);

    // Enrol.
    await page.getByLabel('Modality').selectOption('online');
    await page.getByRole('button', { name: 'Enrol dyad' }).click();
    const enrolled = page.locator('#shown-once .once');
    await enrolled.getByText(/^Dyad D-/).waitFor();
    const dyadId =
      ((await enrolled.getByText(/^Dyad D-/).textContent()) ?? '').match(/D-[2-9A-Z]{6}/)?.[0] ?? '';
    const shownClient = (await enrolled.locator('code[data-link-role="client"]').textContent()) ?? '';
    const row = page.locator(`#dyads tr[data-dyad="${dyadId}"]`);
    await row.waitFor();
    await expectFitsAndAccessible(page);
    await page.screenshot({ path: new URL('coordinator-week-360.png', ARTIFACTS).pathname, fullPage: true });

    // Print the card: the dialog says the links will be cut; Cancel keeps them.
    await row.getByText('Actions').click();
    await row.getByRole('button', { name: 'Print card (new links)' }).click();
    const dialog = page.getByRole('dialog', { name: `Print a new card for ${dyadId}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('stop working at once');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await http.get(linkPath(shownClient), { headers: { accept: 'text/html' } })).status).toBe(200);

    await row.getByRole('button', { name: 'Print card (new links)' }).click();
    const [card] = await Promise.all([
      context.waitForEvent('page'),
      dialog.getByRole('button', { name: 'Print card with new links' }).click(),
    ]);
    await card.locator('section.card[data-role="client"]').waitFor();
    expect((await http.get(linkPath(shownClient), { headers: { accept: 'text/html' } })).status).toBe(404);
    expect(await axeViolations(card)).toEqual([]);
    await card.close();

    // Withdraw the dyad, again only after a confirmation.
    await row.getByText('Actions').click();
    if (!(await row.getByRole('button', { name: 'Withdraw dyad' }).isVisible())) {
      await row.getByText('Actions').click();
    }
    await row.getByRole('button', { name: 'Withdraw dyad' }).click();
    await page
      .getByRole('dialog', { name: `Withdraw ${dyadId}?` })
      .getByRole('button', { name: /^Withdraw/ })
      .click();
    await expect.poll(() => row.locator('td[data-label="Status"]').textContent()).toBe('Withdrawn');
    await expectFitsAndAccessible(page);

    // A wide screen shows the same page without a scroll container in use.
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectFitsAndAccessible(page);
    await page.screenshot({ path: new URL('coordinator-week-1280.png', ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });

    await context.close();
  });

  it('follows up a client’s safety flag on the dashboard and closes it', async () => {
    const http = api(stack);
    const therapist = await http.post<{ therapist: { therapistId: string } }>(
      '/api/v1/sites/berlin/therapists',
      { language: 'en' },
      { as: 'coordinator-berlin' },
    );
    const flagged = await http.post<{ dyad: { dyadId: string }; links: { client: string } }>(
      '/api/v1/sites/berlin/dyads',
      {
        therapistId: therapist.body.therapist.therapistId,
        modality: 'mixed',
        interpreter: false,
        language: 'en',
      },
      { as: 'coordinator-berlin' },
    );
    const client = linkPath(flagged.body.links.client);
    expect((await http.post(`${client}/consent`, { version: 1 })).status).toBe(201);
    expect((await http.post(client, { session: 1, instrument: 'phq9', answers: phq9(3) })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/signin?next=/coordinator/`);
    await page.click('button[data-username="coordinator-berlin"]');
    await page.waitForURL(`${stack.url}/coordinator/`);
    // Follow up the safety flag, then close it (DESIGN §6: POST …/follow-ups/{id}/close).
    const followUp = page.locator('#overview [data-follow-up]', { hasText: flagged.body.dyad.dyadId });
    await followUp.waitFor();
    expect(await followUp.textContent()).toContain('Client');
    await followUp.getByRole('button', { name: /^Close the safety follow-up/ }).click();
    await page.getByText(`Closed the safety follow-up of ${flagged.body.dyad.dyadId}.`).waitFor();
    await followUp.waitFor({ state: 'detached' });
    await expectFitsAndAccessible(page);
    await context.close();
  });
});
