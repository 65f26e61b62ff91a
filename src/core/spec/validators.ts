/** Each lab's spec validator, compiled ahead of time (scripts/build-validators.ts): no code is compiled at run time. */
import type { SpecValidator } from './labSpec';
import { LABS, labSpecValidatorName, type LabId } from './labs';
import * as generated from './validators.generated';

export const LAB_VALIDATORS = Object.fromEntries(
  LABS.map((lab) => [lab, (generated as unknown as Record<string, SpecValidator>)[labSpecValidatorName(lab)]]),
) as Record<LabId, SpecValidator>;
