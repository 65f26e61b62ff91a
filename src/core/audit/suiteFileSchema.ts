/**
 * The JSON Schema of a suite file: the user's own budgets and attack parameters for the robustness audit, read the
 * same way by the page and by `npm run audit -- --suite-file`. Plain data, compiled ahead of time by
 * scripts/build-validators.ts. Every number is bounded, so a file cannot ask for a run that never ends.
 */
export const SUITE_FILE_KIND = 'adversarial-playground/audit-suite';

const budgets = (max: number) => ({ type: 'array', minItems: 1, maxItems: 30, items: { type: 'number', minimum: 0, maximum: max } }) as const;
const count = (max: number) => ({ type: 'integer', minimum: 1, maximum: max }) as const;

export const SUITE_FILE_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'adversarial-playground/audit-suite',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'version', 'base'],
  properties: {
    kind: { const: SUITE_FILE_KIND },
    version: { const: 1 },
    name: { type: 'string', minLength: 1, maxLength: 80 },
    /** The built-in suite the file changes: whatever it leaves out comes from there. */
    base: { enum: ['quick', 'standard'] },
    image: {
      type: 'object',
      additionalProperties: false,
      properties: {
        examples: count(10_000),
        linfBudgets: budgets(1),
        l2Budgets: budgets(100),
        pgdIterations: count(1_000),
        deepfoolIterations: count(1_000),
        square: {
          type: 'object',
          additionalProperties: false,
          properties: { examples: count(10_000), queries: count(100_000), budgets: budgets(1) },
        },
        reference: {
          type: 'object',
          additionalProperties: false,
          required: ['attackId', 'budget'],
          properties: { attackId: { enum: ['pgd', 'square'] }, budget: { type: 'number', minimum: 0, maximum: 1 } },
        },
        extraction: {
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['budgets'],
              properties: {
                budgets: { type: 'array', minItems: 1, maxItems: 20, items: count(100_000) },
                heldOut: count(10_000),
                epochs: count(100),
              },
            },
          ],
        },
      },
    },
    text: {
      type: 'object',
      additionalProperties: false,
      properties: {
        examples: count(10_000),
        budgets: budgets(1),
        maxQueries: count(10_000),
        settings: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { enum: ['none', 'normalizer', 'adaptive'] } },
      },
    },
  },
} as const;
