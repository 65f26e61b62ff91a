/**
 * The substitute architectures the attacker can train, keyed by the ids of SUBSTITUTE_METAS in catalog.ts (a test
 * checks they agree): each is one of the project's architectures, built with seeded initial weights.
 */
import type * as tf from '@tensorflow/tfjs';
import { ARCHITECTURES, type ArchitectureOptions } from '../models/architectures';
import { getSubstituteMeta, type CatalogEntry, type SubstituteId } from './catalog';

export interface SubstituteDefinition extends CatalogEntry<SubstituteId> {
  /** The layers, in one line, for the substitute's model card. */
  layers: string;
  build(options: ArchitectureOptions): tf.LayersModel;
}

const substitute = (id: SubstituteId): SubstituteDefinition => ({
  ...getSubstituteMeta(id),
  layers: ARCHITECTURES[id].description,
  build: ARCHITECTURES[id].build,
});

export const SUBSTITUTES: Record<SubstituteId, SubstituteDefinition> = {
  'mnist-mlp': substitute('mnist-mlp'),
  'mnist-cnn': substitute('mnist-cnn'),
};
