/**
 * The robustness report's JSON Schema (draft-07) and its size limits. It is compiled ahead of time into plain
 * validator code (scripts/build-validators.ts writes ./validators.generated.js), so the page never compiles code at
 * run time and runs under a Content-Security-Policy without 'unsafe-eval'. After a change here, run
 * `npm run build:validators`; a unit test fails while the generated file is out of date.
 */
import { REPORT_KIND, REPORT_SCHEMA_VERSION } from './report';

/**
 * How large a report may be. The standard suite writes at most a dozen attacks of ten budgets, three extraction
 * points, six worst examples and a handful of checks and findings; the limits are far above that, and low enough
 * that a report at every limit renders in seconds instead of freezing the page.
 */
export const REPORT_LIMITS = {
  attacks: 64,
  /** Budgets per attack, and query budgets of the extraction curve. */
  points: 1_000,
  /** Class names, per-class rows and per-class counts. */
  classes: 10_000,
  inputShapeDims: 8,
  checks: 32,
  findings: 256,
  worstExamples: 24,
  /** Edits listed for one text example. */
  changes: 1_000,
  /** Parameters of one attack. */
  params: 64,
  /** Names, ids, labels, class names and parameter values. */
  nameLength: 200,
  /** Check details, findings and reasons for a skip. */
  textLength: 10_000,
  /** One message of a text example, before or after the attack. */
  messageLength: 100_000,
  /** One image of an example, as a PNG data URL. */
  imageLength: 500_000,
} as const;

const L = REPORT_LIMITS;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const name = { type: 'string', maxLength: L.nameLength } as const;
const text = { type: 'string', maxLength: L.textLength } as const;
const count = { type: 'integer', minimum: 0 } as const;
const int = { type: 'integer' } as const;
const list = (items: object, maxItems: number, minItems?: number) => ({ type: 'array', items, maxItems, ...(minItems === undefined ? {} : { minItems }) });
const strictObject = (properties: Record<string, object>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const pngDataUrl = { type: 'string', pattern: '^data:image/png;base64,', maxLength: L.imageLength } as const;
const message = { type: 'string', maxLength: L.messageLength } as const;

const point = strictObject(
  {
    budget: { type: 'number', minimum: 0 },
    examples: count,
    accuracy: share,
    successRate: share,
    meanL2: nullableNumber,
    meanLinf: nullableNumber,
    meanQueries: nullableNumber,
    meanPerturbedWordPercent: nullableNumber,
  },
  ['budget', 'examples', 'accuracy', 'successRate', 'meanL2', 'meanLinf', 'meanQueries'],
);

export const REPORT_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://adversarial-playground.invalid/schemas/robustness-report-v1.json',
  title: 'Adversarial Playground robustness report',
  ...strictObject({
    kind: { const: REPORT_KIND },
    schemaVersion: { const: REPORT_SCHEMA_VERSION },
    createdAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T', maxLength: 64 },
    tool: strictObject({ name, version: name }),
    environment: strictObject({ runtime: { enum: ['browser', 'node'] }, backend: name, seconds: { type: 'number', minimum: 0 } }),
    model: strictObject(
      {
        name,
        format: { enum: ['layers-model', 'graph-model'] },
        task: { enum: ['image', 'text'] },
        inputShape: list({ type: 'integer', minimum: 1 }, L.inputShapeDims, 1),
        valueRange: list({ type: 'number' }, 2, 2),
        channelOrder: { enum: ['grayscale', 'rgb', 'bgr'] },
        classes: list(name, L.classes, 2),
        output: { enum: ['logits', 'probabilities'] },
        parameters: count,
        weightBytes: count,
        weightsSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
      ['name', 'format', 'task', 'inputShape', 'classes', 'output', 'parameters', 'weightBytes', 'weightsSha256'],
    ),
    data: strictObject({ name, examples: count, available: count, perClass: list(count, L.classes) }),
    suite: strictObject({ id: name, seed: int, examples: count }),
    checks: list(
      strictObject({
        id: { enum: ['forward', 'output-shape', 'gradients', 'probabilities', 'data'] },
        label: name,
        verdict: { enum: ['pass', 'warn', 'fail'] },
        detail: text,
      }),
      L.checks,
    ),
    clean: strictObject({ accuracy: share, correct: count, examples: count }),
    reference: { oneOf: [{ type: 'null' }, strictObject({ attackId: name, budget: { type: 'number', minimum: 0 } })] },
    attacks: list(
      strictObject(
        {
          id: name,
          name,
          knowledge: { enum: ['white-box', 'score-based', 'decision-based', 'black-box'] },
          budgetUnit: { enum: ['linf', 'l2', 'word-share'] },
          defense: { enum: ['none', 'normalizer', 'adaptive'] },
          params: {
            type: 'object',
            maxProperties: L.params,
            propertyNames: { maxLength: L.nameLength },
            additionalProperties: { type: ['number', 'boolean', 'string'], maxLength: L.nameLength },
          },
          points: list(point, L.points),
          skipped: text,
        },
        ['id', 'name', 'knowledge', 'budgetUnit', 'params', 'points'],
      ),
      L.attacks,
    ),
    perClass: list(strictObject({ classIndex: count, name, examples: count, cleanAccuracy: share, robustAccuracy: share }), L.classes),
    worstExamples: list(
      strictObject(
        {
          index: count,
          trueLabel: int,
          originalLabel: int,
          adversarialLabel: int,
          adversarialConfidence: share,
          attackId: name,
          size: { type: 'number', minimum: 0 },
          originalImage: pngDataUrl,
          adversarialImage: pngDataUrl,
          originalText: message,
          adversarialText: message,
          changes: list(name, L.changes),
        },
        ['index', 'trueLabel', 'originalLabel', 'adversarialLabel', 'adversarialConfidence', 'attackId', 'size'],
      ),
      L.worstExamples,
    ),
    extraction: {
      oneOf: [
        { type: 'null' },
        strictObject(
          {
            strategy: name,
            output: name,
            substitute: name,
            heldOut: count,
            points: list(strictObject({ queries: count, fidelity: share, accuracy: share }), L.points),
            skipped: text,
          },
          ['strategy', 'output', 'substitute', 'heldOut', 'points'],
        ),
      ],
    },
    findings: list(
      strictObject({ kind: { enum: ['evasion', 'extraction', 'defense', 'coverage'] }, severity: { enum: ['high', 'medium', 'low', 'info'] }, text }),
      L.findings,
    ),
    partial: { type: 'boolean' },
  }),
} as const;
