/**
 * The JSON Schema (draft-07) of model.json's "weightsManifest": each group lists its shard `paths` (strings) and its
 * `weights`, each with a name, a shape of whole numbers and a dtype TensorFlow.js decodes. Plain data, imported by
 * scripts/build-validators.ts, which compiles it ahead of time (no ajv at run time, for the Content-Security-Policy).
 */
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
