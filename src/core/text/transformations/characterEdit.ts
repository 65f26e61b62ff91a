/**
 * A character or Unicode perturbation of ../perturbations.ts as a transformation: `candidatesPerWord` seeded draws
 * on the ranked word (DeepWordBug's and TextBugger's typos, Boucher et al.'s invisible characters and look-alikes).
 */
import type { Perturbation } from '../perturbations';
import type { TransformationImplementation } from '../transformation';

export function characterEdit(perturbation: Perturbation): TransformationImplementation {
  return {
    candidates({ word, rng, params }) {
      const out: string[] = [];
      for (let draw = 0; draw < Number(params.candidatesPerWord); draw++) {
        const after = perturbation.apply(word, rng);
        if (after !== undefined) out.push(after);
      }
      return out;
    },
  };
}
