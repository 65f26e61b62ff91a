/**
 * The robustness report as one self-contained HTML file: inline CSS, inline SVG charts, the example images as data
 * URLs, no script and no external URL, so it opens offline from disk and prints. The report's JSON rides along in a
 * `<script type="application/json">` block so the file can be imported again (`reportJsonFromHtml`).
 *
 * Every string from the report is escaped: model names, class names and messages come from users. The page's own
 * Content-Security-Policy allows nothing but its one style sheet (by hash) and data: images, so even a string that
 * escaped the escaping could neither run a script nor load anything.
 *
 * Long series are drawn and tabulated from an even sample of their points (`sampleEvenly`): a report at the schema's
 * limits renders in seconds, and the embedded JSON keeps every point.
 */
import { maxOf, minOf, sampleEvenly } from '../arrays';
import { formatPercentRange, shareInterval } from '../metrics/interval';
import { describeCharacter } from '../text/characters';
import type {
  ReportAttack,
  ReportCheck,
  ReportExample,
  ReportExtraction,
  ReportFinding,
  ReportModel,
  ReportPerClass,
  ReportPoint,
  RobustnessReport,
} from './report';
import { DASH, formatBytes, formatCount, formatPercentOrDash } from '../format';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// ---------------------------------------------------------------------------------------------------------------
// Number formatting

const isNumber = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A share and its 95% Wilson interval over `trials` examples, the interval small and muted: "65.0% 51.9–76.1". */
function formatShareCi(share: number | null | undefined, trials: number): string {
  if (!isNumber(share) || trials <= 0) return formatPercentOrDash(share);
  return `${formatPercentOrDash(share)} <span class="ci" title="95% Wilson interval over ${formatCount(trials)} examples">${formatPercentRange(shareInterval(share, trials))}</span>`;
}

/** A plain number: whole numbers grouped, others to three significant digits. */
function formatNumber(x: number | null | undefined): string {
  if (!isNumber(x)) return DASH;
  if (Number.isInteger(x) || Math.abs(x) >= 1000) return formatCount(x);
  if (Math.abs(x) >= 100) return x.toFixed(1);
  return String(Number(x.toPrecision(3)));
}

/** Axis ticks in percent, without trailing zeros ("20%", "12.5%"). */
const formatPercentTick = (share: number) => `${Number((share * 100).toFixed(1))}%`;

/** "4.7 MB (4,938,268 bytes)": the rounded size and the exact count. */
function formatBytesExactly(bytes: number): string {
  if (!isNumber(bytes)) return DASH;
  return bytes < 1024 ? `${formatCount(bytes)} bytes` : `${formatBytes(bytes)} (${formatCount(bytes)} bytes)`;
}

/** The creation time in UTC, independent of the reader's locale and time zone. */
function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}

type BudgetUnit = ReportAttack['budgetUnit'];

const UNIT_ORDER: readonly BudgetUnit[] = ['linf', 'l2', 'word-share'];
const UNIT_TITLE: Readonly<Record<BudgetUnit, string>> = {
  linf: 'L∞ budget (ε)',
  l2: 'L2 budget (ε)',
  'word-share': 'Share of words changed',
};
const UNIT_SHORT: Readonly<Record<BudgetUnit, string>> = { linf: 'L∞', l2: 'L2', 'word-share': 'words' };

const formatBudget = (unit: BudgetUnit, budget: number) => (unit === 'word-share' ? formatPercentOrDash(budget) : formatNumber(budget));
const budgetTick = (unit: BudgetUnit) => (unit === 'word-share' ? formatPercentTick : formatNumber);

// ---------------------------------------------------------------------------------------------------------------
// SVG charts

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  /** A CSS colour; by default one from the palette by position. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  /** What the chart shows, for screen readers and as the hover text. */
  title: string;
  xLabel: string;
  yLabel: string;
  /** The y range; [0, 1] (a share) by default. The x range is fitted to the data and always includes 0. */
  yDomain?: [number, number];
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Size of the plot area in pixels, without axes and legend. */
  plotWidth?: number;
  plotHeight?: number;
}

/** At most this many points of one series are drawn; a longer series is sampled evenly (ends kept). */
export const CHART_MAX_POINTS = 200;
/** Markers (with their hover text) are drawn on series of at most this many points; longer ones are lines only. */
const MAX_MARKED_POINTS = 60;
/** At most this many rows of one attack's table; the rest are in the embedded JSON. */
export const TABLE_MAX_ROWS = 50;
/** At most this many classes in the per-class bar chart (those with the lowest robust accuracy). */
export const CLASS_BARS_MAX = 40;

/** Okabe–Ito colours (distinguishable with colour-vision deficiencies), without the yellow that vanishes on white. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#1b1f24', '#8c6d1f'];

const round1 = (v: number) => Math.round(v * 10) / 10;
const round12 = (v: number) => Number(v.toPrecision(12));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Round tick positions covering [min, max]: steps of 1, 2, 2.5 or 5 times a power of ten. */
function niceTicks(min: number, max: number, target = 5): { lo: number; hi: number; ticks: number[] } {
  const top = max > min ? max : min + 1;
  const raw = (top - min) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * power;
  const lo = round12(Math.floor(min / step + 1e-9) * step);
  const hi = round12(Math.ceil(top / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-6; i++) ticks.push(round12(lo + i * step));
  return { lo, hi, ticks };
}

/** Approximate width of a line of 12px sans-serif text; SVG has no layout, so the legend is sized by this. */
const textWidth = (text: string) => Math.ceil(Array.from(text).length * 7.2);

/**
 * A line chart as an SVG string: gridlines, axes with ticks and labels, one polyline with point markers per series
 * and a legend with the series' names. Points that are not finite numbers are left out.
 */
export function svgLineChart(series: readonly ChartSeries[], options: LineChartOptions): string {
  const plotW = options.plotWidth ?? 460;
  const plotH = options.plotHeight ?? 240;
  const formatX = options.formatX ?? formatNumber;
  const formatY = options.formatY ?? formatPercentTick;
  const margin = { left: 60, right: 20, top: 14, bottom: 46 };
  const legendGap = 24;
  const legendW = series.length ? 36 + maxOf(series.map((s) => textWidth(s.name))) : 0;
  const width = margin.left + plotW + margin.right + (legendW ? legendGap + legendW : 0);
  const height = Math.max(margin.top + plotH + margin.bottom, margin.top + 12 + series.length * 20);

  const clean = series.map((s) => ({
    ...s,
    points: sampleEvenly(
      s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
      CHART_MAX_POINTS,
    ),
  }));
  const xs = clean.flatMap((s) => s.points.map((p) => p.x));
  const x = niceTicks(Math.min(0, minOf(xs, 0)), maxOf(xs, 1));
  const [yLo, yHi] = options.yDomain ?? [0, 1];
  const y = options.yDomain ? { lo: yLo, hi: yHi, ticks: niceTicks(yLo, yHi).ticks.filter((t) => t >= yLo && t <= yHi) } : niceTicks(0, 1);
  const px = (v: number) => round1(margin.left + ((v - x.lo) / (x.hi - x.lo)) * plotW);
  const py = (v: number) => round1(margin.top + (1 - (clamp(v, y.lo, y.hi) - y.lo) / (y.hi - y.lo)) * plotH);
  const bottom = margin.top + plotH;
  const right = margin.left + plotW;

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
  );
  parts.push('<g class="grid">');
  for (const t of y.ticks) parts.push(`<line x1="${margin.left}" x2="${right}" y1="${py(t)}" y2="${py(t)}"/>`);
  for (const t of x.ticks) parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${margin.top}" y2="${bottom}"/>`);
  parts.push('</g>');
  parts.push(
    '<g class="axis">',
    `<line x1="${margin.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${bottom}"/>`,
  );
  for (const t of x.ticks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${bottom}" y2="${bottom + 5}"/>`);
    parts.push(`<text x="${px(t)}" y="${bottom + 18}" text-anchor="middle">${escapeHtml(formatX(t))}</text>`);
  }
  for (const t of y.ticks) {
    parts.push(`<line x1="${margin.left - 5}" x2="${margin.left}" y1="${py(t)}" y2="${py(t)}"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${py(t) + 4}" text-anchor="end">${escapeHtml(formatY(t))}</text>`);
  }
  parts.push(
    `<text class="label" x="${round1(margin.left + plotW / 2)}" y="${bottom + 38}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
    `<text class="label" transform="translate(14 ${round1(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`,
    '</g>',
  );

  clean.forEach((s, i) => {
    const color = escapeHtml(s.color ?? PALETTE[i % PALETTE.length]);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<g class="series">`);
    if (s.points.length) {
      const coordinates = s.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ');
      parts.push(`<polyline points="${coordinates}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    }
    for (const p of s.points.length <= MAX_MARKED_POINTS ? s.points : []) {
      const hover = `${s.name}: ${formatX(p.x)} → ${formatY(p.y)}`;
      parts.push(`<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3.5" fill="${color}"><title>${escapeHtml(hover)}</title></circle>`);
    }
    parts.push('</g>');
  });

  if (legendW) {
    const lx = right + legendGap;
    parts.push('<g class="legend">');
    clean.forEach((s, i) => {
      const color = escapeHtml(s.color ?? PALETTE[i % PALETTE.length]);
      const ly = margin.top + 8 + i * 20;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      parts.push(
        `<g class="legend-item"><line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>` +
          `<circle cx="${lx + 12}" cy="${ly}" r="3.5" fill="${color}"/>` +
          `<text x="${lx + 32}" y="${ly + 4}">${escapeHtml(s.name)}</text></g>`,
      );
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

const CLEAN_COLOR = '#0072B2';
const ROBUST_COLOR = '#D55E00';

/** Horizontal bars of clean and robust accuracy per class. */
function svgClassBars(rows: readonly ReportPerClass[], robustLabel: string): string {
  const MAX_LABEL = 28;
  const label = (name: string) =>
    Array.from(name).length > MAX_LABEL
      ? Array.from(name)
          .slice(0, MAX_LABEL - 1)
          .join('') + '…'
      : name;
  const labelW = clamp(
    12 +
      maxOf(
        rows.map((r) => textWidth(label(r.name))),
        0,
      ),
    60,
    220,
  );
  const plotW = 420;
  const barH = 10;
  const rowH = 2 * barH + 12;
  const top = 30;
  const width = labelW + plotW + 64;
  const height = top + rows.length * rowH + 30;
  const bottom = top + rows.length * rowH;
  const bx = (v: number) => round1(labelW + clamp(isNumber(v) ? v : 0, 0, 1) * plotW);

  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Clean and robust accuracy per class">`,
    '<title>Clean and robust accuracy per class</title>',
    '<g class="legend">',
    `<rect x="${labelW}" y="6" width="12" height="12" fill="${CLEAN_COLOR}"/><text x="${labelW + 18}" y="16">clean accuracy</text>`,
    `<rect x="${labelW + 140}" y="6" width="12" height="12" fill="${ROBUST_COLOR}"/><text x="${labelW + 158}" y="16">${escapeHtml(robustLabel)}</text>`,
    '</g>',
    '<g class="grid">',
  ];
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  for (const t of ticks) parts.push(`<line x1="${bx(t)}" x2="${bx(t)}" y1="${top - 4}" y2="${bottom}"/>`);
  parts.push('</g>', '<g class="axis">', `<line x1="${labelW}" x2="${labelW + plotW}" y1="${bottom}" y2="${bottom}"/>`);
  for (const t of ticks) parts.push(`<text x="${bx(t)}" y="${bottom + 16}" text-anchor="middle">${formatPercentTick(t)}</text>`);
  parts.push('</g>');
  rows.forEach((row, i) => {
    const y0 = top + i * rowH + 4;
    parts.push(
      '<g class="bars">',
      `<text x="${labelW - 8}" y="${y0 + barH + 4}" text-anchor="end">${escapeHtml(label(row.name))}<title>${escapeHtml(row.name)}</title></text>`,
      `<rect x="${labelW}" y="${y0}" width="${round1(bx(row.cleanAccuracy) - labelW)}" height="${barH}" fill="${CLEAN_COLOR}"><title>${escapeHtml(`${row.name}: clean ${formatPercentOrDash(row.cleanAccuracy)}`)}</title></rect>`,
      `<text class="value" x="${bx(row.cleanAccuracy) + 4}" y="${y0 + barH - 1}">${formatPercentOrDash(row.cleanAccuracy)}</text>`,
      `<rect x="${labelW}" y="${y0 + barH + 2}" width="${round1(bx(row.robustAccuracy) - labelW)}" height="${barH}" fill="${ROBUST_COLOR}"><title>${escapeHtml(`${row.name}: robust ${formatPercentOrDash(row.robustAccuracy)}`)}</title></rect>`,
      `<text class="value" x="${bx(row.robustAccuracy) + 4}" y="${y0 + 2 * barH + 1}">${formatPercentOrDash(row.robustAccuracy)}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Text that may hide characters

/**
 * Escapes a message and makes every character outside printable ASCII visible: invisible, format, combining,
 * separator and control characters become a marked code-point placeholder (so a bidirectional override cannot
 * reorder the page either), other characters such as Cyrillic look-alikes are marked where they stand.
 */
function visibleText(text: string): string {
  // Runs of printable ASCII are escaped as they are; only the other characters are looked at one by one.
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\r\n|[^\x20-\x7e\n\t]/gu)) {
    out += escapeHtml(text.slice(last, match.index));
    last = match.index + match[0].length;
    const ch = match[0];
    // A Windows line ending is an ordinary line break, not a hidden character.
    if (ch === '\r\n') {
      out += '\n';
      continue;
    }
    const info = describeCharacter(ch);
    const hidden = info.kind === 'invisible' || info.kind === 'bidi' || /^[\p{C}\p{M}\p{Z}]$/u.test(ch);
    out += hidden
      ? `<mark class="cp hidden" title="${escapeHtml(info.description)}">${escapeHtml(info.codePoint)}</mark>`
      : `<mark class="cp" title="${escapeHtml(info.description)}">${escapeHtml(ch)}</mark>`;
  }
  return out + escapeHtml(text.slice(last));
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

const badge = (kind: string) => `<span class="badge ${escapeHtml(kind)}">${escapeHtml(kind)}</span>`;

function table(head: readonly string[], rows: readonly string[][], numeric: readonly boolean[] = []): string {
  const cell = (tag: 'th' | 'td', content: string, i: number) => `<${tag}${numeric[i] ? ' class="num"' : ''}>${content}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${head.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function attackColors(attacks: readonly ReportAttack[]): Map<string, string> {
  // One colour per attack for the whole report, so an attack looks the same in every chart.
  return new Map(attacks.filter((a) => !a.skipped).map((a, i) => [a.id, PALETTE[i % PALETTE.length]]));
}

function headerSection(report: RobustnessReport): string {
  const { model, data, suite, environment } = report;
  const meta = [
    `${escapeHtml(data.name)}: ${formatCount(data.examples)} of ${formatCount(data.available)} examples`,
    `suite ${escapeHtml(suite.id)}, seed ${escapeHtml(String(suite.seed))}`,
    `${escapeHtml(environment.runtime)} / ${escapeHtml(environment.backend)}`,
    `${formatNumber(environment.seconds)} s`,
  ].join(' · ');
  return [
    '<header>',
    `<h1>Robustness report: ${escapeHtml(model.name)}</h1>`,
    `<p class="meta">${escapeHtml(formatDate(report.createdAt))}</p>`,
    `<p class="meta">${meta}</p>`,
    report.partial ? '<p class="banner" role="alert">Partial results (cancelled): the run was stopped, and every number covers only what finished.</p>' : '',
    '</header>',
  ].join('\n');
}

function summarySection(findings: readonly ReportFinding[]): string {
  const items = findings.map((f) => `<li>${badge(f.severity)} <span class="kind">${escapeHtml(f.kind)}</span> ${escapeHtml(f.text)}</li>`);
  return `<section id="summary"><h2>Summary</h2>\n${items.length ? `<ul class="findings">\n${items.join('\n')}\n</ul>` : '<p class="muted">No findings.</p>'}\n</section>`;
}

function checksSection(checks: readonly ReportCheck[]): string {
  const body = checks.length
    ? table(
        ['Check', 'Verdict', 'Detail'],
        checks.map((c) => [escapeHtml(c.label), badge(c.verdict), escapeHtml(c.detail)]),
      )
    : '<p class="muted">No checks ran.</p>';
  return `<section id="checks"><h2>Checks</h2>\n${body}\n</section>`;
}

function cleanSection(report: RobustnessReport): string {
  const { accuracy, correct, examples } = report.clean;
  return [
    '<section id="clean"><h2>Clean accuracy</h2>',
    `<p class="big">${formatPercentOrDash(accuracy)}</p>`,
    `<p class="muted">${formatCount(correct)} of ${formatCount(examples)} examples classified correctly without any attack (95% Wilson interval ${formatPercentRange(shareInterval(accuracy, examples), '%')}). Every rate below comes with its 95% interval, which is wide on few examples.</p>`,
    '</section>',
  ].join('\n');
}

function describeParams(params: ReportAttack['params']): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join(', ');
}

/** Says that a table or chart shows a sample of `total` items. */
const sampledNote = (shown: number, total: number, what: string) =>
  shown < total
    ? `<p class="muted small">${formatCount(shown)} of ${formatCount(total)} ${what} shown, evenly spaced; the embedded JSON holds them all.</p>`
    : '';

function attackTable(attack: ReportAttack, cleanAccuracy: number): string {
  const shown = sampleEvenly(attack.points, TABLE_MAX_ROWS);
  const rows = shown.map((p: ReportPoint) => [
    formatBudget(attack.budgetUnit, p.budget),
    formatShareCi(p.accuracy, p.examples),
    // The success rate's examples are those classified right before the attack.
    formatShareCi(p.successRate, Math.round(cleanAccuracy * p.examples)),
    formatNumber(p.meanL2),
    formatNumber(p.meanLinf),
    formatNumber(p.meanQueries),
    isNumber(p.meanPerturbedWordPercent) ? `${p.meanPerturbedWordPercent.toFixed(1)}%` : DASH,
  ]);
  const about = [attack.knowledge, attack.defense ? `defense: ${attack.defense}` : '', describeParams(attack.params)].filter(Boolean).join(' · ');
  return [
    `<h4>${escapeHtml(attack.name)} <span class="muted">${escapeHtml(about)}</span></h4>`,
    rows.length
      ? table(['Budget', 'Accuracy', 'Success rate', 'Mean L2', 'Mean L∞', 'Mean queries', 'Mean perturbed words'], rows, [
          true,
          true,
          true,
          true,
          true,
          true,
          true,
        ])
      : '<p class="muted">No points.</p>',
    sampledNote(shown.length, attack.points.length, 'budgets'),
  ].join('\n');
}

function budgetSection(attacks: readonly ReportAttack[], cleanAccuracy: number): string {
  const colors = attackColors(attacks);
  const parts = ['<section id="budget"><h2>Accuracy against budget</h2>'];
  if (!attacks.length) parts.push('<p class="muted">No attacks in this suite.</p>');
  for (const unit of UNIT_ORDER) {
    const group = attacks.filter((a) => a.budgetUnit === unit);
    if (!group.length) continue;
    const ran = group.filter((a) => !a.skipped);
    const skipped = group.filter((a) => a.skipped);
    parts.push(`<h3>${escapeHtml(UNIT_TITLE[unit])}</h3>`);
    if (ran.length) {
      const series = ran.map((a) => ({ name: a.name, color: colors.get(a.id), points: a.points.map((p) => ({ x: p.budget, y: p.accuracy })) }));
      parts.push(
        '<figure>',
        svgLineChart(series, { title: `Accuracy against ${UNIT_TITLE[unit]}`, xLabel: UNIT_TITLE[unit], yLabel: 'Accuracy', formatX: budgetTick(unit) }),
        '</figure>',
      );
    } else {
      parts.push('<p class="muted">No attack with this budget ran.</p>');
    }
    if (skipped.length) {
      parts.push(
        '<ul class="skipped">',
        ...skipped.map((a) => `<li><strong>${escapeHtml(a.name)}</strong> skipped: ${escapeHtml(a.skipped ?? '')}</li>`),
        '</ul>',
      );
    }
    for (const attack of ran) parts.push(attackTable(attack, cleanAccuracy));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function referenceLabel(report: RobustnessReport): string {
  const ref = report.reference;
  if (!ref) return 'the reference attack';
  const attack = report.attacks.find((a) => a.id === ref.attackId);
  if (!attack) return `${ref.attackId} at budget ${formatNumber(ref.budget)}`;
  if (attack.budgetUnit === 'word-share') return `${attack.name} changing up to ${formatPercentOrDash(ref.budget)} of words`;
  return `${attack.name} at ${UNIT_SHORT[attack.budgetUnit]} ε = ${formatBudget(attack.budgetUnit, ref.budget)}`;
}

/** The classes with the lowest robust accuracy, at most CLASS_BARS_MAX, in class order. */
function weakestClasses(rows: readonly ReportPerClass[]): readonly ReportPerClass[] {
  if (rows.length <= CLASS_BARS_MAX) return rows;
  const weakest = new Set([...rows].sort((a, b) => a.robustAccuracy - b.robustAccuracy).slice(0, CLASS_BARS_MAX));
  return rows.filter((row) => weakest.has(row));
}

function perClassSection(report: RobustnessReport): string {
  if (!report.perClass.length) return '';
  const reference = referenceLabel(report);
  const rows = report.perClass.map((c) => [
    escapeHtml(String(c.classIndex)),
    escapeHtml(c.name),
    formatCount(c.examples),
    formatShareCi(c.cleanAccuracy, c.examples),
    formatShareCi(c.robustAccuracy, c.examples),
  ]);
  return [
    `<section id="per-class"><h2>Per-class robustness <span class="muted">under ${escapeHtml(reference)}</span></h2>`,
    table(['#', 'Class', 'Examples', 'Clean accuracy', 'Robust accuracy'], rows, [true, false, true, true, true]),
    `<figure>${svgClassBars(weakestClasses(report.perClass), `robust (${reference})`)}${report.perClass.length > CLASS_BARS_MAX ? `<figcaption>The ${CLASS_BARS_MAX} classes with the lowest robust accuracy of ${formatCount(report.perClass.length)}.</figcaption>` : ''}</figure>`,
    '</section>',
  ].join('\n');
}

/** Only embedded images: a report read from a file must not make the page fetch anything. */
const SAFE_IMAGE_URL = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]*$/;

function exampleImage(url: string | undefined, caption: string): string {
  const image =
    url && SAFE_IMAGE_URL.test(url) ? `<img class="px" src="${escapeHtml(url)}" alt="${escapeHtml(caption)}">` : '<div class="noimg">no image</div>';
  return `<figure>${image}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function exampleCard(example: ReportExample, report: RobustnessReport): string {
  const className = (i: number) => report.model.classes[i] ?? `#${i}`;
  const attack = report.attacks.find((a) => a.id === example.attackId);
  const size = attack ? `${UNIT_SHORT[attack.budgetUnit]} ${formatBudget(attack.budgetUnit, example.size)}` : `size ${formatNumber(example.size)}`;
  const labels = `${escapeHtml(className(example.trueLabel))} → ${escapeHtml(className(example.adversarialLabel))} <span class="muted">(${formatPercentOrDash(example.adversarialConfidence)})</span>`;
  const about = `${escapeHtml(attack?.name ?? example.attackId)} · ${escapeHtml(size)} · example ${escapeHtml(String(example.index))}`;
  const isText = example.originalText !== undefined || example.adversarialText !== undefined;
  const body = isText
    ? [
        '<div class="text-pair">',
        `<div><div class="cap">original</div><pre class="msg">${visibleText(example.originalText ?? '')}</pre></div>`,
        `<div><div class="cap">adversarial</div><pre class="msg">${visibleText(example.adversarialText ?? '')}</pre></div>`,
        '</div>',
        example.changes?.length ? `<p class="small">Changes: ${example.changes.map((c) => `<code>${visibleText(c)}</code>`).join(', ')}</p>` : '',
      ].join('')
    : `<div class="pair">${exampleImage(example.originalImage, 'original')}${exampleImage(example.adversarialImage, 'adversarial')}</div>`;
  return `<div class="example${isText ? ' text' : ''}">${body}<p class="labels">${labels}</p><p class="muted small">${about}</p></div>`;
}

function examplesSection(report: RobustnessReport): string {
  const cards = report.worstExamples.map((e) => exampleCard(e, report));
  const grid = report.model.task === 'text' ? 'examples text' : 'examples';
  return [
    '<section id="examples"><h2>Worst examples</h2>',
    cards.length ? `<div class="${grid}">\n${cards.join('\n')}\n</div>` : '<p class="muted">No successful adversarial examples.</p>',
    '</section>',
  ].join('\n');
}

function extractionSection(extraction: ReportExtraction | null): string {
  if (!extraction) return '';
  const about = `Strategy ${escapeHtml(extraction.strategy)}, ${escapeHtml(extraction.output)} output, substitute ${escapeHtml(extraction.substitute)}, measured on ${formatCount(extraction.heldOut)} held-out examples.`;
  const parts = ['<section id="extraction"><h2>Model extraction</h2>', `<p>${about}</p>`];
  if (extraction.skipped) {
    parts.push(`<p class="skipped">Skipped: ${escapeHtml(extraction.skipped)}</p>`);
  } else if (!extraction.points.length) {
    parts.push('<p class="muted">No points.</p>');
  } else {
    const series: ChartSeries[] = [
      { name: 'fidelity (agrees with the model)', color: PALETTE[0], points: extraction.points.map((p) => ({ x: p.queries, y: p.fidelity })) },
      { name: 'accuracy of the copy', color: PALETTE[1], dashed: true, points: extraction.points.map((p) => ({ x: p.queries, y: p.accuracy })) },
    ];
    parts.push(
      '<figure>',
      svgLineChart(series, {
        title: 'Fidelity and accuracy of the stolen copy against queries',
        xLabel: 'Queries to the model',
        yLabel: 'Share of held-out examples',
      }),
      '</figure>',
      table(
        ['Queries', 'Fidelity', 'Accuracy'],
        sampleEvenly(extraction.points, TABLE_MAX_ROWS).map((p) => [
          formatCount(p.queries),
          formatShareCi(p.fidelity, extraction.heldOut),
          formatShareCi(p.accuracy, extraction.heldOut),
        ]),
        [true, true, true],
      ),
      sampledNote(Math.min(TABLE_MAX_ROWS, extraction.points.length), extraction.points.length, 'query budgets'),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function modelSection(model: ReportModel): string {
  const MAX_CLASSES = 40;
  const classList = model.classes.slice(0, MAX_CLASSES).map(escapeHtml).join(', ') + (model.classes.length > MAX_CLASSES ? ', …' : '');
  const rows: [string, string][] = [
    ['Name', escapeHtml(model.name)],
    ['Format', escapeHtml(model.format)],
    ['Task', escapeHtml(model.task)],
    ['Input shape', escapeHtml(model.inputShape.join(' × '))],
    ['Value range', model.valueRange ? escapeHtml(`[${model.valueRange.map(formatNumber).join(', ')}]`) : DASH],
    ['Channel order', model.channelOrder ? escapeHtml(model.channelOrder) : DASH],
    ['Classes', `${model.classes.length}: ${classList}`],
    ['Output', escapeHtml(model.output)],
    ['Parameters', formatCount(model.parameters)],
    ['Weight bytes', formatBytesExactly(model.weightBytes)],
    ['Weights sha256', `<code>${escapeHtml(model.weightsSha256)}</code>`],
  ];
  return `<section id="model"><h2>Model</h2>\n<table class="fields"><tbody>\n${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</tbody></table>\n</section>`;
}

const CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff;
  max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 14px; margin: 16px 0 4px; }
h2 .muted, h4 .muted { font-weight: normal; font-size: 13px; }
p { margin: 4px 0; }
.meta, .muted { color: var(--muted); }
.ci { color: var(--muted); font-size: 11px; margin-left: 4px; white-space: nowrap; }
.small { font-size: 12px; }
.banner { border: 2px solid #bc4c00; background: #fff1e5; color: #762c00; padding: 8px 12px; border-radius: 6px;
  font-weight: 600; margin: 12px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
.num { text-align: right; }
table.fields th { width: 160px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.badge { display: inline-block; min-width: 58px; padding: 0 6px; border: 1px solid; border-radius: 10px;
  font-size: 12px; font-weight: 600; text-align: center; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.badge.high, .badge.fail { background: #ffebe9; color: #a40e26; border-color: #ff8182; }
.badge.medium, .badge.warn { background: #fff8c5; color: #7d4e00; border-color: #d4a72c; }
.badge.low { background: #ddf4ff; color: #0a3069; border-color: #54aeff; }
.badge.info { background: var(--soft); color: var(--muted); border-color: var(--line); }
.badge.pass { background: #dafbe1; color: #116329; border-color: #4ac26b; }
ul.findings { list-style: none; padding: 0; }
ul.findings li { margin: 6px 0; }
.kind { color: var(--muted); font-size: 12px; margin-right: 4px; }
.skipped { color: #762c00; }
.big { font-size: 32px; font-weight: 700; }
figure { margin: 8px 0; }
svg.chart { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
svg.chart text { fill: var(--fg); }
svg.chart .grid line { stroke: #e8ecf0; }
svg.chart .axis line { stroke: var(--muted); }
svg.chart .axis .label { fill: var(--muted); }
svg.chart .value { font-size: 11px; fill: var(--muted); }
.examples { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; }
.examples.text { grid-template-columns: 1fr; }
.example { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.pair { display: flex; gap: 12px; }
.pair figure { margin: 0; text-align: center; }
figcaption, .cap { font-size: 12px; color: var(--muted); }
img.px { display: block; width: 84px; height: auto; image-rendering: crisp-edges; image-rendering: pixelated;
  border: 1px solid var(--line); }
.noimg { width: 84px; height: 84px; border: 1px dashed var(--line); color: var(--muted); font-size: 12px;
  display: flex; align-items: center; justify-content: center; }
.labels { font-weight: 600; }
.text-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
pre.msg { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); border: 1px solid var(--line);
  border-radius: 4px; padding: 6px 8px; margin: 2px 0 6px; max-height: 18em; overflow: auto;
  font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
mark.cp { background: #ffd8b5; color: #5c2c00; border-radius: 2px; padding: 0 1px; }
mark.cp.hidden { font-size: 10px; vertical-align: 1px; margin: 0 1px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
  figure, table, .example { break-inside: avoid; }
  pre.msg { max-height: none; overflow: visible; }
}
`;

/**
 * The report page's Content-Security-Policy: no script, no connection, no frame, nothing from anywhere but its one
 * style sheet (allowed by its hash, so no injected style either) and data: images. The JSON block is data, which a
 * policy does not govern. A test recomputes the hash of CSS.
 */
export const REPORT_CSS_SHA256 = 'sha256-Q9DEs8XZw8vBCxWplFe5SCxIJzdQJVGpzVw7n1XtVQM=';
export const REPORT_CSP = `default-src 'none'; img-src data:; style-src '${REPORT_CSS_SHA256}'; base-uri 'none'; form-action 'none'`;

/** The report's JSON for a script block: `<` escaped so no text in it can close the block. */
function embeddedJson(report: RobustnessReport): string {
  return JSON.stringify(report).replace(/</g, '\\u003c');
}

const DATA_OPEN = '<script type="application/json" id="report-data">';

/** The whole report as one HTML page that needs nothing but itself. */
export function renderReportHtml(report: RobustnessReport): string {
  return (
    [
      '<!doctype html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>Robustness report: ${escapeHtml(report.model.name)}</title>`,
      `<style>${CSS}</style>`,
      '</head>',
      '<body>',
      headerSection(report),
      '<main>',
      summarySection(report.findings),
      checksSection(report.checks),
      cleanSection(report),
      budgetSection(report.attacks, report.clean.accuracy),
      perClassSection(report),
      examplesSection(report),
      extractionSection(report.extraction),
      modelSection(report.model),
      '</main>',
      `<footer>Written by ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}; report schema ${escapeHtml(String(report.schemaVersion))}. The report's JSON is embedded in this file.</footer>`,
      `${DATA_OPEN}${embeddedJson(report)}</script>`,
      '</body>',
      '</html>',
    ]
      .filter((part) => part !== '')
      .join('\n') + '\n'
  );
}

/**
 * The JSON embedded by `renderReportHtml`, parsed but not checked: pass it to the schema's upgrade and validation
 * before use. Throws when the page has no embedded report.
 */
export function reportJsonFromHtml(html: string, fileName = 'This HTML file'): unknown {
  const start = html.indexOf(DATA_OPEN);
  const end = start < 0 ? -1 : html.indexOf('</script>', start + DATA_OPEN.length);
  if (start < 0 || end < 0) {
    throw new Error(
      `${fileName}: this HTML file has no embedded report. Import an HTML report exported by the playground or written by npm run audit, or its JSON.`,
    );
  }
  try {
    return JSON.parse(html.slice(start + DATA_OPEN.length, end));
  } catch (error) {
    throw new Error(
      `${fileName}: the embedded report is not valid JSON: ${(error as Error).message}. The file was changed after it was written; export it again.`,
      { cause: error },
    );
  }
}
