/**
 * The goal function, TextAttack's third part: what the search maximises and when it has won. Only the untargeted
 * goal exists (flip the label away from the true class); a targeted or threshold goal would be one more entry.
 */

export type GoalId = 'untargeted';

export interface GoalEntry {
  id: GoalId;
  name: string;
  help: string;
  /** Higher is closer to the goal; the search keeps an edit only when it raises this. */
  score(row: ArrayLike<number>, trueClass: number): number;
  reached(row: ArrayLike<number>, trueClass: number): boolean;
}

/**
 * What the search maximises: the probability of the other classes, summed from their own entries. 1 − p(true)
 * would round to 0 in float32 once the model is very sure (a margin above ~17 nats), and the search would go blind.
 */
export function otherClassMass(row: ArrayLike<number>, trueClass: number): number {
  let mass = 0;
  for (let i = 0; i < row.length; i++) if (i !== trueClass) mass += row[i];
  return mass;
}

export const argMax = (row: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
};

export const GOALS: Readonly<Record<GoalId, GoalEntry>> = {
  untargeted: {
    id: 'untargeted',
    name: 'Flip the label',
    help: 'Any class but the true one: the search raises the probability of the other classes until the label flips.',
    score: otherClassMass,
    reached: (row, trueClass) => argMax(row) !== trueClass,
  },
};
