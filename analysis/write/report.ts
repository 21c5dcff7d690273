import type { ColumnTable } from 'arquero';
import { escapeText as escapeXml } from '../../shared/html.ts';
import {
  ALL_SITES,
  agreement,
  allianceOutcome,
  type ColumnDef,
  type FileDef,
  icc,
  moderators,
  type ReportInput,
  reliability,
  ruptures,
  type SiteEnrolment,
  siteSessionSummary,
  therapistWellbeing,
  trajectories,
} from '../columns.ts';
import { parquetName } from './codebook.ts';
import { barChart, type ForestRow, forestPlot, type LineSeries, lineChart } from './svg.ts';

// report.html: one self-contained page (inline CSS and SVG, no script, no external request) that a
// researcher can open offline. Everything it shows comes from the release's own tables, so it is
// as deterministic as they are; it carries no timestamp.

/** The `data-chart` names of the charts every report holds. */
export const REPORT_CHARTS = [
  'enrolment',
  'response-rate',
  'alliance-by-session',
  'ruptures',
  'alliance-outcome',
  'moderators',
] as const;

type Row = Record<string, unknown>;

const SUPPRESSED = 'suppressed';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const rowsOf = (table: ColumnTable | undefined): Row[] => (table ? (table.objects() as Row[]) : []);

/** A number for display: whole numbers as they are, others to three decimals; p below .001 as "< 0.001". */
function display(column: ColumnDef, value: unknown): string {
  if (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  ) {
    return '';
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'number') return String(value);
  if (column.type === 'integer' || Number.isInteger(value)) return String(value);
  if ((column.name === 'pval' || column.name === 'q_p') && value < 0.001) return '< 0.001';
  return value.toFixed(3);
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

/**
 * An HTML table of a release table: one column per definition (the meaning as a tooltip), an empty
 * cell of a suppressed row shown as "suppressed", any other empty cell as a dash.
 */
function dataTable(file: FileDef, rows: Row[], caption: string, skip: readonly string[] = []): string {
  const columns = file.columns.filter((c) => !skip.includes(c.name));
  if (rows.length === 0) return `<p class="note">${escapeXml(caption)}: no rows in this release.</p>`;
  const head = columns
    .map((c) => `<th scope="col" title="${escapeXml(c.meaning)}">${escapeXml(c.name)}</th>`)
    .join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((column) => {
        const text = display(column, row[column.name]);
        if (text !== '')
          return `<td${column.type === 'string' ? '' : ' class="num"'}>${escapeXml(text)}</td>`;
        return row.suppressed === true ? `<td class="sup">${SUPPRESSED}</td>` : '<td class="na">–</td>';
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return (
    `<div class="scroll" role="region" aria-label="${escapeXml(caption)}" tabindex="0"><table>` +
    `<caption>${escapeXml(caption)}</caption><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
  );
}

function section(id: string, title: string, content: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeXml(title)}</h2>\n${content}\n</section>`;
}

function holdings(input: ReportInput): string {
  const counts = `<p>${input.inputs.dyads} dyads and ${input.inputs.responses} responses went into this release; ${input.inputs.skipped} malformed record(s) were skipped. Rows that fewer than ${input.suppressionK} distinct dyads (therapists, for therapist-level rows) stand behind are suppressed: their counts and statistics are empty and marked "suppressed".</p>`;
  const rows = input.files
    .map((file) => {
      const table = input.tables.get(file.name);
      const rowCount = table ? String(table.numRows()) : 'see manifest.json';
      return `<tr><td>${escapeXml(file.name)}</td><td>${escapeXml(parquetName(file.name))}</td><td>${file.tier}</td><td class="num">${rowCount}</td><td class="num">${file.columns.length}</td></tr>`;
    })
    .join('\n');
  return `${counts}
<div class="scroll" role="region" aria-label="Files of the release" tabindex="0"><table><caption>Tables (each CSV has a Parquet twin with the same columns)</caption>
<thead><tr><th scope="col">CSV</th><th scope="col">Parquet</th><th scope="col">tier</th><th scope="col">rows</th><th scope="col">columns</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p>Also in the release: <code>codebook.json</code> and <code>codebook.md</code> (every column of every file), <code>manifest.json</code> (rows, bytes and SHA-256 of every file) and this report. Analyst-tier files are available to approved analysts only.</p>`;
}

function enrolment(sites: readonly SiteEnrolment[]): string {
  const rows = sites
    .map(
      (s) =>
        `<tr><th scope="row">${escapeXml(s.name)} <span class="id">(${escapeXml(s.siteId)})</span></th><td class="num">${s.dyads}</td><td class="num">${s.targetDyads}</td><td class="num">${s.active}</td><td class="num">${s.ended}</td><td class="num">${s.withdrawn}</td><td class="num">${s.therapists}</td><td class="num">${s.responses}</td><td class="num">${s.completed} / ${s.due}</td><td class="num">${s.responseRate === null ? 'nothing due' : percent(s.responseRate)}</td></tr>`,
    )
    .join('\n');
  const enrolled = barChart({
    chart: 'enrolment',
    title: 'Dyads enrolled against target, by site',
    xLabel: 'share of target enrolled',
    max: Math.max(1, ...sites.map((s) => (s.targetDyads > 0 ? s.dyads / s.targetDyads : 0))),
    format: percent,
    bars: sites.map((s) =>
      s.targetDyads > 0
        ? { label: s.siteId, value: s.dyads / s.targetDyads }
        : { label: s.siteId, value: undefined, note: 'no target' },
    ),
  });
  const rates = barChart({
    chart: 'response-rate',
    title: 'Response rate by site (answered of due administrations)',
    xLabel: 'response rate',
    max: 1,
    format: percent,
    bars: sites.map((s) =>
      s.responseRate === null
        ? { label: s.siteId, value: undefined, note: 'nothing due' }
        : { label: s.siteId, value: s.responseRate },
    ),
  });
  return `<div class="scroll" role="region" aria-label="Enrolment by site" tabindex="0"><table><caption>Enrolment and responses by site</caption>
<thead><tr><th scope="col">site</th><th scope="col">dyads</th><th scope="col">target</th><th scope="col">active</th><th scope="col">ended</th><th scope="col">withdrawn</th><th scope="col">therapists</th><th scope="col">responses</th><th scope="col">answered / due</th><th scope="col">response rate</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<figure>${enrolled}</figure>
<figure>${rates}</figure>`;
}

/** Mean alliance total by session, over all sites, for each role that rates the alliance. */
function allianceBySession(rows: Row[]): string {
  const views = [
    { name: 'Clients', role: 'client', instrument: 'alliance-client' },
    { name: 'Therapists', role: 'therapist', instrument: 'alliance-therapist' },
    { name: 'Interpreters', role: 'interpreter', instrument: 'alliance-interpreter' },
  ];
  const totals = rows.filter((r) => r.site === ALL_SITES && r.scale === 'total');
  const series: LineSeries[] = views
    .map((view) => ({
      name: view.name,
      points: totals
        .filter((r) => r.role === view.role && r.instrument === view.instrument)
        .map((r) => ({ x: Number(r.session), y: isNumber(r.mean) ? r.mean : null })),
    }))
    .filter((s, index) => index < 2 || s.points.some((p) => p.y !== null));
  const suppressedSessions = totals.filter(
    (r) => r.suppressed === true && String(r.instrument).startsWith('alliance-'),
  );
  const note = suppressedSessions.length
    ? `<p class="note">${suppressedSessions.length} session mean(s) are suppressed and not drawn.</p>`
    : '';
  const chart = lineChart({
    chart: 'alliance-by-session',
    title: 'Mean alliance total (12–60) by session, all sites',
    xLabel: 'session',
    yLabel: 'mean alliance total',
    series,
  });
  const shown = totals.filter((r) => String(r.instrument).startsWith('alliance-'));
  return `<figure>${chart}</figure>${note}${dataTable(siteSessionSummary, shown, 'Alliance totals by session, all sites')}
<p class="note">Every instrument, scale and site is in <code>site_session_summary.csv</code>.</p>`;
}

/** All-site alpha of every scale, and per site only the client alliance total: one row per site stays readable at 50 sites. */
function reliabilitySection(rows: Row[]): string {
  const pooled = rows.filter((r) => r.site === ALL_SITES);
  const bySite = rows.filter(
    (r) =>
      r.site !== ALL_SITES &&
      r.instrument === 'alliance-client' &&
      r.role === 'client' &&
      r.scale === 'total',
  );
  return `${dataTable(reliability, pooled, "Cronbach's alpha with Feldt 95% CI, first administrations, all sites")}
${dataTable(reliability, bySite, "Client alliance total: Cronbach's alpha by site")}
<p class="note">Every scale at every site is in <code>reliability.csv</code>.</p>`;
}

function rupturesChart(rows: Row[]): string {
  const oneSd = rows.filter((r) => r.threshold === '1sd');
  return barChart({
    chart: 'ruptures',
    title: 'Share of dyads with a rupture (drop of at least 1 SD), by site',
    xLabel: 'rupture rate',
    max: 1,
    format: percent,
    bars: oneSd.map((r) =>
      isNumber(r.rupture_rate)
        ? { label: String(r.site), value: r.rupture_rate }
        : {
            label: String(r.site),
            value: undefined,
            note: r.suppressed === true ? SUPPRESSED : 'no eligible dyads',
          },
    ),
  });
}

function outcomeForest(rows: Row[]): string {
  const siteRows: ForestRow[] = rows
    .filter((r) => r.row === 'site')
    .map((r) =>
      isNumber(r.r) && isNumber(r.r_lo) && isNumber(r.r_hi)
        ? { label: String(r.site), estimate: { value: r.r, lo: r.r_lo, hi: r.r_hi } }
        : { label: String(r.site), note: r.suppressed === true ? SUPPRESSED : 'too few dyads' },
    );
  // The REML estimate is drawn (DL is in the table); the prediction interval is back-transformed to r.
  const pooledRow = rows.find((r) => r.row === 'pooled' && r.method === 'REML');
  const pooled =
    pooledRow &&
    isNumber(pooledRow.r) &&
    isNumber(pooledRow.r_lo) &&
    isNumber(pooledRow.r_hi) &&
    isNumber(pooledRow.pi_lo) &&
    isNumber(pooledRow.pi_hi)
      ? {
          label: `Pooled (REML, k = ${String(pooledRow.k)})`,
          value: pooledRow.r,
          lo: pooledRow.r_lo,
          hi: pooledRow.r_hi,
          piLo: Math.tanh(pooledRow.pi_lo),
          piHi: Math.tanh(pooledRow.pi_hi),
        }
      : undefined;
  const chart = forestPlot({
    chart: 'alliance-outcome',
    title: 'Early alliance and PHQ-9 improvement: correlation by site and pooled',
    xLabel: 'correlation r (95% CI)',
    rows: siteRows,
    ...(pooled ? { pooled } : {}),
    format: (v) => v.toFixed(2),
  });
  const note = pooled
    ? ''
    : '<p class="note">No pooled estimate: fewer than two sites have at least 4 dyads and are not suppressed.</p>';
  return `<figure>${chart}</figure>${note}`;
}

function moderatorsChart(rows: Row[]): string {
  const contrasts = [
    { moderator: 'modality', level: 'online', label: 'online vs in person' },
    { moderator: 'interpreter', level: 'true', label: 'interpreter vs none' },
  ];
  return forestPlot({
    chart: 'moderators',
    title: 'Differences in mean client alliance (Hedges g, 95% CI)',
    xLabel: 'Hedges g',
    rows: contrasts.map((c) => {
      const row = rows.find((r) => r.moderator === c.moderator && String(r.level) === c.level);
      return row && isNumber(row.hedges_g) && isNumber(row.g_lo) && isNumber(row.g_hi)
        ? { label: c.label, estimate: { value: row.hedges_g, lo: row.g_lo, hi: row.g_hi } }
        : { label: c.label, note: row?.suppressed === true ? SUPPRESSED : 'not estimable' };
    }),
    format: (v) => v.toFixed(2),
  });
}

const STYLE = `
:root{color-scheme:light}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff;margin:0}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1rem}
header{border-bottom:2px solid #1f5f99;padding-bottom:.5rem}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}
thead th{background:#eef3f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.sup{color:#5c3b00;background:#fff4e0;font-style:italic}
td.na{color:#555;text-align:center}
.scroll{overflow-x:auto}
.id{color:#555;font-weight:normal}
.note{color:#444;font-size:.9rem}
figure{margin:1rem 0}
svg[data-chart]{max-width:640px;height:auto}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{font-weight:600}dd{margin:0}
nav ul{columns:2;padding-left:1.2rem}
`;

/** report.html for a release: self-contained, readable offline, the same bytes for the same input. */
export function renderReport(input: ReportInput): string {
  const table = (file: FileDef) => rowsOf(input.tables.get(file.name));
  const sections: { id: string; title: string; content: string }[] = [
    { id: 'holdings', title: 'What this release holds', content: holdings(input) },
    { id: 'enrolment', title: 'Enrolment and response rates by site', content: enrolment(input.sites) },
    { id: 'alliance', title: 'Alliance by session', content: allianceBySession(table(siteSessionSummary)) },
    { id: 'reliability', title: 'Reliability', content: reliabilitySection(table(reliability)) },
    {
      id: 'agreement',
      title: 'Client–therapist agreement',
      content: dataTable(
        agreement,
        table(agreement),
        'Client and therapist alliance totals of the same session',
      ),
    },
    {
      id: 'icc',
      title: 'Therapist and site effects (ICC)',
      content: dataTable(icc, table(icc), 'REML variance components of dyad mean client alliance'),
    },
    {
      id: 'trajectories',
      title: 'Early trajectories',
      content: dataTable(trajectories, table(trajectories), 'Slopes of client alliance over sessions 1–5'),
    },
    {
      id: 'ruptures',
      title: 'Ruptures and repairs',
      content: `<figure>${rupturesChart(table(ruptures))}</figure>${dataTable(ruptures, table(ruptures), 'Rupture and repair rates by site')}`,
    },
    {
      id: 'outcome',
      title: 'Alliance and outcome',
      content: `${outcomeForest(table(allianceOutcome))}${dataTable(allianceOutcome, table(allianceOutcome), 'Early alliance and PHQ-9 improvement, by site and pooled (z scale; r back-transformed)')}`,
    },
    {
      id: 'moderators',
      title: 'Moderators',
      content: `<figure>${moderatorsChart(table(moderators))}</figure>${dataTable(moderators, table(moderators), 'Mean client alliance by modality and interpreter')}`,
    },
    {
      id: 'wellbeing',
      title: 'Therapist wellbeing',
      content: dataTable(
        therapistWellbeing,
        table(therapistWellbeing),
        "Therapists' exhaustion and their clients' alliance",
      ),
    },
  ];
  const nav = sections.map((s) => `<li><a href="#${s.id}">${escapeXml(s.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(input.studyTitle)} — release ${escapeXml(input.releaseId)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeXml(input.studyTitle)}: release ${escapeXml(input.releaseId)}</h1>
<dl><dt>Study</dt><dd>${escapeXml(input.studyId)}</dd><dt>Release</dt><dd>${escapeXml(input.releaseId)}</dd><dt>Suppression k</dt><dd>${input.suppressionK}</dd><dt>Generator</dt><dd>${escapeXml(input.generator)}</dd></dl>
</header>
<main>
<nav aria-label="Contents"><ul>${nav}</ul></nav>
${sections.map((s) => section(s.id, s.title, s.content)).join('\n')}
</main>
<footer><p class="note">Numbers are rounded for display; the CSV and Parquet files hold them unrounded. Column meanings are in codebook.md.</p></footer>
</body>
</html>
`;
}
