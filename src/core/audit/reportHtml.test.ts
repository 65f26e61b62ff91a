import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pngDataUrl } from './png';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type ReportAttack, type ReportPoint, type RobustnessReport } from './report';
import { reportAtLimits } from './reportAtLimits';
import { CHART_MAX_POINTS, CLASS_BARS_MAX, escapeHtml, renderReportHtml, REPORT_CSP, reportJsonFromHtml, svgLineChart, TABLE_MAX_ROWS } from './reportHtml';
import { REPORT_LIMITS } from './reportJsonSchema';

const ATTACK_TEXT = '</script><script>alert(1)</script>';
const ZWSP = '\u200b';
const CYRILLIC_A = '\u0430';
const RLO = '\u202e';

/** A 28x28 grayscale "digit" (a ring), and a copy with a deterministic checkerboard perturbation. */
function digitImages(seed: number): [string, string] {
  const size = 28;
  const clean = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - 13.5, y - 13.5 + seed);
      clean[y * size + x] = r > 6 && r < 10 ? 255 : 0;
    }
  }
  const adversarial = clean.map((v, i) => Math.min(255, Math.max(0, v + (((i + i / size) | 0) % 2 ? 40 : -40))));
  return [pngDataUrl(clean, size, size, 1), pngDataUrl(adversarial, size, size, 1)];
}

function points(budgets: number[], accuracy: (b: number) => number, extra: Partial<ReportPoint> = {}): ReportPoint[] {
  return budgets.map((budget) => ({
    budget,
    examples: 200,
    accuracy: accuracy(budget),
    successRate: 1 - accuracy(budget) / 0.95,
    meanL2: budget === 0 ? null : budget * 5,
    meanLinf: budget === 0 ? null : budget,
    meanQueries: null,
    ...extra,
  }));
}

function imageReport(): RobustnessReport {
  const [original0, adversarial0] = digitImages(0);
  const [original1, adversarial1] = digitImages(2);
  const attacks: ReportAttack[] = [
    {
      id: 'pgd',
      name: 'PGD',
      knowledge: 'white-box',
      budgetUnit: 'linf',
      params: { eps_step: 0.01, max_iter: 40, num_random_init: 1 },
      points: points([0, 0.05, 0.1, 0.2, 0.3], (b) => Math.max(0, 0.95 - 3 * b)),
    },
    {
      id: 'simba',
      name: 'SimBA',
      knowledge: 'score-based',
      budgetUnit: 'l2',
      params: { max_iter: 1000 },
      points: points([0, 0.5, 1, 2], (b) => Math.max(0, 0.95 - 0.3 * b), { meanQueries: 412.5 }),
    },
    {
      id: 'cw',
      name: 'Carlini & Wagner L2',
      knowledge: 'white-box',
      budgetUnit: 'l2',
      params: {},
      points: [],
      skipped: 'needs logits; this model ends in a <softmax> layer',
    },
  ];
  return {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: '2025-06-01T12:34:56.000Z',
    tool: { name: 'adversarial-playground', version: '0.1.0' },
    environment: { runtime: 'browser', backend: 'webgl', seconds: 42.25 },
    model: {
      name: 'My <b>CNN</b> & "friends"',
      format: 'layers-model',
      task: 'image',
      inputShape: [28, 28, 1],
      valueRange: [0, 1],
      channelOrder: 'grayscale',
      classes: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
      output: 'logits',
      parameters: 1_234_567,
      weightBytes: 4_938_268,
      weightsSha256: 'ab'.repeat(32),
    },
    data: { name: 'MNIST test', examples: 200, available: 10000, perClass: [20, 20, 20, 20, 20, 20, 20, 20, 20, 20] },
    suite: { id: 'standard-image', seed: 7, examples: 200 },
    checks: [
      { id: 'forward', label: 'Forward pass', verdict: 'pass', detail: 'A batch of 8 ran in 12 ms.' },
      { id: 'gradients', label: 'Gradients', verdict: 'warn', detail: 'Gradients are tiny (max 1e-9) <saturated>.' },
      { id: 'probabilities', label: 'Probabilities', verdict: 'fail', detail: 'Outputs do not sum to 1.' },
    ],
    clean: { accuracy: 0.95, correct: 190, examples: 200 },
    reference: { attackId: 'pgd', budget: 0.1 },
    attacks,
    perClass: ['zero', 'one', 'two', 'three'].map((name, classIndex) => ({
      classIndex,
      name,
      examples: 20,
      cleanAccuracy: 1 - classIndex * 0.05,
      robustAccuracy: 0.7 - classIndex * 0.15,
    })),
    worstExamples: [
      {
        index: 17,
        trueLabel: 7,
        originalLabel: 7,
        adversarialLabel: 3,
        adversarialConfidence: 0.982,
        attackId: 'pgd',
        size: 0.05,
        originalImage: original0,
        adversarialImage: adversarial0,
      },
      {
        index: 42,
        trueLabel: 0,
        originalLabel: 0,
        adversarialLabel: 6,
        adversarialConfidence: 0.61,
        attackId: 'simba',
        size: 0.8,
        originalImage: original1,
        adversarialImage: adversarial1,
      },
    ],
    extraction: {
      strategy: 'jacobian-augmentation',
      output: 'probabilities',
      substitute: 'small-cnn',
      heldOut: 500,
      points: [
        { queries: 100, fidelity: 0.42, accuracy: 0.4 },
        { queries: 500, fidelity: 0.71, accuracy: 0.69 },
        { queries: 1000, fidelity: 0.83, accuracy: 0.8 },
        { queries: 2000, fidelity: 0.9, accuracy: 0.86 },
      ],
    },
    findings: [
      { kind: 'evasion', severity: 'high', text: 'PGD at ε = 0.1 lowers accuracy from 95.0% to 65.0%.' },
      { kind: 'extraction', severity: 'medium', text: 'A copy agreeing on 90.0% of inputs took 2,000 queries.' },
      { kind: 'coverage', severity: 'info', text: 'Carlini & Wagner L2 was skipped.' },
    ],
    partial: false,
  };
}

function textReport(): RobustnessReport {
  const base = imageReport();
  const wordPoints = (accuracy: number[]) =>
    [0, 0.05, 0.1, 0.2].map((budget, i) => ({
      budget,
      examples: 100,
      accuracy: accuracy[i],
      successRate: 1 - accuracy[i] / 0.97,
      meanL2: null,
      meanLinf: null,
      meanQueries: i === 0 ? null : 20 + i * 5,
      meanPerturbedWordPercent: i === 0 ? null : 3.5 * i,
    }));
  return {
    ...base,
    environment: { runtime: 'node', backend: 'wasm', seconds: 3.5 },
    model: {
      name: 'spam filter',
      format: 'layers-model',
      task: 'text',
      inputShape: [200],
      classes: ['ham', 'spam'],
      output: 'probabilities',
      parameters: 80_000,
      weightBytes: 320_000,
      weightsSha256: 'cd'.repeat(32),
    },
    data: { name: 'SpamAssassin', examples: 100, available: 3000, perClass: [50, 50] },
    suite: { id: 'standard-text', seed: 1, examples: 100 },
    checks: [{ id: 'forward', label: 'Forward pass', verdict: 'pass', detail: 'ok' }],
    clean: { accuracy: 0.97, correct: 97, examples: 100 },
    reference: { attackId: 'unicode/none', budget: 0.1 },
    attacks: [
      {
        id: 'unicode/none',
        name: 'Unicode (no defense)',
        knowledge: 'black-box',
        budgetUnit: 'word-share',
        defense: 'none',
        params: { max_words: 10 },
        points: wordPoints([0.97, 0.6, 0.3, 0.1]),
      },
      {
        id: 'unicode/normalizer',
        name: 'Unicode (normalizer)',
        knowledge: 'black-box',
        budgetUnit: 'word-share',
        defense: 'normalizer',
        params: { max_words: 10 },
        points: wordPoints([0.97, 0.95, 0.93, 0.9]),
      },
    ],
    perClass: [],
    worstExamples: [
      {
        index: 3,
        trueLabel: 1,
        originalLabel: 1,
        adversarialLabel: 0,
        adversarialConfidence: 0.88,
        attackId: 'unicode/none',
        size: 0.125,
        originalText: `WIN a free prize now!\n${ATTACK_TEXT}`,
        adversarialText: `W${ZWSP}IN a free pr${CYRILLIC_A}ize now!\n${ATTACK_TEXT}`,
      },
      {
        index: 9,
        trueLabel: 1,
        originalLabel: 1,
        adversarialLabel: 0,
        adversarialConfidence: 0.7,
        attackId: 'unicode/none',
        size: 0.05,
        originalText: 'cheap pills',
        adversarialText: `cheap ${RLO}sllip`,
      },
    ],
    extraction: null,
    findings: [{ kind: 'defense', severity: 'low', text: 'The normalizer restores 90.0% accuracy at 20% of words.' }],
    partial: true,
  };
}

const JSON_BLOCK = /<script type="application\/json" id="report-data">[\s\S]*?<\/script>/;
/** The page without the embedded JSON: what a reader sees and what the browser would load. */
const visiblePart = (html: string) => html.replace(JSON_BLOCK, '');
const count = (text: string, needle: string) => text.split(needle).length - 1;
const svgs = (html: string) => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
const legendNames = (svg: string) => [...svg.matchAll(/<g class="legend-item">[\s\S]*?<text[^>]*>([\s\S]*?)<\/text><\/g>/g)].map((m) => m[1]);
const polylineCounts = (svg: string) => [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].trim().split(/\s+/).filter(Boolean).length);

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('plain ε = 0.1')).toBe('plain ε = 0.1');
  });
});

describe('svgLineChart', () => {
  it('draws one polyline per series with one coordinate pair per point, markers, gridlines and a legend', () => {
    const svg = svgLineChart(
      [
        {
          name: 'a',
          points: [
            { x: 0, y: 1 },
            { x: 0.1, y: 0.5 },
            { x: 0.2, y: 0.1 },
          ],
        },
        {
          name: 'b <i>',
          points: [
            { x: 0, y: 0.9 },
            { x: 0.3, y: 0.2 },
          ],
        },
      ],
      { title: 'T', xLabel: 'budget', yLabel: 'accuracy' },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(polylineCounts(svg)).toEqual([3, 2]);
    expect(count(svg, '<circle')).toBe(5 + 2); // markers plus one per legend entry
    expect(legendNames(svg)).toEqual(['a', 'b &lt;i&gt;']);
    expect(svg).not.toContain('<i>');
    // y ticks 0%..100% in steps of 20%, x ticks up to 0.3.
    for (const tick of ['0%', '20%', '100%', '0.3']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('>budget</text>');
    expect(svg).toContain('>accuracy</text>');
  });

  it('draws a series of 300,000 points (more than fit in the arguments of a call) from an even sample of them', () => {
    const points = Array.from({ length: 300_000 }, (_, i) => ({ x: i - 1000, y: (i % 100) / 100 }));
    const svg = svgLineChart([{ name: 'long', points }], { title: 'T', xLabel: 'x', yLabel: 'y' });
    expect(polylineCounts(svg)).toEqual([CHART_MAX_POINTS]);
    expect(svg).toContain('>-100,000</text>'); // the x axis reaches the first point, below 0
    expect(svg).toContain('>300,000</text>');
  });

  it('leaves out points that are not finite, and puts y = 1 at the top and y = 0 at the bottom of the plot', () => {
    const svg = svgLineChart(
      [
        {
          name: 's',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: Number.NaN },
            { x: 2, y: 0 },
          ],
        },
      ],
      {
        title: 'T',
        xLabel: 'x',
        yLabel: 'y',
        plotHeight: 200,
      },
    );
    expect(polylineCounts(svg)).toEqual([2]);
    const [top, bottom] = svg
      .match(/<polyline points="([^"]*)"/)![1]
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(bottom - top).toBeCloseTo(200, 5);
    expect(svg).not.toContain('NaN');
  });
});

describe('renderReportHtml: image report', () => {
  const report = imageReport();
  const html = renderReportHtml(report);
  const visible = visiblePart(html);

  it('is one HTML document with no external URL of any kind', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    for (const needle of ['http://', 'https://', 'src="//', "src='//", 'url(']) expect(html).not.toContain(needle);
    expect(html).not.toMatch(/<script(?! type="application\/json" id="report-data")/);
    expect(html).not.toMatch(/<link\b/);
  });

  it('has the sections in order, with the title line', () => {
    const headings = ['Summary', 'Checks', 'Clean accuracy', 'Accuracy against budget', 'Per-class robustness', 'Worst examples', 'Model extraction', 'Model'];
    const positions = headings.map((h) => visible.indexOf(`<h2>${h}`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(visible).toContain('<h1>Robustness report: My &lt;b&gt;CNN&lt;/b&gt; &amp; &quot;friends&quot;</h1>');
    expect(visible).toContain('2025-06-01 12:34 UTC');
    expect(visible).toContain('MNIST test: 200 of 10,000 examples · suite standard-image, seed 7 · browser / webgl · 42.3 s');
    expect(visible).not.toContain('Partial results');
  });

  it('draws one chart per budget unit that ran, the per-class bars and the extraction chart', () => {
    const charts = svgs(visible);
    expect(count(visible, '<svg')).toBe(4);
    const [linf, l2, perClass, extraction] = charts;
    expect(legendNames(linf)).toEqual(['PGD']);
    expect(legendNames(l2)).toEqual(['SimBA']);
    expect(polylineCounts(linf)).toEqual([5]);
    expect(polylineCounts(l2)).toEqual([4]);
    expect(count(perClass, '<rect')).toBe(2 * report.perClass.length + 2); // two bars per class, two legend swatches
    expect(polylineCounts(extraction)).toEqual([4, 4]);
    // Each attack keeps its own colour: SimBA is the second attack that ran.
    expect(l2).toContain('stroke="#D55E00"');
  });

  it('shows verdicts and severities as badges, the skipped attack with its reason, and the tables', () => {
    for (const v of ['pass', 'warn', 'fail', 'high', 'medium', 'info']) expect(visible).toContain(`<span class="badge ${v}">${v}</span>`);
    expect(visible).toContain('<strong>Carlini &amp; Wagner L2</strong> skipped: needs logits; this model ends in a &lt;softmax&gt; layer');
    expect(visible).not.toContain('<softmax>');
    expect(visible).toContain('<p class="big">95.0%</p>');
    // PGD at 0.1: accuracy 65.0% (130 of 200: Wilson 58.2-71.3%), success rate 1 - 0.65 / 0.95 (60 of the 190 right
    // before: 25.4-38.5%); L2 and queries absent.
    const ci = (range: string) => `<span class="ci" title="[^"]*">${range}<\\/span>`;
    expect(visible).toMatch(
      new RegExp(
        `<td class="num">0\\.1</td><td class="num">65\\.0% ${ci('58\\.2–71\\.3')}</td><td class="num">31\\.6% ${ci('25\\.4–38\\.5')}</td><td class="num">0\\.5</td><td class="num">0\\.1</td><td class="num">–</td><td class="num">–</td>`,
      ),
    );
    expect(visible).toContain('<td class="num">412.5</td>');
  });

  it('names the reference attack and budget in the per-class heading', () => {
    expect(visible).toMatch(/<h2>Per-class robustness <span class="muted">under PGD at L∞ ε = 0\.1<\/span><\/h2>/);
  });

  it('shows the worst examples as pixelated data-URL images with labels, attack and size', () => {
    const images = [...visible.matchAll(/<img class="px" src="([^"]+)"/g)].map((m) => m[1]);
    expect(images).toEqual(report.worstExamples.flatMap((e) => [e.originalImage, e.adversarialImage]));
    expect(visible).toContain('image-rendering: pixelated');
    expect(visible).toContain('seven → three <span class="muted">(98.2%)</span>');
    expect(visible).toContain('PGD · L∞ 0.05 · example 17');
    expect(visible).toContain('SimBA · L2 0.8 · example 42');
  });

  it('refuses image URLs that are not embedded images', () => {
    const hostile = imageReport();
    hostile.worstExamples[0].originalImage = 'https://example.com/x.png';
    hostile.worstExamples[0].adversarialImage = 'javascript:alert(1)';
    const page = visiblePart(renderReportHtml(hostile));
    expect(page).not.toContain('example.com');
    expect(page).not.toContain('javascript:');
    expect(count(page, '<img ')).toBe(2);
  });

  it('has the model fields', () => {
    expect(visible).toContain('<tr><th>Input shape</th><td>28 × 28 × 1</td></tr>');
    expect(visible).toContain('<tr><th>Parameters</th><td>1,234,567</td></tr>');
    expect(visible).toContain('<tr><th>Weight bytes</th><td>4.7 MB (4,938,268 bytes)</td></tr>');
    expect(visible).toContain(`<code>${'ab'.repeat(32)}</code>`);
  });

  it('embeds the report JSON, which parses back to the same report', () => {
    expect(count(html, 'id="report-data"')).toBe(1);
    expect(reportJsonFromHtml(html)).toEqual(report);
  });

  it('says why extraction was skipped instead of drawing it', () => {
    const skipped = imageReport();
    skipped.extraction = { ...skipped.extraction!, points: [], skipped: 'the oracle returned <labels only>' };
    const page = visiblePart(renderReportHtml(skipped));
    expect(page).toContain('Skipped: the oracle returned &lt;labels only&gt;');
    expect(count(page, '<svg')).toBe(3);
    skipped.extraction = null;
    expect(visiblePart(renderReportHtml(skipped))).not.toContain('<h2>Model extraction');
  });
});

describe('renderReportHtml: text report', () => {
  const report = textReport();
  const html = renderReportHtml(report);
  const visible = visiblePart(html);

  it('shows the partial banner, one word-share chart with both attacks, and no per-class section', () => {
    expect(visible).toContain('Partial results (cancelled)');
    expect(count(visible, '<svg')).toBe(1);
    const [chart] = svgs(visible);
    expect(legendNames(chart)).toEqual(report.attacks.map((a) => escapeHtml(a.name)));
    expect(polylineCounts(chart)).toEqual(report.attacks.map((a) => a.points.length));
    expect(chart).toContain('>10%</text>'); // budget ticks as shares of words
    expect(visible).not.toContain('Per-class robustness');
    expect(visible).not.toContain('<h2>Model extraction');
    expect(visible).toContain('<td class="num">7.0%</td>'); // mean perturbed words, already in percent
  });

  it('escapes the messages: no script can run, and the embedded JSON cannot be closed early', () => {
    expect(html).not.toContain('<script>alert');
    expect(count(html, '<script')).toBe(1);
    expect(count(html, '</script>')).toBe(1);
    expect(visible).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reportJsonFromHtml(html)).toEqual(report);
  });

  it('makes invisible, bidirectional and look-alike characters visible', () => {
    expect(visible).toContain('W<mark class="cp hidden" title="U+200B ZERO WIDTH SPACE">U+200B</mark>IN');
    expect(visible).toMatch(/pr<mark class="cp" title="U\+0430 Cyrillic[^"]*">\u0430<\/mark>ize/);
    expect(visible).toContain('<mark class="cp hidden" title="U+202E RIGHT-TO-LEFT OVERRIDE">U+202E</mark>');
    expect(visible).not.toContain(ZWSP);
    expect(visible).not.toContain(RLO);
    expect(visible).toContain('spam → ham <span class="muted">(88.0%)</span>');
    expect(visible).toContain('Unicode (no defense) · words 12.5% · example 3');
  });

  it('names a word-share reference budget as a share of words', () => {
    const withClasses = { ...report, perClass: [{ classIndex: 1, name: 'spam', examples: 50, cleanAccuracy: 0.96, robustAccuracy: 0.3 }] };
    expect(renderReportHtml(withClasses)).toContain('under Unicode (no defense) changing up to 10.0% of words');
  });
});

describe('reportJsonFromHtml', () => {
  it('says what is wrong with a page that has no report', () => {
    expect(() => reportJsonFromHtml('<!doctype html><p>hi</p>')).toThrow(/this HTML file has no embedded report/);
  });

  it('round-trips text that tries to break out of the block', () => {
    const report = textReport();
    report.model.name = '<!-- </script> <script>';
    const html = renderReportHtml(report);
    expect(count(html, '</script>')).toBe(1);
    expect(reportJsonFromHtml(html)).toEqual(report);
  });
});

describe('renderReportHtml: the largest report the schema accepts', () => {
  const report = reportAtLimits();
  const html = renderReportHtml(report);
  const visible = visiblePart(html);

  it('renders every section, with each chart drawn from at most CHART_MAX_POINTS points a series', () => {
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    const charts = svgs(visible);
    expect(charts.length).toBe(3 + 1 + 1); // three budget units, per-class bars, extraction
    const lines = charts.flatMap(polylineCounts);
    expect(lines.length).toBe(REPORT_LIMITS.attacks + 2);
    expect(lines.every((n) => n === CHART_MAX_POINTS)).toBe(true);
    // Series that long are drawn without a marker per point.
    expect(count(charts[0], '<circle')).toBe(count(charts[0], 'class="legend-item"'));
  });

  it('tabulates a sample of each long series and says so; the embedded JSON keeps everything', () => {
    expect(count(visible, `${TABLE_MAX_ROWS} of 1,000 budgets shown, evenly spaced`)).toBe(REPORT_LIMITS.attacks);
    expect(visible).toContain(`${TABLE_MAX_ROWS} of 1,000 query budgets shown`);
    expect(count(visible, '<tr><td class="num">')).toBe((REPORT_LIMITS.attacks + 1) * TABLE_MAX_ROWS + REPORT_LIMITS.classes);
    expect(JSON.stringify(reportJsonFromHtml(html))).toBe(JSON.stringify(report));
  });

  it('draws the classes with the lowest robust accuracy as bars, and every example and finding', () => {
    const bars = svgs(visible)[3];
    expect(count(bars, '<rect')).toBe(2 * CLASS_BARS_MAX + 2);
    expect(visible).toContain(`The ${CLASS_BARS_MAX} classes with the lowest robust accuracy of 10,000.`);
    expect(visible.match(/<div class="example( text)?">/g)?.length).toBe(REPORT_LIMITS.worstExamples);
    expect(count(visible, '<li><span class="badge high">')).toBe(REPORT_LIMITS.findings);
    expect(visible).not.toContain('<script>');
  });
});

describe('the Content-Security-Policy of the report page', () => {
  const html = renderReportHtml(imageReport());

  it('comes before anything it governs, and allows its own style sheet by hash, data: images and nothing else', () => {
    const meta = `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`;
    expect(html.indexOf(meta)).toBeGreaterThan(0);
    expect(html.indexOf(meta)).toBeLessThan(html.indexOf('<style>'));
    const css = html.match(/<style>([\s\S]*?)<\/style>/)![1];
    const hash = `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
    expect(REPORT_CSP.split('; ')).toEqual(["default-src 'none'", 'img-src data:', `style-src ${hash}`, "base-uri 'none'", "form-action 'none'"]);
    // Only the one style sheet, no style attribute (a hash does not allow those), and no executable script.
    expect(count(html, '<style')).toBe(1);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<script(?! type="application\/json")/);
  });
});
