/**
 * Every lab's spec, by lab id: the tabs, the URL hash, the setup files and the validators all come from this list.
 * Adding a lab: its spec file here, one line below, and its page in src/app/labs.tsx.
 */
import { AUDIT_SPEC } from './auditSpec';
import { EXTRACTION_SPEC } from './extractionSpec';
import { IMAGE_SPEC } from './imageSpec';
import type { LabSpecDef } from './labSpec';
import { TEXT_SPEC } from './textSpec';

export const LAB_SPECS = {
  image: IMAGE_SPEC,
  text: TEXT_SPEC,
  extraction: EXTRACTION_SPEC,
  audit: AUDIT_SPEC,
} as const;

export type LabId = keyof typeof LAB_SPECS;
export const LABS = Object.keys(LAB_SPECS) as LabId[];
export const LAB_SPEC_LIST: readonly LabSpecDef[] = Object.values(LAB_SPECS) as readonly LabSpecDef[];

/** The export of the generated validators module (scripts/build-validators.ts) that checks a lab's spec. */
export const labSpecValidatorName = (lab: string) => `validateLabSpec${lab.charAt(0).toUpperCase()}${lab.slice(1)}`;
