/**
 * A valid report with every array at its schema limit and its long strings at their length limits (../reportJsonSchema.ts):
 * the largest report the page and the command line accept, built in memory for the tests of validation and rendering.
 */
import { REPORT_LIMITS as L } from './reportJsonSchema';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type ReportAttack, type ReportExample, type RobustnessReport } from './report';

/** `seed` repeated and cut to exactly `length` characters. */
const fill = (seed: string, length: number) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);

export function reportAtLimits(): RobustnessReport {
  const classes = Array.from({ length: L.classes }, (_, i) => fill(`class ${i} <b>&amp; `, L.nameLength));
  const units: ReportAttack['budgetUnit'][] = ['linf', 'l2', 'word-share'];
  const attacks: ReportAttack[] = Array.from({ length: L.attacks }, (_, a) => ({
    id: fill(`attack-${a}-`, L.nameLength),
    name: fill(`Attack ${a} </script> `, L.nameLength),
    knowledge: 'white-box',
    budgetUnit: units[a % units.length],
    params: Object.fromEntries(Array.from({ length: L.params }, (_, k) => [fill(`p${k}_`, L.nameLength), k % 2 ? k : fill('v', L.nameLength)])),
    points: Array.from({ length: L.points }, (_, i) => ({
      budget: i / L.points,
      examples: 500,
      accuracy: 1 - i / L.points,
      successRate: i / L.points,
      meanL2: i ? i / 100 : null,
      meanLinf: i ? i / L.points : null,
      meanQueries: i * 3,
      meanPerturbedWordPercent: a % 3 === 2 ? i / 10 : null,
    })),
  }));
  const image = `data:image/png;base64,${fill('iVBORw0KGgo+/=', L.imageLength - 'data:image/png;base64,'.length)}`;
  const worstExamples: ReportExample[] = Array.from({ length: L.worstExamples }, (_, i) => ({
    index: i,
    trueLabel: i % L.classes,
    originalLabel: i % L.classes,
    adversarialLabel: (i + 1) % L.classes,
    adversarialConfidence: 0.9,
    attackId: attacks[i % L.attacks].id,
    size: 0.1,
    ...(i % 2
      ? {
          originalText: fill('Buy cheap pills now\n', L.messageLength),
          adversarialText: fill('Buy ch\u0435ap p\u200bills now\n', L.messageLength),
          changes: Array.from({ length: L.changes }, (_, k) => fill(`word${k} → w\u0430rd `, L.nameLength)),
        }
      : { originalImage: image, adversarialImage: image }),
  }));
  return {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: '2026-12-03T00:00:00.000Z',
    tool: { name: fill('tool ', L.nameLength), version: fill('1.', L.nameLength) },
    environment: { runtime: 'node', backend: fill('wasm ', L.nameLength), seconds: 1 },
    model: {
      name: fill('model <i>', L.nameLength),
      format: 'layers-model',
      task: 'image',
      inputShape: Array.from({ length: L.inputShapeDims }, () => 2),
      valueRange: [0, 1],
      channelOrder: 'rgb',
      classes,
      output: 'logits',
      parameters: 1e9,
      weightBytes: 256 * 1024 * 1024,
      weightsSha256: 'ab'.repeat(32),
    },
    data: { name: fill('data ', L.nameLength), examples: 500, available: 1e6, perClass: classes.map(() => 50) },
    suite: { id: fill('suite ', L.nameLength), seed: 1, examples: 500 },
    checks: Array.from({ length: L.checks }, (_, i) => ({
      id: 'forward',
      label: fill(`check ${i} `, L.nameLength),
      verdict: 'pass',
      detail: fill('detail & ', L.textLength),
    })),
    clean: { accuracy: 0.9, correct: 450, examples: 500 },
    reference: { attackId: attacks[0].id, budget: 0.1 },
    attacks,
    perClass: classes.map((name, classIndex) => ({ classIndex, name, examples: 50, cleanAccuracy: 0.9, robustAccuracy: (classIndex % 97) / 97 })),
    worstExamples,
    extraction: {
      strategy: fill('pool ', L.nameLength),
      output: fill('probabilities ', L.nameLength),
      substitute: fill('dense ', L.nameLength),
      heldOut: 500,
      points: Array.from({ length: L.points }, (_, i) => ({ queries: (i + 1) * 10, fidelity: i / L.points, accuracy: i / L.points })),
    },
    findings: Array.from({ length: L.findings }, (_, i) => ({ kind: 'evasion', severity: 'high', text: fill(`finding ${i} <script> `, L.textLength) })),
    partial: false,
  };
}
