import { describe, expect, it } from 'vitest';
import { NONE_REACHING, NULLS, TEN_SITES } from '../../test/fixtures/plan.ts';
import { planParagraph } from './paragraph.ts';
import { PLAN_CHARTS, planHtml } from './render-html.ts';

describe('planHtml', () => {
  const page = planHtml(TEN_SITES);

  it('gives the same bytes for the same plan, in English, with nothing outside itself', () => {
    expect(planHtml(structuredClone(TEN_SITES))).toBe(page);
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|\bstyle=/i);
    expect([...new Set(page.match(/https?:\/\/[^"\s<]+/g))]).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('holds the grant paragraph, both charts, one table row per design and the reading of every column', () => {
    expect(page).toContain(`<p class="grant">${planParagraph(TEN_SITES).replaceAll("'", '&#39;')}</p>`);
    for (const chart of PLAN_CHARTS) expect(page).toContain(`data-chart="${chart}"`);
    expect(page.match(/<tr data-dyads="/g)).toHaveLength(5);
    expect(page).toContain('<tr data-dyads="30" class="reached">');
    expect(page.match(/<dt>/g)).toHaveLength(10);
    expect(page).toContain('docs/planning.md');
  });

  it('says when no design reaches 80%, and marks none', () => {
    const none = planHtml(NONE_REACHING);
    expect(none).toContain('No design reaches 80% power.');
    expect(none).not.toContain('class="reached"');
  });

  it('shows a dash for figures no study could give and never prints null', () => {
    const nulls = planHtml(NULLS);
    expect(nulls).toContain('<td class="na">–</td>');
    expect(nulls).not.toMatch(/null|NaN|undefined/);
    expect(nulls).toContain('95% confidence interval (no data)');
  });
});

describe('the next step plan.html suggests', () => {
  const next = (plan: Parameters<typeof planHtml>[0]) =>
    /<p class="note next">(.*?)<\/p>/.exec(planHtml(plan))?.[1];

  it('asks for more sites or dyads when no design reaches 80%, and for more dyads with one site', () => {
    expect(next(NONE_REACHING)).toBe(
      'No design simulated reaches 80% power: run <code>tandem plan</code> again with more <code>--sites</code> or a higher <code>--dyads</code> range.',
    );
    expect(next({ ...NONE_REACHING, inputs: { ...NONE_REACHING.inputs, sites: 1 } })).toContain(
      'again with a higher <code>--dyads</code> range',
    );
  });

  it('asks for a lower range when the smallest design already reaches 80%', () => {
    const high = { ...TEN_SITES, points: TEN_SITES.points.slice(2) };
    expect(next(high)).toContain('Even the smallest design simulated, 30 dyads per site, reaches 80% power');
  });

  it('warns when the design reaching 80% is within 2 Monte Carlo SEs of it, and says nothing when it is clear', () => {
    const close = {
      ...TEN_SITES,
      points: TEN_SITES.points.map((p) => (p.dyads === 30 ? { ...p, power: 0.81, mcse: 0.0175 } : p)),
    };
    expect(next(close)).toContain('At 30 dyads per site power is within 2 Monte Carlo SEs of 80%');
    expect(next(TEN_SITES)).toBeUndefined();
  });
});
