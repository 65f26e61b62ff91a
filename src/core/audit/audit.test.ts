import { describe, expect, it } from 'vitest';
import type { ExampleResult } from '../attacks/run';
import { findingsOf, robustAccuracyAt } from './audit';
import { IMAGE_SUITES, perClassTable, pointsFromMinimalNorm, withReferenceBudget } from './imageSuite';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type ReportAttack, type RobustnessReport } from './report';

const result = (trueLabel: number, originalLabel: number, adversarialLabel: number, l2: number): ExampleResult => ({
  trueLabel,
  originalLabel,
  originalConfidence: 0.9,
  adversarialLabel,
  adversarialConfidence: 0.6,
  success: adversarialLabel !== trueLabel,
  l0: 1,
  l2,
  linf: l2 / 2,
  steps: 3,
});

describe('minimal-norm points and per-class table', () => {
  // Four examples: flipped at L2 0.5 and 2; one already wrong; one DeepFool could not flip.
  const results = [result(0, 0, 1, 0.5), result(1, 1, 0, 2), result(0, 1, 1, 0), result(1, 1, 1, 0)];

  it('counts a flip at budget b only when its L2 is at most b', () => {
    const points = pointsFromMinimalNorm(results, [0, 1, 3]);
    expect(points.map((p) => p.accuracy)).toEqual([3 / 4, 2 / 4, 1 / 4]);
    expect(points.map((p) => p.successRate)).toEqual([0, 1 / 3, 2 / 3]);
    expect(points[1].meanL2).toBe(0.5);
    expect(points[2].meanL2).toBe(1.25);
    expect(points[0].meanL2).toBeNull();
  });

  it('gives clean and robust accuracy per class', () => {
    expect(perClassTable(results, ['a', 'b', 'c'])).toEqual([
      { classIndex: 0, name: 'a', examples: 2, cleanAccuracy: 0.5, robustAccuracy: 0 },
      { classIndex: 1, name: 'b', examples: 2, cleanAccuracy: 1, robustAccuracy: 0.5 },
      { classIndex: 2, name: 'c', examples: 0, cleanAccuracy: 0, robustAccuracy: 0 },
    ]);
  });
});

describe('the threshold budget', () => {
  it('is added to the sweeps in order and becomes the reference', () => {
    const suite = withReferenceBudget(IMAGE_SUITES.quick, 0.05);
    expect(suite.linfBudgets).toEqual([...IMAGE_SUITES.quick.linfBudgets, 0.05].sort((a, b) => a - b));
    expect(suite.reference).toEqual({ attackId: 'pgd', budget: 0.05 });
    // A budget already swept is not added twice.
    expect(withReferenceBudget(IMAGE_SUITES.quick, 0.1).linfBudgets).toEqual(IMAGE_SUITES.quick.linfBudgets);
  });
});

function report(attacks: ReportAttack[], extra: Partial<RobustnessReport> = {}): Omit<RobustnessReport, 'findings'> {
  return {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: '2026-12-02T00:00:00.000Z',
    tool: { name: 't', version: '0' },
    environment: { runtime: 'node', backend: 'wasm', seconds: 1 },
    model: {
      name: 'm',
      format: 'layers-model',
      task: 'image',
      inputShape: [2, 2, 1],
      classes: ['cat', 'dog'],
      output: 'logits',
      parameters: 1,
      weightBytes: 4,
      weightsSha256: '0'.repeat(64),
    },
    data: { name: 'd', examples: 10, available: 10, perClass: [5, 5] },
    suite: { id: 'quick', seed: 1, examples: 10 },
    checks: [],
    clean: { accuracy: 0.9, correct: 9, examples: 10 },
    reference: { attackId: 'pgd', budget: 0.1 },
    attacks,
    perClass: [],
    worstExamples: [],
    extraction: null,
    partial: false,
    ...extra,
  };
}

const point = (budget: number, accuracy: number, successRate = 0, meanQueries: number | null = null) => ({
  budget,
  examples: 10,
  accuracy,
  successRate,
  meanL2: null,
  meanLinf: null,
  meanQueries,
});

describe('findings', () => {
  it('name the attack, the budget and both accuracies of the smallest budget that halves accuracy', () => {
    const pgd: ReportAttack = {
      id: 'pgd',
      name: 'PGD-10',
      knowledge: 'white-box',
      budgetUnit: 'linf',
      params: {},
      points: [point(0, 0.9), point(8 / 255, 0.6), point(0.1, 0.3)],
    };
    const findings = findingsOf(report([pgd]));
    expect(findings[0]).toEqual({
      kind: 'evasion',
      severity: 'medium',
      text: expect.stringContaining('PGD-10 brings accuracy from 90.0% to 30.0% with changes of L∞ 0.100'),
    });
    expect(robustAccuracyAt(report([pgd]) as RobustnessReport, 0.1)).toBe(0.3);
    expect(robustAccuracyAt(report([pgd]) as RobustnessReport, 0.2)).toBeNull();
  });

  it('name the attack that leaves the least when two halve accuracy at the same budget', () => {
    const fgsm: ReportAttack = { id: 'fgsm', name: 'FGSM', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [point(0, 0.9), point(0.1, 0.4)] };
    const pgd: ReportAttack = { id: 'pgd', name: 'PGD-10', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [point(0, 0.9), point(0.1, 0.1)] };
    expect(findingsOf(report([fgsm, pgd]))[0].text).toContain('PGD-10 brings accuracy from 90.0% to 10.0%');
  });

  it('do not call the clean accuracy low when a cancel left no example measured', () => {
    const pgd: ReportAttack = { id: 'pgd', name: 'PGD-10', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [] };
    const texts = findingsOf(report([pgd], { clean: { accuracy: 0, correct: 0, examples: 0 }, reference: null, partial: true })).map((f) => f.text);
    expect(texts.some((t) => t.startsWith('Clean accuracy is only'))).toBe(false);
    expect(texts).toEqual(['The run was cancelled: every number covers only the examples that finished.']);
    // A low clean accuracy measured on examples that did finish is still said.
    expect(findingsOf(report([pgd], { clean: { accuracy: 0.2, correct: 2, examples: 10 } }))[0].text).toMatch(/^Clean accuracy is only 20\.0%/);
  });

  it('call the most fragile class high risk only when its interval is narrow enough', () => {
    const pgd: ReportAttack = { id: 'pgd', name: 'PGD-10', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [point(0.1, 0.5)] };
    const fragile = (examples: number) =>
      findingsOf(report([pgd], { perClass: [{ classIndex: 0, name: 'cat', examples, cleanAccuracy: 1, robustAccuracy: 0.2 }] })).find((f) =>
        f.text.startsWith('The most fragile'),
      )!;
    // 20% of 50 right: 11.2-33.0% (centre 0.2214, half-width 0.1090), wholly below half of the clean 100%.
    expect(fragile(50).severity).toBe('high');
    expect(fragile(50).text).toContain('20.0% (95% CI 11.2–33.0%) of its 50 examples');
    expect(fragile(5).severity).toBe('medium');
  });

  it('say when nothing halved accuracy, at the largest budget tried', () => {
    const fgsm: ReportAttack = { id: 'fgsm', name: 'FGSM', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [point(0, 0.9), point(0.1, 0.9)] };
    expect(findingsOf(report([fgsm]))[0].text).toContain('the strongest, FGSM, leaves 90.0% at L∞ 0.100');
  });

  it('report a black-box attack, a skipped one, the most fragile class, extraction and a cancel', () => {
    const square: ReportAttack = { id: 'square', name: 'Square', knowledge: 'score-based', budgetUnit: 'linf', params: {}, points: [point(0.3, 0.1, 0.8, 42)] };
    const deepfool: ReportAttack = {
      id: 'deepfool',
      name: 'DeepFool',
      knowledge: 'white-box',
      budgetUnit: 'l2',
      params: {},
      points: [],
      skipped: 'No gradients.',
    };
    const pgd: ReportAttack = { id: 'pgd', name: 'PGD-10', knowledge: 'white-box', budgetUnit: 'linf', params: {}, points: [point(0.1, 0.5)] };
    const texts = findingsOf(
      report([square, deepfool, pgd], {
        perClass: [
          { classIndex: 0, name: 'cat', examples: 5, cleanAccuracy: 1, robustAccuracy: 0.8 },
          { classIndex: 1, name: 'dog', examples: 5, cleanAccuracy: 0.8, robustAccuracy: 0.2 },
        ],
        extraction: { strategy: 's', output: 'p', substitute: 'd', heldOut: 50, points: [{ queries: 400, fidelity: 0.92, accuracy: 0.9 }] },
        partial: true,
      }),
    ).map((f) => `${f.severity}: ${f.text}`);
    expect(texts).toContainEqual(expect.stringMatching(/^high: Without the weights, Square fools 80\.0% .* at L∞ 0\.300, with 42 queries on average/));
    // 1 of 5 right: the 95% Wilson interval (3.6-62.4%) reaches past half the clean accuracy, so not "high".
    expect(texts).toContainEqual(
      'medium: The most fragile class is "dog": PGD-10 at L∞ 0.100 leaves 20.0% (95% CI 3.6–62.4%) of its 5 examples right (clean 80.0%); on so few examples the interval is too wide to call it high risk.',
    );
    expect(texts).toContainEqual(expect.stringMatching(/^high: Extraction: 400 queries .* agrees with the model on 92\.0% of 50 held-out examples/));
    expect(texts).toContainEqual('info: Not run: DeepFool. No gradients.');
    expect(texts.at(-1)).toMatch(/cancelled/);
  });
});
