import { html, type Markup, trusted } from '../../shared/html.ts';
import { lineChart, percentLabel } from '../write/svg.ts';
import { byDyads, MISSING, PLAN_COLUMNS } from './columns.ts';
import {
  correlationLabel,
  inputsInWords,
  planParagraph,
  smallestPowered,
  TARGET_POWER,
} from './paragraph.ts';
import type { PlanPoint, PlanResult } from './types.ts';

// plan.html: one self-contained page (inline CSS and SVG, no script, no external request) that a
// lead can open offline, print, or send to a co-applicant. Everything on it comes from plan.json,
// so the same plan gives the same bytes; it carries no timestamp.

/** The `data-chart` names of the page's charts. */
export const PLAN_CHARTS = ['power', 'precision'] as const;

/** The x axis of both charts: the swept dyads per site, with a little room when there is one point. */
function dyadDomain(points: readonly PlanPoint[]): [number, number] {
  const dyads = points.map((p) => p.dyads);
  const [low, high] = [Math.min(...dyads), Math.max(...dyads)];
  return low === high ? [Math.max(0, low - 5), high + 5] : [low, high];
}

/** Narrow charts with the legend below: legible when a phone shrinks them to its width. */
const CHART_SHAPE = { width: 420, legend: 'below' } as const;

function powerChart(result: PlanResult, points: readonly PlanPoint[]): Markup {
  const test = result.inputs.sites === 1 ? "Site's own correlation test" : 'REML pooled test';
  const series = [
    {
      name: test,
      points: points.map((p) => ({ x: p.dyads, y: p.power })),
      band: {
        label: `±2 Monte Carlo SE of ${test}`,
        points: points.map((p) => ({ x: p.dyads, lo: p.power - 2 * p.mcse, hi: p.power + 2 * p.mcse })),
      },
    },
    ...(result.inputs.sites === 1
      ? []
      : [{ name: 'Fixed-effect pooled test', points: points.map((p) => ({ x: p.dyads, y: p.power_fe })) }]),
    { name: 'Online vs in-person g test', points: points.map((p) => ({ x: p.dyads, y: p.power_g })) },
  ];
  return trusted(
    lineChart({
      chart: 'power',
      title: `Power at α = .05 by dyads per site (${result.inputs.sites === 1 ? 'one site' : `${result.inputs.sites} sites`})`,
      xLabel: 'dyads per site',
      yLabel: 'power',
      yDomain: [0, 1],
      yFormat: percentLabel,
      xDomain: dyadDomain(points),
      ...CHART_SHAPE,
      reference: { value: TARGET_POWER, label: `${percentLabel(TARGET_POWER)} power` },
      series,
    }),
  );
}

function precisionChart(points: readonly PlanPoint[]): Markup {
  const widths = points.flatMap((p) => [p.ci_width, p.pi_width]).filter((w): w is number => w !== null);
  return trusted(
    lineChart({
      chart: 'precision',
      title: 'Mean width of the 95% intervals of r by dyads per site',
      xLabel: 'dyads per site',
      yLabel: 'interval width (r)',
      yDomain: [0, Math.max(0.1, ...widths)],
      yFormat: (value) => value.toFixed(2),
      xDomain: dyadDomain(points),
      ...CHART_SHAPE,
      series: [
        { name: '95% confidence interval', points: points.map((p) => ({ x: p.dyads, y: p.ci_width })) },
        { name: '95% prediction interval', points: points.map((p) => ({ x: p.dyads, y: p.pi_width })) },
      ],
    }),
  );
}

function table(result: PlanResult, points: readonly PlanPoint[]): Markup {
  const reached = smallestPowered(points);
  const rows = points.map((point) => {
    const mark = point === reached;
    const cells = PLAN_COLUMNS.map((column, index) => {
      const text = column.cell(point, result.inputs);
      const cls = text === MISSING ? 'na' : 'num';
      return index === 0
        ? html`<th scope="row" class="num">${text}${mark ? html` *<span class="visually-hidden"> (smallest design reaching ${percentLabel(TARGET_POWER)} power)</span>` : ''}</th>`
        : html`<td class="${cls}">${text}</td>`;
    });
    return html`<tr data-dyads="${point.dyads}" class="${mark ? 'reached' : 'design'}">${cells}</tr>`;
  });
  const note = reached
    ? html`<p class="note">* The smallest design with at least ${percentLabel(TARGET_POWER)} power: ${reached.dyads} dyads per site. A dash marks a figure no simulated study could give.</p>`
    : html`<p class="note">No design reaches ${percentLabel(TARGET_POWER)} power. A dash marks a figure no simulated study could give.</p>`;
  return html`<div class="scroll" role="region" aria-label="Figures by design" tabindex="0"><table>
<caption>Figures by design (one row per number of dyads per site)</caption>
<thead><tr>${PLAN_COLUMNS.map((c) => html`<th scope="col">${c.heading}</th>`)}</tr></thead>
<tbody>
${rows.map((row) => html`${row}\n`)}</tbody></table></div>
${note}
<h3>How to read the columns</h3>
<dl class="columns">${PLAN_COLUMNS.map((c) => html`<dt>${c.heading}</dt><dd>${c.meaning}</dd>`)}</dl>`;
}

/** What to run next when the sweep does not settle the design: it starts too high, ends too low, or is too close to call. */
function nextStep(result: PlanResult, points: readonly PlanPoint[]): Markup | null {
  const reached = smallestPowered(points);
  const target = percentLabel(TARGET_POWER);
  if (!reached)
    return html`<p class="note next">No design simulated reaches ${target} power: run <code>tandem plan</code> again with ${result.inputs.sites === 1 ? 'a higher' : html`more <code>--sites</code> or a higher`} <code>--dyads</code> range.</p>`;
  if (reached === points[0] && points.length > 1)
    return html`<p class="note next">Even the smallest design simulated, ${reached.dyads} dyads per site, reaches ${target} power: fewer may do. Run <code>tandem plan</code> again with a lower <code>--dyads</code> range to find the smallest.</p>`;
  if (reached.power - 2 * reached.mcse < TARGET_POWER)
    return html`<p class="note next">At ${reached.dyads} dyads per site power is within 2 Monte Carlo SEs of ${target}: take the next design, or run again with more <code>--sims</code> around it.</p>`;
  return null;
}

const STYLE = `
:root{color-scheme:light}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#1b1b1b;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main,footer{box-sizing:border-box;max-width:980px;margin:0 auto;padding:0 1rem}
header{border-bottom:2px solid #1f5f99}
h1{font-size:1.5rem;margin:1rem 0 .5rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1rem}
.grant{border-left:4px solid #1f5f99;background:#f3f7fb;padding:.75rem 1rem;margin:1rem 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;white-space:nowrap}
thead th{background:#eef3f8;text-align:right}
.num{text-align:right;font-variant-numeric:tabular-nums}
.na{text-align:center;color:#555}
tr.reached th,tr.reached td{background:#eaf4ea;font-weight:600}
.note{color:#444;font-size:.9rem}
figure{margin:1rem 0}
svg[data-chart]{display:block;max-width:560px;height:auto}
dl.columns dt{font-weight:600;margin-top:.5rem}
dl.columns dd{margin:0 0 0 1rem}
code{white-space:nowrap}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
body{font-size:11pt}
.scroll{overflow:visible}
table{font-size:9pt}
figure,table,.grant{break-inside:avoid}
svg[data-chart]{max-width:15cm}
h2{break-after:avoid}
}
`;

/** plan.html for a plan: self-contained, readable offline and on a phone, the same bytes for the same plan. */
export function planHtml(result: PlanResult): string {
  const points = byDyads(result.points);
  const { inputs } = result;
  const r = `r = ${correlationLabel(inputs.r)}`;
  const title =
    inputs.sites === 1
      ? `Study plan: one site, ${r}`
      : `Study plan: ${inputs.sites} sites, ${r}, τ = ${inputs.tau.toFixed(2)}`;
  const charts = points.length
    ? html`<figure>${powerChart(result, points)}<figcaption class="note">The shaded band around the ${inputs.sites === 1 ? "site's own test" : 'REML'} curve is ±2 Monte Carlo SE; the dashed line marks ${percentLabel(TARGET_POWER)} power.</figcaption></figure>
<figure>${precisionChart(points)}<figcaption class="note">Narrower is more precise. The prediction interval is where a new site's correlation would fall${inputs.sites === 1 ? '; with one site there is none' : ''}.</figcaption></figure>`
    : html`<p class="note">No design was simulated.</p>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Tandem</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p>Power and precision of a planned study, by simulation through the analyses of a Tandem release (<code>tandem plan</code>).</p>
</header>
<main>
<section aria-labelledby="grant">
<h2 id="grant">In a sentence or two, for a grant</h2>
<p class="grant">${planParagraph(result)}</p>
${nextStep(result, points)}
</section>
<section aria-labelledby="planned">
<h2 id="planned">What was planned</h2>
<ul>${inputsInWords(inputs).map((line) => html`<li>${line}</li>`)}</ul>
</section>
<section aria-labelledby="curves">
<h2 id="curves">Power and precision by dyads per site</h2>
${charts}
</section>
<section aria-labelledby="figures">
<h2 id="figures">All figures</h2>
${table(result, points)}
</section>
<section aria-labelledby="assumes">
<h2 id="assumes">What the simulation assumes</h2>
<p>Each simulated study is drawn by the generator of Tandem's synthetic studies: site and therapist random effects on alliance, an early upward slope, session-to-session noise and ruptures, dropout at the rate given, missing items, interpreter and online dyads, and normally distributed Fisher-z correlations around the true r. Each is then analysed in memory exactly as a release would be, suppression included.</p>
<p>It does not model uncertain recruitment, sites that drop out, dropout that depends on the outcome, or doubt about the true effect: r, τ and g are taken as known. Power is that of the release's pooled test (a z test on the REML estimate), not of a t-based Knapp–Hartung test, which holds its level better with few sites. Read <code>docs/planning.md</code> in the Tandem repository for the details and a worked example.</p>
</section>
</main>
<footer><p class="note">Figures are rounded for display; plan.json holds them unrounded.</p></footer>
</body>
</html>
`.toString();
}
