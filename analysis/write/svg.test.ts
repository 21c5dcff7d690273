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

describe('lineChart with a band, a reference line and the legend below', () => {
  const svg = lineChart({
    chart: 'power',
    title: 'Power',
    xLabel: 'dyads per site',
    yLabel: 'power',
    yDomain: [0, 1],
    yFormat: percentLabel,
    xDomain: [20, 30],
    width: 420,
    legend: 'below',
    reference: { value: 0.8, label: '80% power' },
    series: [
      {
        name: 'REML pooled test',
        points: [
          { x: 20, y: 0.7 },
          { x: 30, y: 0.98 },
        ],
        band: {
          label: '±2 MCSE',
          points: [
            { x: 20, lo: 0.66, hi: 0.74 },
            { x: 30, lo: 0.96, hi: 1.01 },
          ],
        },
      },
    ],
  });

  it('draws the band behind the line, clipped to the axis, and describes it', () => {
    const band = /<polygon data-band="" points="([^"]+)"/.exec(svg);
    expect(band).not.toBeNull();
    expect(svg.indexOf('<polygon data-band')).toBeLessThan(svg.indexOf('<polyline'));
    const ys = (band?.[1] ?? '').split(' ').map((pair) => Number(pair.split(',')[1]));
    // The y axis runs from 16 (100%) to 300 − 70 (0%): 101% is drawn at the top, not above it.
    expect(Math.min(...ys)).toBe(16);
    expect(svg).toContain('±2 MCSE: 20 → 66% to 74%, 30 → 96% to 101%');
  });

  it('draws a labelled dashed line at 80% across the plot', () => {
    const line = /<line data-reference="" x1="56" y1="([\d.]+)" x2="404"/.exec(svg);
    expect(line).not.toBeNull();
    expect(svg).toContain('>80% power</text>');
    expect(svg).toMatch(/<desc[^>]*>[^<]*; 80% power<\/desc>/);
  });

  it('starts the x axis at the given domain and puts the legend under it in a narrow viewBox', () => {
    expect(svg).toContain('viewBox="0 0 420 318"');
    expect(svg).toMatch(/<text x="56" y="\d+" text-anchor="middle" fill="#222">20<\/text>/);
    const axisLabel = Number(/y="([\d.]+)" text-anchor="middle" fill="#222">dyads per site/.exec(svg)?.[1]);
    const legend = Number(/<text x="82" y="([\d.]+)" dy="4" fill="#222">REML pooled test/.exec(svg)?.[1]);
    expect(legend).toBeGreaterThan(axisLabel);
    expect(legend).toBeLessThan(318);
  });

  it('draws a band of one point as an error bar', () => {
    const one = lineChart({
      chart: 'one',
      title: 'One',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 's', points: [{ x: 5, y: 0.5 }], band: { label: 'b', points: [{ x: 5, lo: 0.4, hi: 0.6 }] } },
      ],
    });
    expect(one).toMatch(/<line data-band="" x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+"/);
    expect(one).not.toContain('<polyline');
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
