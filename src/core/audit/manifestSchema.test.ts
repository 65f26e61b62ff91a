import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { validateWeightsManifest, WEIGHTS_MANIFEST_JSON_SCHEMA } from './manifestSchema';

const entry = (extra: object = {}) => ({ name: 'dense/kernel', shape: [3, 2], dtype: 'float32', ...extra });

describe('the weightsManifest schema', () => {
  it('is plain JSON data that compiles on its own (so it can be compiled ahead of time, ajv standalone)', () => {
    const copy = JSON.parse(JSON.stringify(WEIGHTS_MANIFEST_JSON_SCHEMA));
    expect(copy).toEqual(WEIGHTS_MANIFEST_JSON_SCHEMA);
    const validate = new Ajv({ strict: true }).compile(copy);
    expect(validate([{ paths: ['a.bin'], weights: [entry()] }])).toBe(true);
  });

  it('accepts what the converter writes: several groups, int32 and bool, an optimizer group, quantized weights, an empty shape', () => {
    expect(
      validateWeightsManifest([
        { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [entry(), entry({ name: 'step', shape: [], dtype: 'int32', group: 'optimizer' })] },
        {
          paths: ['group2-shard1of1.bin'],
          weights: [entry({ dtype: 'bool' }), entry({ quantization: { dtype: 'uint8', scale: 0.01, min: -1 } }), entry({ quantization: { dtype: 'float16' } })],
        },
        { paths: [], weights: [] },
      ]),
    ).toEqual([]);
  });

  it('names each wrong entry, at most ten', () => {
    expect(validateWeightsManifest({ paths: [] })).toEqual(['weightsManifest must be an array, not object']);
    expect(validateWeightsManifest([{ paths: [''], weights: [entry({ quantization: { dtype: 'int4' } })] }])).toEqual([
      'weightsManifest[0].paths[0] must not be empty',
      'weightsManifest[0].weights[0].quantization.dtype is "int4"; quantized weights must be uint8, uint16, float16',
    ]);
    expect(validateWeightsManifest([{ paths: [], weights: Array.from({ length: 30 }, () => null) }])).toHaveLength(10);
  });
});
