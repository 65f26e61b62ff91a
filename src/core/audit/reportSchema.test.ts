import { describe, expect, it } from 'vitest';
import { findingsOf } from './audit';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type RobustnessReport } from './report';
import { reportAtLimits } from './reportAtLimits';
import { renderReportHtml } from './reportHtml';
import { REPORT_LIMITS } from './reportJsonSchema';
import { parseReportFile, parseReportJson, validateReport } from './reportSchema';

function minimalReport(): RobustnessReport {
  const body: Omit<RobustnessReport, 'findings'> = {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: '2026-12-02T00:00:00.000Z',
    tool: { name: 'adversarial-playground', version: '0.1.0' },
    environment: { runtime: 'browser', backend: 'wasm', seconds: 3 },
    model: {
      name: 'm',
      format: 'graph-model',
      task: 'image',
      inputShape: [28, 28, 1],
      valueRange: [0, 1],
      channelOrder: 'grayscale',
      classes: ['a', 'b'],
      output: 'logits',
      parameters: 10,
      weightBytes: 40,
      weightsSha256: 'ab'.repeat(32),
    },
    data: { name: 'd', examples: 2, available: 2, perClass: [1, 1] },
    suite: { id: 'quick', seed: 1, examples: 2 },
    checks: [{ id: 'forward', label: 'Forward', verdict: 'pass', detail: 'ok' }],
    clean: { accuracy: 1, correct: 2, examples: 2 },
    reference: null,
    attacks: [
      {
        id: 'fgsm',
        name: 'FGSM',
        knowledge: 'white-box',
        budgetUnit: 'linf',
        params: { norm: 'inf' },
        points: [{ budget: 0.1, examples: 2, accuracy: 0.5, successRate: 0.5, meanL2: 1, meanLinf: 0.1, meanQueries: null }],
      },
    ],
    perClass: [],
    worstExamples: [],
    extraction: null,
    partial: false,
  };
  return { ...body, findings: findingsOf(body) };
}

describe('the report schema', () => {
  it('accepts a well-formed report and reads it back', () => {
    const report = minimalReport();
    expect(validateReport(report)).toEqual([]);
    expect(parseReportJson(JSON.stringify(report))).toEqual(report);
  });

  it('says where a report departs from the schema', () => {
    const report = minimalReport() as unknown as Record<string, any>;
    report.clean.accuracy = 1.5;
    report.attacks[0].budgetUnit = 'l7';
    delete report.model.weightsSha256;
    report.surprise = true;
    const problems = validateReport(report);
    expect(problems).toContainEqual(expect.stringMatching(/^\/clean\/accuracy must be <= 1/));
    expect(problems).toContainEqual(expect.stringMatching(/^\/attacks\/0\/budgetUnit must be equal to one of the allowed values \(linf, l2, word-share\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^\/model must have required property 'weightsSha256'/));
    expect(problems).toContainEqual(expect.stringMatching(/must NOT have additional properties/));
  });

  it('refuses files that are not reports, from a newer version, or invalid, saying which', () => {
    expect(() => parseReportJson('{"kind": ', 'a.json')).toThrow(/^a\.json is not valid JSON .*Import a report saved by the playground/);
    expect(() => parseReportJson('{"kind": "text-attack-batch"}', 'b.json')).toThrow(/b\.json is not a robustness report \(its "kind" is "text-attack-batch"/);
    expect(() => parseReportJson(JSON.stringify({ ...minimalReport(), schemaVersion: 2 }), 'c.json')).toThrow(
      /c\.json uses report schema version 2; this build reads up to version 1\. Open it with a newer playground/,
    );
    expect(() => parseReportJson(JSON.stringify({ ...minimalReport(), partial: 'no' }), 'd.json')).toThrow(
      /d\.json does not match the report schema: \/partial must be boolean/,
    );
  });

  it('accepts a report at every size limit, and refuses one over a limit, naming the field', () => {
    const report = reportAtLimits();
    expect(validateReport(report)).toEqual([]);
    const over = (change: (r: Record<string, any>) => void) => {
      const copy = structuredClone(report) as unknown as Record<string, any>;
      change(copy);
      return validateReport(copy);
    };
    expect(over((r) => r.attacks[3].points.push(r.attacks[3].points[0]))).toEqual([`/attacks/3/points must NOT have more than ${REPORT_LIMITS.points} items`]);
    expect(over((r) => r.attacks.push(r.attacks[0]))).toEqual([`/attacks must NOT have more than ${REPORT_LIMITS.attacks} items`]);
    expect(over((r) => r.model.classes.push('one more'))).toEqual([`/model/classes must NOT have more than ${REPORT_LIMITS.classes} items`]);
    expect(over((r) => (r.worstExamples[1].adversarialText += '!'))).toEqual([
      `/worstExamples/1/adversarialText must NOT have more than ${REPORT_LIMITS.messageLength} characters`,
    ]);
    expect(over((r) => (r.findings[0].text += '!'))).toEqual([`/findings/0/text must NOT have more than ${REPORT_LIMITS.textLength} characters`]);
  });

  it('refuses the report of the issue (200,000 points) with a message naming the field, as an import', () => {
    const report = minimalReport();
    const point = report.attacks[0].points[0];
    report.attacks[0].points = Array.from({ length: 200_000 }, () => point);
    expect(() => parseReportJson(JSON.stringify(report), 'big.json')).toThrow(
      `big.json does not match the report schema: /attacks/0/points must NOT have more than ${REPORT_LIMITS.points} items.`,
    );
  });
});

describe('importing a report file', () => {
  it('reads an exported HTML report, and says what is wrong with an HTML file that is not one', () => {
    const report = minimalReport();
    const html = renderReportHtml(report);
    expect(parseReportFile(html, 'r.html')).toEqual(report);
    expect(() => parseReportFile('<!doctype html><p>hello</p>', 'page.html')).toThrow(
      /^page\.html: this HTML file has no embedded report\. Import an HTML report exported by the playground/,
    );
    const broken = html.replace('"kind":', '"kind"');
    expect(() => parseReportFile(broken, 'edited.html')).toThrow(
      /^edited\.html: the embedded report is not valid JSON: .+\. The file was changed after it was written; export it again\.$/,
    );
    const notReport = html.replace(/(id="report-data">)[\s\S]*?(<\/script>)/, '$1{"kind":"something"}$2');
    expect(() => parseReportFile(notReport, 'other.html')).toThrow(/other\.html is not a robustness report \(its "kind" is "something"/);
  });

  it('reads JSON files as JSON', () => {
    expect(parseReportFile(JSON.stringify(minimalReport()), 'r.json')).toEqual(minimalReport());
    expect(() => parseReportFile('<html>', 'r.json')).toThrow(/^r\.json is not valid JSON/);
  });
});
