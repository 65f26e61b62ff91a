/** The text lab's spec (its attack recipe joins when the recipe catalog lands). */
import { SEED_FIELD } from './imageSpec';
import type { FieldTable, LabSpecDef } from './labSpec';

export const TEXT_FIELDS = {
  seed: SEED_FIELD,
} as const satisfies FieldTable;

export const TEXT_SPEC: LabSpecDef<typeof TEXT_FIELDS> = { lab: 'text', version: 1, fields: TEXT_FIELDS };
