import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_CHARTS, planHtml } from '../../analysis/plan/render-html.ts';
import type { PlanResult } from '../../analysis/plan/types.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { CAPTURED, ONE_POINT, ONE_SITE, TEN_SITES } from '../fixtures/plan.ts';

// plan.html in real Chromium with the network blocked, on a phone (360 px) and a desktop (1280 px):
// no request, no sideways scrolling, no axe-core violation, the curves drawn with their names.
// Screenshots go to test-artifacts/ (git-ignored) for a person to look at.

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

/** The page opened offline at a width; every request it tries is recorded and refused. */
async function open(plan: PlanResult, width: number): Promise<{ page: Page; attempted: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, isMobile: width < 600 });
  const page = await context.newPage();
  const attempted: string[] = [];
  await page.route('**/*', async (route) => {
    attempted.push(route.request().url());
    await route.abort();
  });
  await page.setContent(planHtml(plan), { waitUntil: 'load' });
  return { page, attempted };
}

const overflow = (page: Page): Promise<number> =>
  page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;

describe('plan.html in Chromium', { timeout: 120_000 }, () => {
  it('fits a 360 px phone without sideways scrolling, with no request and no axe-core violation', async () => {
    const { page, attempted } = await open(CAPTURED, 360);
    expect(await overflow(page)).toBe(0);
    expect(attempted).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    // The table scrolls inside its own container instead of widening the page.
    const scroll = await page.$eval('.scroll', (node) => ({
      inner: node.scrollWidth,
      outer: node.clientWidth,
    }));
    expect(scroll.inner).toBeGreaterThan(scroll.outer);
    for (const chart of PLAN_CHARTS) {
      const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
      expect(box?.width, chart).toBeLessThanOrEqual(360);
      expect(box?.width, chart).toBeGreaterThan(250);
    }
    await page.screenshot({ path: new URL('plan-360.png', ARTIFACTS).pathname, fullPage: true });
    await page.context().close();
  });

  it('fits a 1280 px desktop, charts at a readable size, with no axe-core violation', async () => {
    const { page } = await open(CAPTURED, 1280);
    expect(await overflow(page)).toBe(0);
    for (const chart of PLAN_CHARTS) {
      const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
      expect(box?.width, chart).toBe(560);
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: new URL('plan-1280.png', ARTIFACTS).pathname, fullPage: true });
    await page.context().close();
  });

  it('draws one curve per series, an MCSE band, the 80% line, and names them for a screen reader', async () => {
    const { page } = await open(TEN_SITES, 1280);
    const power = page.locator('svg[data-chart="power"]');
    expect(
      await power
        .locator('polyline[data-series]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-series'))),
    ).toEqual(['REML pooled test', 'Fixed-effect pooled test', 'Online vs in-person g test']);
    expect(await power.locator('polyline[data-series="REML pooled test"]').getAttribute('points')).toMatch(
      /^(\S+,\S+ ){4}\S+,\S+$/,
    );
    expect(await power.locator('polygon[data-band]').count()).toBe(1);
    expect(await power.locator('line[data-reference]').count()).toBe(1);
    const [title, desc] = [power.locator('title'), power.locator('desc')];
    expect((await power.getAttribute('aria-labelledby'))?.split(' ')).toEqual([
      await title.getAttribute('id'),
      await desc.getAttribute('id'),
    ]);
    expect(await title.textContent()).toBe('Power at α = .05 by dyads per site (10 sites)');
    const labelled = [await title.textContent(), (await desc.textContent()) ?? ''];
    expect(labelled[1]).toContain('REML pooled test: 20 → 66%, 25 → 76%, 30 → 83%, 35 → 88%, 40 → 93%');
    expect(labelled[1]).toContain('80% power');
    const precision = page.locator('svg[data-chart="precision"]');
    expect(
      await precision
        .locator('polyline[data-series]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-series'))),
    ).toEqual(['95% confidence interval', '95% prediction interval']);
    expect(await precision.locator('title').first().textContent()).toBe(
      'Mean width of the 95% intervals of r by dyads per site',
    );
    // The smallest design reaching 80% is marked in the table in words, not by colour alone.
    expect(await page.locator('tr.reached th').textContent()).toContain('30 *');
    expect(await page.locator('tr.reached th').textContent()).toContain('smallest design reaching 80% power');
    expect(await overflow(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('draws a single design point as markers with an error bar, and one site without a fixed-effect curve or prediction interval', async () => {
    const single = await open(ONE_POINT, 360);
    const power = single.page.locator('svg[data-chart="power"]');
    // One point: markers and an error bar, no line to draw.
    expect(await power.locator('circle').count()).toBe(3);
    expect(await power.locator('line[data-band]').count()).toBe(1);
    expect(await overflow(single.page)).toBe(0);
    expect(await axeViolations(single.page)).toEqual([]);
    await single.page.context().close();

    const site = await open(ONE_SITE, 360);
    const series = await site.page
      .locator('svg[data-chart="power"] polyline[data-series]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-series')));
    expect(series).toEqual(["Site's own correlation test", 'Online vs in-person g test']);
    expect(await site.page.locator('svg[data-chart="precision"]').textContent()).toContain(
      '95% prediction interval (no data)',
    );
    expect(await axeViolations(site.page)).toEqual([]);
    await site.page.context().close();
  });
});
