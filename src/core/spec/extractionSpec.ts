/** The extraction lab's spec: the victim and the seed (strategies and substitutes join with their catalog). */
import { MODEL_FIELD, SEED_FIELD } from './imageSpec';
import type { FieldTable, LabSpecDef } from './labSpec';

export const EXTRACTION_FIELDS = {
  model: MODEL_FIELD,
  seed: SEED_FIELD,
} as const satisfies FieldTable;

export const EXTRACTION_SPEC: LabSpecDef<typeof EXTRACTION_FIELDS> = { lab: 'extraction', version: 1, fields: EXTRACTION_FIELDS };
