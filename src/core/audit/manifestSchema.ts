/**
 * The JSON Schema (draft-07) of model.json's "weightsManifest", and the check run on every model.json a user gives
 * before any of its weight files is looked up: each group lists its shard `paths` (strings) and its `weights`, each
 * with a name, a shape of whole numbers and a dtype TensorFlow.js decodes. The schema is plain data, so it can be
 * compiled ahead of time (ajv standalone) as well as at run time here.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { quoteForMessage } from './quote';

/** The weight dtypes tf.io.decodeWeights reads (quantized weights are read through `quantization`, below). */
export const WEIGHT_DTYPES = ['float32', 'int32', 'bool'] as const;
/** Quantized storage tf.io.decodeWeights reads: tensorflowjs_converter's --quantize_uint8, _uint16, _float16. */
export const QUANTIZATION_DTYPES = ['uint8', 'uint16', 'float16'] as const;

const number = { type: 'number' } as const;

export const WEIGHTS_MANIFEST_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'adversarial-playground/weights-manifest',
  type: 'array',
  items: {
    type: 'object',
    properties: {
      paths: { type: 'array', items: { type: 'string', minLength: 1 } },
      weights: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1 },
            shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
            dtype: { enum: [...WEIGHT_DTYPES] },
            group: { type: 'string' },
            quantization: {
              type: 'object',
              properties: { dtype: { enum: [...QUANTIZATION_DTYPES] }, scale: number, min: number },
              required: ['dtype'],
            },
          },
          required: ['name', 'shape', 'dtype'],
        },
      },
    },
    required: ['paths', 'weights'],
  },
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** "/0/weights/2/shape" as a reader finds it in the file: weightsManifest[0].weights[2].shape. */
const placeOf = (instancePath: string) =>
  'weightsManifest' + instancePath.split('/').slice(1).map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`)).join('');

const shown = (value: unknown) => (typeof value === 'string' ? quoteForMessage(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value);

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
      const why = error.data === 'float16' ? ' (TensorFlow.js does not read float16 weights stored as such: re-convert with tensorflowjs_converter --quantize_float16, or as float32)' : '';
      return `${place} is ${shown(error.data)}; the playground reads ${WEIGHT_DTYPES.join(', ')} weights${why}`;
    }
    default:
      return `${place} ${error.message ?? 'is invalid'}`;
  }
}

/** Every way `value` departs from the weights-manifest schema, as sentences naming the entry; empty when it is valid. */
export function validateWeightsManifest(value: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(WEIGHTS_MANIFEST_JSON_SCHEMA);
  if (compiled(value)) return [];
  return (compiled.errors ?? []).slice(0, 10).map(sentence);
}
