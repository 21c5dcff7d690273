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
