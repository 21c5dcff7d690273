import { describe, expect, it } from 'vitest';
import { barChart, lineChart, percentLabel } from './svg.ts';

describe('lineChart', () => {
  it('breaks a line at a hidden point instead of drawing across it', () => {
    const svg = lineChart({
      chart: 'c',
      title: 'Mean by session',
      xLabel: 'session',
      yLabel: 'mean',
      series: [
        {
          name: 'Clients',
          points: [
            { x: 1, y: 40 },
            { x: 2, y: 42 },
            { x: 3, y: null },
            { x: 4, y: 44 },
            { x: 5, y: 45 },
          ],
        },
      ],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('Clients: 1 → 40, 2 → 42, 4 → 44, 5 → 45');
  });

  it('labels a fixed rate axis as percentages, with room for 100%', () => {
    const svg = lineChart({
      chart: 'rates',
      title: 'Response rate',
      xLabel: 'session',
      yLabel: 'completed',
      yDomain: [0, 1],
      yFormat: percentLabel,
      series: [{ name: 'client', points: [{ x: 1, y: 1 }] }],
    });
    const hundred = /<text x="(\d+)" y="([\d.]+)" dy="4" text-anchor="end" fill="#222">100%<\/text>/.exec(
      svg,
    );
    expect(hundred).not.toBeNull();
    // Anchored at the end 6 px left of the axis at x=56: about 30 px of text fit without clipping.
    expect(Number(hundred?.[1])).toBeGreaterThanOrEqual(40);
    expect(Number(hundred?.[2])).toBeGreaterThanOrEqual(12);
  });
});

describe('barChart', () => {
  it('draws a labelled reference line and escapes every label', () => {
    const svg = barChart({
      chart: 'enrolment',
      title: 'Enrolment',
      xLabel: 'dyads',
      bars: [{ label: '<b>2027-01</b>', value: 3 }],
      max: 10,
      format: String,
      reference: { value: 8, label: 'target 8' },
    });
    expect(svg).toContain('data-reference=""');
    expect(svg).toContain('target 8');
    expect(svg).toContain('&lt;b&gt;2027-01&lt;/b&gt;');
    expect(svg).not.toContain('style=');
  });
});
