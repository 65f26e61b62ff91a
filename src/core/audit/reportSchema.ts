/**
 * The robustness report's JSON Schema (draft-07), and the checks run on every report written and every report
 * imported. A report from a newer schema version is refused with a message; an older one would be upgraded here.
 */
import Ajv from 'ajv';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type RobustnessReport } from './report';

const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strictObject = (properties: Record<string, object>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

const point = strictObject(
  {
    budget: { type: 'number', minimum: 0 },
    examples: { type: 'integer', minimum: 0 },
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
    createdAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    tool: strictObject({ name: str, version: str }),
    environment: strictObject({ runtime: { enum: ['browser', 'node'] }, backend: str, seconds: { type: 'number', minimum: 0 } }),
    model: strictObject(
      {
        name: str,
        format: { enum: ['layers-model', 'graph-model'] },
        task: { enum: ['image', 'text'] },
        inputShape: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 },
        valueRange: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
        channelOrder: { enum: ['grayscale', 'rgb', 'bgr'] },
        classes: { type: 'array', items: str, minItems: 2 },
        output: { enum: ['logits', 'probabilities'] },
        parameters: { type: 'integer', minimum: 0 },
        weightBytes: { type: 'integer', minimum: 0 },
        weightsSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
      ['name', 'format', 'task', 'inputShape', 'classes', 'output', 'parameters', 'weightBytes', 'weightsSha256'],
    ),
    data: strictObject({ name: str, examples: { type: 'integer', minimum: 0 }, available: { type: 'integer', minimum: 0 }, perClass: { type: 'array', items: { type: 'integer', minimum: 0 } } }),
    suite: strictObject({ id: str, seed: int, examples: { type: 'integer', minimum: 0 } }),
    checks: {
      type: 'array',
      items: strictObject({ id: { enum: ['forward', 'output-shape', 'gradients', 'probabilities', 'data'] }, label: str, verdict: { enum: ['pass', 'warn', 'fail'] }, detail: str }),
    },
    clean: strictObject({ accuracy: share, correct: { type: 'integer', minimum: 0 }, examples: { type: 'integer', minimum: 0 } }),
    reference: { oneOf: [{ type: 'null' }, strictObject({ attackId: str, budget: { type: 'number', minimum: 0 } })] },
    attacks: {
      type: 'array',
      items: strictObject(
        {
          id: str,
          name: str,
          knowledge: { enum: ['white-box', 'score-based', 'decision-based', 'black-box'] },
          budgetUnit: { enum: ['linf', 'l2', 'word-share'] },
          defense: { enum: ['none', 'normalizer', 'adaptive'] },
          params: { type: 'object', additionalProperties: { type: ['number', 'boolean', 'string'] } },
          points: { type: 'array', items: point },
          skipped: str,
        },
        ['id', 'name', 'knowledge', 'budgetUnit', 'params', 'points'],
      ),
    },
    perClass: {
      type: 'array',
      items: strictObject({ classIndex: { type: 'integer', minimum: 0 }, name: str, examples: { type: 'integer', minimum: 0 }, cleanAccuracy: share, robustAccuracy: share }),
    },
    worstExamples: {
      type: 'array',
      items: strictObject(
        {
          index: { type: 'integer', minimum: 0 },
          trueLabel: int,
          originalLabel: int,
          adversarialLabel: int,
          adversarialConfidence: share,
          attackId: str,
          size: { type: 'number', minimum: 0 },
          originalImage: { type: 'string', pattern: '^data:image/png;base64,' },
          adversarialImage: { type: 'string', pattern: '^data:image/png;base64,' },
          originalText: str,
          adversarialText: str,
          changes: { type: 'array', items: str },
        },
        ['index', 'trueLabel', 'originalLabel', 'adversarialLabel', 'adversarialConfidence', 'attackId', 'size'],
      ),
    },
    extraction: {
      oneOf: [
        { type: 'null' },
        strictObject(
          {
            strategy: str,
            output: str,
            substitute: str,
            heldOut: { type: 'integer', minimum: 0 },
            points: { type: 'array', items: strictObject({ queries: { type: 'integer', minimum: 0 }, fidelity: share, accuracy: share }) },
            skipped: str,
          },
          ['strategy', 'output', 'substitute', 'heldOut', 'points'],
        ),
      ],
    },
    findings: {
      type: 'array',
      items: strictObject({ kind: { enum: ['evasion', 'extraction', 'defense', 'coverage'] }, severity: { enum: ['high', 'medium', 'low', 'info'] }, text: str }),
    },
    partial: { type: 'boolean' },
  }),
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Every way `value` departs from the schema, as readable lines; empty when it is a valid report. */
export function validateReport(value: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(REPORT_JSON_SCHEMA);
  if (compiled(value)) return [];
  return (compiled.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '(report)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
}

/** Reads a report file a user imports: JSON, the right kind, a version this build knows, and valid. */
export function parseReportJson(text: string, fileName = 'report.json'): RobustnessReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName} is not valid JSON (${(error as Error).message}). Import a report saved by the playground or written by npm run audit.`);
  }
  const header = value as { kind?: unknown; schemaVersion?: unknown } | null;
  if (!header || typeof header !== 'object' || header.kind !== REPORT_KIND) {
    throw new Error(`${fileName} is not a robustness report (its "kind" is ${JSON.stringify(header?.kind ?? null)}, expected "${REPORT_KIND}").`);
  }
  if (typeof header.schemaVersion === 'number' && header.schemaVersion > REPORT_SCHEMA_VERSION) {
    throw new Error(`${fileName} uses report schema version ${header.schemaVersion}; this build reads up to version ${REPORT_SCHEMA_VERSION}. Open it with a newer playground.`);
  }
  const problems = validateReport(value);
  if (problems.length > 0) throw new Error(`${fileName} does not match the report schema: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; ...' : ''}.`);
  return value as RobustnessReport;
}
