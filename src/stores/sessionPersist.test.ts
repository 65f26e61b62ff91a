import { describe, expect, it } from 'vitest';
import { replaceTyped, reviveTyped } from './sessionPersist';

describe('session persistence of lab results', () => {
  it('round-trips typed arrays through JSON with their type and values', () => {
    const state = {
      single: { input: Float32Array.from([0, 0.5, 1]), gallery: [{ pixels: Uint8Array.from([0, 255]) }], steps: Int32Array.from([3]) },
      text: 'FREE money',
    };
    const back = JSON.parse(JSON.stringify(state, replaceTyped), reviveTyped) as typeof state;
    expect(back.single.input).toBeInstanceOf(Float32Array);
    expect(Array.from(back.single.input)).toEqual([0, 0.5, 1]);
    expect(back.single.gallery[0].pixels).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.single.gallery[0].pixels)).toEqual([0, 255]);
    expect(back.single.steps).toBeInstanceOf(Int32Array);
    expect(back.text).toBe('FREE money');
  });
  it('leaves look-alike objects of unknown types as they are', () => {
    const odd = { $typed: 'Function', values: [1] };
    expect(JSON.parse(JSON.stringify({ odd }), reviveTyped)).toEqual({ odd });
  });
});
