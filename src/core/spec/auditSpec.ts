/** The audit lab's spec: the suite, the seed, and the address of a model to load (files cannot travel in a link). */
import { SEED_FIELD } from './imageSpec';
import type { FieldTable, LabSpecDef } from './labSpec';

export const AUDIT_FIELDS = {
  suite: { kind: 'enum', label: 'Suite', default: 'quick', choices: ['quick', 'standard'] },
  seed: SEED_FIELD,
  /** A model.json address typed in the URL box; loading it stays the user's click. */
  url: { kind: 'string', label: 'Model URL', default: '', maxLength: 2000 },
} as const satisfies FieldTable;

export const AUDIT_SPEC: LabSpecDef<typeof AUDIT_FIELDS> = { lab: 'audit', version: 1, fields: AUDIT_FIELDS };
