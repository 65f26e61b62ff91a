/**
 * Array helpers that hold for arrays of any length. `Math.max(...xs)` and `push(...xs)` pass every element as a
 * function argument, and a few hundred thousand arguments overflow the call stack ("Maximum call stack size
 * exceeded"); these loop instead.
 */

/** The largest value, or `empty` for no values. */
export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let max = empty;
  let seen = false;
  for (const v of values) {
    if (!seen || v > max) max = v;
    seen = true;
  }
  return max;
}

/** The smallest value, or `empty` for no values. */
export function minOf(values: Iterable<number>, empty = Infinity): number {
  let min = empty;
  let seen = false;
  for (const v of values) {
    if (!seen || v < min) min = v;
    seen = true;
  }
  return min;
}

/** The index of the largest value (the first one on a tie), -1 for no values. */
export function argMax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i] > values[best]) best = i;
  return best;
}

/** Appends every item to `target`, without spreading them into arguments. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/**
 * At most `max` items, evenly spaced by index, always with the first and the last: a long series drawn as a chart
 * or a table keeps its shape and its ends. Returns `items` itself when it is short enough.
 */
export function sampleEvenly<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  if (max <= 1) return items.slice(0, Math.max(0, max));
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(items[Math.round((k * (items.length - 1)) / (max - 1))]);
  return out;
}
