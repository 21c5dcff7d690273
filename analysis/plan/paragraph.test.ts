import { describe, expect, it } from 'vitest';
import { NONE_REACHING, NULLS, ONE_POINT, ONE_SITE, TEN_SITES } from '../../test/fixtures/plan.ts';
import { correlationLabel, inputsInWords, planParagraph, powerLabel, smallestPowered } from './paragraph.ts';

describe('planParagraph', () => {
  it('names the smallest design reaching 80%, with its Monte Carlo SE, and the power just below it', () => {
    const text = planParagraph(TEN_SITES);
    expect(text).toMatch(
      /^With 10 sites of 30 dyads \(300 in all\), a study like this detects an alliance–outcome correlation of r = \.28 with 83% power \(Monte Carlo SE ±1\.7%, 500 simulated studies\) in the pooled random-effects \(REML\) test at α = \.05, the smallest of the designs simulated that reaches 80%\. With 25 dyads per site, power is 76%\./,
    );
    expect(text).toContain('On average 23.4 of the 30 dyads per site enter the analysis');
    expect(text).toContain('the 95% confidence interval of r is 0.11 wide');
    expect(text).toContain("the 95% prediction interval for a new site's correlation 0.47 wide");
    expect(text).toContain('would have 87% power');
    expect(text).toContain('g = 0.30 with 56% power');
    expect(text).toContain("τ = 0.10 on Fisher's z");
    expect(text).toMatch(/docs\/planning\.md\.$/);
    // Nothing was suppressed and every study pooled: neither is mentioned.
    expect(text).not.toContain('suppress');
    expect(text).not.toContain('fewer than 2 sites');
  });

  it('says when no design reaches 80%, reports the largest and what would help', () => {
    const text = planParagraph(NONE_REACHING);
    expect(text).toMatch(
      /^None of the designs simulated reaches 80% power to detect an alliance–outcome correlation of r = \.28\. With 4 sites of 20 dyads \(80 in all\), the largest simulated, the pooled random-effects \(REML\) test at α = \.05 has 42% power \(Monte Carlo SE ±2\.2%, 500 simulated studies\); more sites or more dyads per site are needed\./,
    );
    expect(text).toContain('In 0.2% of the simulated studies fewer than 2 sites could be pooled');
    expect(text).toContain('Suppression would empty 0.4% of site rows (fewer than k = 5 dyads behind them).');
  });

  it("words one site as the site's own correlation test, without pooling, spread or prediction interval", () => {
    const text = planParagraph(ONE_SITE);
    expect(text).toMatch(
      /^With one site of 100 dyads, a study like this detects .* with 85% power .* in the site's own correlation test \(Fisher's z at α = \.05; with one site nothing is pooled\)/,
    );
    // 0.797 would round to 80%: shown with a decimal so that it does not claim the target.
    expect(text).toContain('With 90 dyads, power is 79.7%.');
    expect(text).toContain(
      'On average 78.0 of the 100 dyads enter the analysis; the 95% confidence interval of r is 0.06 wide.',
    );
    for (const absent of ['per site', 'pooled test', 'τ', 'prediction', 'fewer than 2 sites'])
      expect(text).not.toContain(absent);
  });

  it('leaves out the figures no simulated study could give', () => {
    const text = planParagraph(NULLS);
    expect(text).toMatch(/^The design simulated does not reach 80% power/);
    expect(text).toContain('On average 3.1 of the 4 dyads per site enter the analysis.');
    expect(text).toContain('In 100.0% of the simulated studies fewer than 2 sites could be pooled');
    for (const absent of ['confidence interval', 'prediction interval', 'online', 'null', 'NaN', 'undefined'])
      expect(text).not.toContain(absent);
  });

  it('describes a single design point that reaches 80% without calling it the smallest of several', () => {
    const text = planParagraph(ONE_POINT);
    expect(text).toMatch(
      /^With 12 sites of 25 dyads \(300 in all\), a study like this detects .* with 83% power .* at α = \.05\. On average/,
    );
    expect(text).not.toContain('smallest');
  });

  it('says so when there is no design point', () => {
    expect(planParagraph({ inputs: TEN_SITES.inputs, points: [] })).toBe('No design was simulated.');
  });
});

describe('smallestPowered', () => {
  it('takes the fewest dyads reaching 80% whatever the order of the points, and nothing when none does', () => {
    expect(smallestPowered([...TEN_SITES.points].reverse())?.dyads).toBe(30);
    expect(smallestPowered(NONE_REACHING.points)).toBeUndefined();
  });
});

describe('labels', () => {
  it('writes correlations as journals do and powers as whole percentages unless that claims 80%', () => {
    expect([0.28, -0.05, 0.275, 0.3].map(correlationLabel)).toEqual(['.28', '−.05', '.275', '.3']);
    expect([0.834, 0.797, 0.8, 0.0049].map(powerLabel)).toEqual(['83%', '79.7%', '80%', '0%']);
  });

  it('states every input of the plan in words', () => {
    const words = inputsInWords(TEN_SITES.inputs);
    expect(words).toContain(
      '10 sites, each with 20, 25, 30, 35 or 40 dyads (one design per number of dyads).',
    );
    expect(words).toContain('20% of dyads drop out before their last session.');
    expect(words).toContain("A between-site SD of that correlation of τ = 0.10 on Fisher's z.");
    expect(words).toContain('Rows that fewer than 5 dyads stand behind are suppressed (k = 5).');
    expect(inputsInWords({ ...ONE_SITE.inputs, dyads: [40], dropout: 0 }).slice(0, 3)).toEqual([
      'One site with 40 dyads.',
      '12 sessions per dyad.',
      'No dropout: every dyad attends every session.',
    ]);
  });
});
