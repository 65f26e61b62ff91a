import { describe, expect, it } from 'vitest';
import { findingsOf } from './audit';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type RobustnessReport } from './report';
import { parseReportJson, validateReport } from './reportSchema';

function minimalReport(): RobustnessReport {
  const body: Omit<RobustnessReport, 'findings'> = {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: '2026-12-02T00:00:00.000Z',
    tool: { name: 'adversarial-playground', version: '0.1.0' },
    environment: { runtime: 'browser', backend: 'wasm', seconds: 3 },
    model: { name: 'm', format: 'graph-model', task: 'image', inputShape: [28, 28, 1], valueRange: [0, 1], channelOrder: 'grayscale', classes: ['a', 'b'], output: 'logits', parameters: 10, weightBytes: 40, weightsSha256: 'ab'.repeat(32) },
    data: { name: 'd', examples: 2, available: 2, perClass: [1, 1] },
    suite: { id: 'quick', seed: 1, examples: 2 },
    checks: [{ id: 'forward', label: 'Forward', verdict: 'pass', detail: 'ok' }],
    clean: { accuracy: 1, correct: 2, examples: 2 },
    reference: null,
    attacks: [{ id: 'fgsm', name: 'FGSM', knowledge: 'white-box', budgetUnit: 'linf', params: { norm: 'inf' }, points: [{ budget: 0.1, examples: 2, accuracy: 0.5, successRate: 0.5, meanL2: 1, meanLinf: 0.1, meanQueries: null }] }],
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
    expect(() => parseReportJson(JSON.stringify({ ...minimalReport(), schemaVersion: 2 }), 'c.json')).toThrow(/c\.json uses report schema version 2; this build reads up to version 1\. Open it with a newer playground/);
    expect(() => parseReportJson(JSON.stringify({ ...minimalReport(), partial: 'no' }), 'd.json')).toThrow(/d\.json does not match the report schema: \/partial must be boolean/);
  });
});
