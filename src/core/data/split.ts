import { createRng, shuffleInPlace } from './rng';
import { pushAll } from '../arrays';

/**
 * A deterministic stratified split: each class gives the same share to the test set (largest-remainder rounding
 * so the test set has exactly `testSize` items), and both sets are shuffled with the same seeded generator.
 */
export function stratifiedSplit(labels: ArrayLike<number>, testSize: number, seed: number): { train: number[]; test: number[] } {
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (byClass.get(c)!.length * testSize) / labels.length);
  const quota = exact.map(Math.floor);
  let missing = testSize - quota.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, k) => k).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b);
  for (const k of byRemainder) {
    if (missing <= 0) break;
    quota[k]++;
    missing--;
  }
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = shuffleInPlace([...byClass.get(c)!], rng);
    pushAll(test, members.slice(0, quota[k]));
    pushAll(train, members.slice(quota[k]));
  });
  return { train: shuffleInPlace(train, rng), test: shuffleInPlace(test, rng) };
}
