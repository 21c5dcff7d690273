import { escapeText as escapeXml } from '../../shared/html.ts';

// The one chart module: inline SVG for report.html and, parsed in the browser, for the staff pages'
// charts (functions/web/browser/charts.ts). Plain markup with every text escaped, no scripts, no
// style attributes (the pages' CSP allows none), deterministic output (numbers are rounded to two
// decimals so the same input always gives the same bytes).

const px = (value: number): string => String(Math.round(value * 100) / 100);

/** Colours with at least 4.5:1 contrast on white, told apart by dash pattern as well as hue. */
const PALETTE = [
  { stroke: '#1f5f99', dash: '' },
  { stroke: '#a1421b', dash: '6 3' },
  { stroke: '#2f6b2f', dash: '2 3' },
  { stroke: '#6b3d8f', dash: '8 3 2 3' },
];

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Scale {
  (value: number): number;
  ticks: number[];
}

/** A linear scale from [min, max] to [from, to], with about five round ticks. */
function linear(min: number, max: number, from: number, to: number): Scale {
  const lowest = min === max ? min - 1 : min;
  const highest = min === max ? max + 1 : max;
  const raw = (highest - lowest) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  // The domain is widened to whole steps so that the axis ends on a labelled tick.
  const low = Math.floor(lowest / step + 1e-9) * step;
  const high = Math.ceil(highest / step - 1e-9) * step;
  const scale = ((value: number) => from + ((value - low) / (high - low)) * (to - from)) as Scale;
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + step * 1e-9; i++)
    ticks.push(Math.round((low + i * step) / step) * step);
  scale.ticks = ticks;
  return scale;
}

const tickLabel = (value: number): string => String(Math.round(value * 1000) / 1000);

/** A rate (0–1) as a whole percentage, `83%`. */
export const percentLabel = (rate: number): string => `${Math.round(rate * 100)}%`;

function open(chart: string, title: string, description: string, frame: Frame): string {
  const id = `chart-${chart}`;
  return (
    `<svg data-chart="${escapeXml(chart)}" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `viewBox="0 0 ${frame.width} ${frame.height}" width="100%" ` +
    `xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>`
  );
}

function xAxis(scale: Scale, frame: Frame, label: string): string {
  const y = frame.height - frame.bottom;
  let out = `<line x1="${frame.left}" y1="${y}" x2="${frame.width - frame.right}" y2="${y}" stroke="#333"/>`;
  for (const tick of scale.ticks) {
    const x = px(scale(tick));
    out += `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#333"/>`;
    out += `<text x="${x}" y="${y + 16}" text-anchor="middle" fill="#222">${tickLabel(tick)}</text>`;
  }
  const middle = px((frame.left + frame.width - frame.right) / 2);
  return `${out}<text x="${middle}" y="${y + 38}" text-anchor="middle" fill="#222">${escapeXml(label)}</text>`;
}

function yAxis(scale: Scale, frame: Frame, label: string, format: (value: number) => string): string {
  const x = frame.left;
  let out = `<line x1="${x}" y1="${frame.top}" x2="${x}" y2="${frame.height - frame.bottom}" stroke="#333"/>`;
  for (const tick of scale.ticks) {
    const y = px(scale(tick));
    out += `<line x1="${x - 4}" y1="${y}" x2="${frame.width - frame.right}" y2="${y}" stroke="#ddd"/>`;
    out += `<text x="${x - 6}" y="${y}" dy="4" text-anchor="end" fill="#222">${escapeXml(format(tick))}</text>`;
  }
  const middle = px((frame.top + frame.height - frame.bottom) / 2);
  return `${out}<text transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(label)}</text>`;
}

export interface LineSeries {
  name: string;
  /** `y: null` marks a point that is not shown (suppressed, nothing due): the line breaks there. */
  points: { x: number; y: number | null }[];
  /** An uncertainty band drawn behind the line (such as ±2 Monte Carlo SE); one point is drawn as an error bar. */
  band?: { label: string; points: { x: number; lo: number; hi: number }[] };
}

export interface LineChartInput {
  /** Value of `data-chart`, the chart's stable name. */
  chart: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Fixed ends of the y axis (rates: 0 and 1); by default the data's range, including 0 and 1. */
  yDomain?: [number, number];
  /** Tick and description labels of y values; plain numbers by default. */
  yFormat?: (value: number) => string;
  /** Fixed ends of the x axis; by default the data's range, including 1 (sessions start there). */
  xDomain?: [number, number];
  /** Width of the viewBox (640 by default): a narrower chart keeps its text legible when a phone shrinks it. */
  width?: number;
  /** Where the legend goes: to the right of the plot (default), or below it, where long names fit. */
  legend?: 'right' | 'below';
  /** A dashed horizontal line at a y value, such as the 80% power a study is planned for. */
  reference?: { value: number; label: string };
}

/** Runs of consecutive shown points: a line joins the points of one run and never crosses a gap. */
function runs(points: readonly { x: number; y: number | null }[]): { x: number; y: number }[][] {
  const out: { x: number; y: number }[][] = [[]];
  for (const p of points) {
    if (p.y === null) out.push([]);
    else out[out.length - 1]!.push({ x: p.x, y: p.y });
  }
  return out.filter((run) => run.length > 0);
}

/** A translucent band from lo to hi behind a line, clipped to the y axis; a single point as an error bar. */
function band(points: { x: number; lo: number; hi: number }[], x: Scale, y: Scale, stroke: string): string {
  const [bottom, top] = [y.ticks[0]!, y.ticks[y.ticks.length - 1]!];
  const clip = (value: number) => px(y(Math.min(top, Math.max(bottom, value))));
  const sorted = [...points].sort((a, b) => a.x - b.x);
  if (sorted.length === 1) {
    const [p] = sorted as [{ x: number; lo: number; hi: number }];
    return `<line data-band="" x1="${px(x(p.x))}" y1="${clip(p.lo)}" x2="${px(x(p.x))}" y2="${clip(p.hi)}" stroke="${stroke}" stroke-width="2"/>`;
  }
  const edge = [
    ...sorted.map((p) => `${px(x(p.x))},${clip(p.hi)}`),
    ...sorted.reverse().map((p) => `${px(x(p.x))},${clip(p.lo)}`),
  ];
  return `<polygon data-band="" points="${edge.join(' ')}" fill="${stroke}" fill-opacity="0.15" stroke="none"/>`;
}

/** A dashed horizontal line across the plot at a y value, labelled at its left end (rising curves start low). */
function horizontalReference(reference: { value: number; label: string }, y: Scale, frame: Frame): string {
  const at = px(y(reference.value));
  const end = frame.width - frame.right;
  return (
    `<line data-reference="" x1="${frame.left}" y1="${at}" x2="${end}" y2="${at}" stroke="#a4161a" stroke-width="1.5" stroke-dasharray="6 4"/>` +
    `<text x="${frame.left + 4}" y="${at}" dy="-4" fill="#a4161a">${escapeXml(reference.label)}</text>`
  );
}

/** A line chart with markers and a legend; lines break at hidden points; series without points are listed as "no data". */
export function lineChart(input: LineChartInput): string {
  // A legend below the plot frees the right margin, so a narrow chart keeps a wide plot.
  const below = input.legend === 'below';
  const frame: Frame = below
    ? { width: input.width ?? 640, height: 300, left: 56, right: 16, top: 16, bottom: 52 }
    : { width: input.width ?? 640, height: 300, left: 56, right: 150, top: 16, bottom: 44 };
  if (below) {
    frame.height += 18 * input.series.length;
    frame.bottom += 18 * input.series.length;
  }
  const format = input.yFormat ?? tickLabel;
  const shown = input.series.flatMap((series) => series.points.filter((p) => p.y !== null));
  const xs = input.series.flatMap((series) => series.points.map((p) => p.x));
  const ys = shown.map((p) => p.y as number);
  const [yMin, yMax] = input.yDomain ?? [Math.min(...ys, 0), Math.max(...ys, 1)];
  const [xMin, xMax] = input.xDomain ?? [Math.min(...xs, 1), Math.max(...xs, 1)];
  const x = linear(xMin, xMax, frame.left, frame.width - frame.right);
  const y = linear(yMin, yMax, frame.height - frame.bottom, frame.top);
  const description = input.series
    .map((s) => {
      const values = s.points
        .filter((p) => p.y !== null)
        .map((p) => `${tickLabel(p.x)} → ${format(p.y as number)}`);
      const band = s.band
        ? `; ${s.band.label}: ${s.band.points.map((p) => `${tickLabel(p.x)} → ${format(p.lo)} to ${format(p.hi)}`).join(', ')}`
        : '';
      return `${s.name}: ${values.join(', ') || 'no data'}${band}`;
    })
    .join('; ');
  const reference = input.reference ? `; ${input.reference.label}` : '';
  let out =
    open(input.chart, input.title, description + reference, frame) + yAxis(y, frame, input.yLabel, format);
  out += xAxis(x, frame, input.xLabel);
  input.series.forEach((series, index) => {
    if (series.band) out += band(series.band.points, x, y, PALETTE[index % PALETTE.length]!.stroke);
  });
  if (input.reference) out += horizontalReference(input.reference, y, frame);
  input.series.forEach((series, index) => {
    const style = PALETTE[index % PALETTE.length]!;
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    const segments = runs(sorted);
    for (const run of segments.filter((r) => r.length > 1)) {
      const path = run.map((p) => `${px(x(p.x))},${px(y(p.y))}`).join(' ');
      out += `<polyline data-series="${escapeXml(series.name)}" points="${path}" fill="none" stroke="${style.stroke}" stroke-width="2"${dash}/>`;
    }
    for (const p of segments.flat()) {
      out += `<circle cx="${px(x(p.x))}" cy="${px(y(p.y))}" r="3" fill="${style.stroke}"/>`;
    }
    const legendY = below ? frame.height - frame.bottom + 52 + index * 18 : frame.top + 8 + index * 18;
    const legendX = below ? frame.left : frame.width - frame.right + 12;
    out += `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 20}" y2="${legendY}" stroke="${style.stroke}" stroke-width="2"${dash}/>`;
    const name = segments.length ? series.name : `${series.name} (no data)`;
    out += `<text x="${legendX + 26}" y="${legendY}" dy="4" fill="#222">${escapeXml(name)}</text>`;
  });
  return `${out}</svg>`;
}

export interface Bar {
  label: string;
  /** Undefined when the value is suppressed or missing; `note` says which. */
  value: number | undefined;
  note?: string;
}

export interface BarChartInput {
  chart: string;
  title: string;
  xLabel: string;
  bars: Bar[];
  /** Upper end of the axis; 1 for rates. */
  max: number;
  format: (value: number) => string;
  /** A dashed line across the bars at a value, such as a target. */
  reference?: { value: number; label: string };
}

/** A horizontal bar chart; a bar without a value shows its note (e.g. "suppressed") instead. */
export function barChart(input: BarChartInput): string {
  const rowHeight = 24;
  const frame: Frame = {
    width: 640,
    height: 16 + 44 + rowHeight * Math.max(1, input.bars.length),
    left: 170,
    right: 80,
    top: 16,
    bottom: 44,
  };
  const x = linear(0, input.max, frame.left, frame.width - frame.right);
  const description = input.bars
    .map(
      (bar) => `${bar.label}: ${bar.value === undefined ? (bar.note ?? 'no data') : input.format(bar.value)}`,
    )
    .join('; ');
  const reference = input.reference ? `; ${input.reference.label}` : '';
  let out = open(input.chart, input.title, description + reference, frame);
  input.bars.forEach((bar, index) => {
    const top = frame.top + index * rowHeight;
    out += `<text x="${frame.left - 8}" y="${top + rowHeight / 2}" dy="4" text-anchor="end" fill="#222">${escapeXml(bar.label)}</text>`;
    if (bar.value === undefined) {
      out += `<text x="${frame.left + 6}" y="${top + rowHeight / 2}" dy="4" fill="#555" font-style="italic">${escapeXml(bar.note ?? 'no data')}</text>`;
      return;
    }
    const width = Math.max(0, x(Math.min(bar.value, input.max)) - frame.left);
    out += `<rect x="${frame.left}" y="${top + 4}" width="${px(width)}" height="${rowHeight - 8}" fill="#1f5f99"/>`;
    out += `<text x="${px(frame.left + width + 6)}" y="${top + rowHeight / 2}" dy="4" fill="#222">${escapeXml(input.format(bar.value))}</text>`;
  });
  if (input.reference) {
    const at = px(x(Math.min(input.reference.value, input.max)));
    out += `<line data-reference="" x1="${at}" y1="${frame.top - 4}" x2="${at}" y2="${frame.height - frame.bottom}" stroke="#a4161a" stroke-width="2" stroke-dasharray="6 4"/>`;
    out += `<text x="${at}" y="${frame.top - 6}" text-anchor="middle" fill="#a4161a">${escapeXml(input.reference.label)}</text>`;
  }
  return `${out + xAxis(x, frame, input.xLabel)}</svg>`;
}

export interface ForestRow {
  label: string;
  /** Undefined for a suppressed or too-small site; `note` says why. */
  estimate?: { value: number; lo: number; hi: number };
  note?: string;
}

export interface ForestInput {
  chart: string;
  title: string;
  xLabel: string;
  rows: ForestRow[];
  pooled?: { label: string; value: number; lo: number; hi: number; piLo: number; piHi: number };
  format: (value: number) => string;
}

/**
 * A forest plot: one square and interval per row, the pooled estimate as a diamond spanning its
 * confidence interval, and the prediction interval as a line beneath it.
 */
export function forestPlot(input: ForestInput): string {
  const rowHeight = 24;
  const count = input.rows.length + (input.pooled ? 2 : 0);
  const frame: Frame = {
    width: 640,
    height: 16 + 44 + rowHeight * Math.max(1, count),
    left: 170,
    right: 170,
    top: 16,
    bottom: 44,
  };
  const values = input.rows.flatMap((row) => (row.estimate ? [row.estimate.lo, row.estimate.hi] : []));
  if (input.pooled) values.push(input.pooled.piLo, input.pooled.piHi, input.pooled.lo, input.pooled.hi);
  const x = linear(
    Math.min(...values, -0.5),
    Math.max(...values, 0.5),
    frame.left,
    frame.width - frame.right,
  );
  const interval = (e: { value: number; lo: number; hi: number }) =>
    `${input.format(e.value)} [${input.format(e.lo)}, ${input.format(e.hi)}]`;
  const parts = input.rows.map(
    (row) => `${row.label}: ${row.estimate ? interval(row.estimate) : (row.note ?? 'no estimate')}`,
  );
  if (input.pooled) {
    parts.push(
      `${input.pooled.label}: ${interval(input.pooled)}, prediction interval [${input.format(input.pooled.piLo)}, ${input.format(input.pooled.piHi)}]`,
    );
  }
  let out = open(input.chart, input.title, parts.join('; '), frame);
  const zero = px(x(0));
  out += `<line x1="${zero}" y1="${frame.top}" x2="${zero}" y2="${frame.height - frame.bottom}" stroke="#888" stroke-dasharray="3 3"/>`;
  const label = (text: string, mid: number, anchor: 'start' | 'end', at: number, extra = '') =>
    `<text x="${px(at)}" y="${px(mid)}" dy="4" text-anchor="${anchor}" fill="#222"${extra}>${escapeXml(text)}</text>`;
  input.rows.forEach((row, index) => {
    const mid = frame.top + index * rowHeight + rowHeight / 2;
    out += label(row.label, mid, 'end', frame.left - 8);
    if (!row.estimate) {
      out += label(row.note ?? 'no estimate', mid, 'start', frame.left + 6, ' font-style="italic"');
      return;
    }
    const { value, lo, hi } = row.estimate;
    out += `<line x1="${px(x(lo))}" y1="${px(mid)}" x2="${px(x(hi))}" y2="${px(mid)}" stroke="#222" stroke-width="1.5"/>`;
    out += `<rect data-estimate="site" x="${px(x(value) - 4)}" y="${px(mid - 4)}" width="8" height="8" fill="#1f5f99"/>`;
    out += label(interval(row.estimate), mid, 'start', frame.width - frame.right + 8);
  });
  if (input.pooled) {
    const p = input.pooled;
    const mid = frame.top + input.rows.length * rowHeight + rowHeight / 2 + 6;
    out += label(p.label, mid, 'end', frame.left - 8, ' font-weight="bold"');
    const diamond = [
      `${px(x(p.lo))},${px(mid)}`,
      `${px(x(p.value))},${px(mid - 7)}`,
      `${px(x(p.hi))},${px(mid)}`,
      `${px(x(p.value))},${px(mid + 7)}`,
    ].join(' ');
    out += `<polygon data-estimate="pooled" points="${diamond}" fill="#a1421b"/>`;
    out += label(interval(p), mid, 'start', frame.width - frame.right + 8);
    const piMid = mid + rowHeight;
    out += label('Prediction interval', piMid, 'end', frame.left - 8);
    out += `<line data-estimate="prediction" x1="${px(x(p.piLo))}" y1="${px(piMid)}" x2="${px(x(p.piHi))}" y2="${px(piMid)}" stroke="#a1421b" stroke-width="3"/>`;
    out += label(
      `[${input.format(p.piLo)}, ${input.format(p.piHi)}]`,
      piMid,
      'start',
      frame.width - frame.right + 8,
    );
  }
  return `${out + xAxis(x, frame, input.xLabel)}</svg>`;
}
