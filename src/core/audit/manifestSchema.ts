/**
 * The check run on every model.json a user gives before any of its weight files is looked up, against the schema of
 * its "weightsManifest" (manifestJsonSchema.ts), with the validator compiled ahead of time (validators.generated.js).
 */
import type { ErrorObject } from 'ajv';
import { quoteForMessage } from './quote';
import { validateWeightsManifestJson } from './validators.generated';

import { QUANTIZATION_DTYPES, WEIGHT_DTYPES } from './manifestJsonSchema';

export { QUANTIZATION_DTYPES, WEIGHT_DTYPES, WEIGHTS_MANIFEST_JSON_SCHEMA } from './manifestJsonSchema';

/** "/0/weights/2/shape" as a reader finds it in the file: weightsManifest[0].weights[2].shape. */
const placeOf = (instancePath: string) =>
  'weightsManifest' +
  instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');

const shown = (value: unknown) =>
  typeof value === 'string' ? quoteForMessage(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

function sentence(error: ErrorObject): string {
  const place = placeOf(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return `${place} has no "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'type':
      return `${place} must be ${/^[aeiou]/.test(String(error.params.type)) ? 'an' : 'a'} ${error.params.type}, not ${shown(error.data)}`;
    case 'minimum':
      return `${place} must be a whole number of at least 0, not ${String(error.data)}`;
    case 'minLength':
      return `${place} must not be empty`;
    case 'enum': {
      if (place.endsWith('.quantization.dtype')) return `${place} is ${shown(error.data)}; quantized weights must be ${QUANTIZATION_DTYPES.join(', ')}`;
      const why =
        error.data === 'float16'
          ? ' (TensorFlow.js does not read float16 weights stored as such: re-convert with tensorflowjs_converter --quantize_float16, or as float32)'
          : '';
      return `${place} is ${shown(error.data)}; the playground reads ${WEIGHT_DTYPES.join(', ')} weights${why}`;
    }
    default:
      return `${place} ${error.message ?? 'is invalid'}`;
  }
}

/** Every way `value` departs from the weights-manifest schema, as sentences naming the entry; empty when it is valid. */
export function validateWeightsManifest(value: unknown): string[] {
  if (validateWeightsManifestJson(value)) return [];
  return (validateWeightsManifestJson.errors ?? []).slice(0, 10).map(sentence);
}
