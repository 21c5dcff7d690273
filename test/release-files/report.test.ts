import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CHARTS, renderReport } from '../../analysis/write/report.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { demoReport, reportFixture } from './report-fixture.ts';

describe('renderReport', () => {
  const html = renderReport(reportFixture());

  it('gives the same bytes for the same release', () => {
    expect(renderReport(reportFixture())).toBe(html);
  });

  it('refers to nothing outside itself: no script, stylesheet link, image source or remote URL', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(/i);
    const urls = new Set(html.match(/https?:\/\/[^"\s<]+/g) ?? []);
    expect([...urls]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('shows suppressed rows as "suppressed" and escapes the study title', () => {
    expect(html).toContain('<td class="sup">suppressed</td>');
    expect(html).toContain('Alliance &lt;across&gt; sites');
    expect(html).not.toContain('<across>');
  });
});

describe('report.html in Chromium with the network blocked', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function offline(html: string) {
    const page = await browser.newPage();
    const attempted: string[] = [];
    await page.route('**/*', async (route) => {
      attempted.push(route.request().url());
      await route.abort();
    });
    page.on('request', (request) => attempted.push(request.url()));
    await page.setContent(html, { waitUntil: 'load' });
    return { page, attempted };
  }

  it('makes no request, draws every chart and has no axe-core violations', async () => {
    const { page, attempted } = await offline(renderReport(reportFixture()));

    const charts = await page.$$eval('svg[data-chart]', (nodes) =>
      nodes.map((n) => ({ chart: n.getAttribute('data-chart'), width: n.getBoundingClientRect().width })),
    );
    expect(charts.map((c) => c.chart).sort()).toEqual([...REPORT_CHARTS].sort());
    for (const chart of charts) expect(chart.width, String(chart.chart)).toBeGreaterThan(100);

    // The forest plot has a square per estimable site, the pooled diamond and the prediction interval.
    const forest = page.locator('svg[data-chart="alliance-outcome"]');
    expect(await forest.locator('[data-estimate="site"]').count()).toBe(2);
    expect(await forest.locator('polygon[data-estimate="pooled"]').count()).toBe(1);
    expect(await forest.locator('[data-estimate="prediction"]').count()).toBe(1);
    expect(await forest.locator('text', { hasText: 'suppressed' }).count()).toBe(1);

    // Alliance by session: one line for clients, one for therapists.
    expect(await page.locator('svg[data-chart="alliance-by-session"] polyline').count()).toBe(2);

    expect(await page.getByRole('cell', { name: 'suppressed' }).count()).toBeGreaterThan(5);
    expect(await axeViolations(page)).toEqual([]);
    expect(attempted).toEqual([]);
    await page.close();
  });

  it('renders the demo study of `tandem dev` through the release pipeline with every chart, offline and axe-clean', async () => {
    const { page, attempted } = await offline(demoReport());
    const charts = await page.$$eval('svg[data-chart]', (nodes) =>
      nodes.map((n) => n.getAttribute('data-chart')),
    );
    expect(charts.sort()).toEqual([...REPORT_CHARTS].sort());
    const forest = page.locator('svg[data-chart="alliance-outcome"]');
    expect(await forest.locator('[data-estimate="site"]').count()).toBe(3);
    expect(await forest.locator('polygon[data-estimate="pooled"]').count()).toBe(1);
    expect(await page.locator('svg[data-chart="alliance-by-session"] polyline').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    expect(attempted).toEqual([]);
    await page.close();
  });
});
