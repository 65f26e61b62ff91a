import * as tf from '@tensorflow/tfjs';

/** Architectures the project trains: the bundled targets, and later the extraction lab's substitutes. */
export type ArchitectureId = 'mnist-cnn' | 'mnist-mlp';

export interface ArchitectureOptions {
  inputShape: [number, number, number];
  numClasses: number;
  /** Seeds every initializer, so a training run can be repeated exactly. */
  seed: number;
}

const seeded = (seed: number, k: number) => tf.initializers.glorotUniform({ seed: seed + k });

/** Two 3x3 conv layers with max pooling, then a small dense head. Outputs logits (no softmax). */
function buildCnn({ inputShape, numClasses, seed }: ArchitectureOptions): tf.LayersModel {
  return tf.sequential({
    name: 'mnist_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape, filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(seed, 1) }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(seed, 2) }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense1', units: 128, activation: 'relu', kernelInitializer: seeded(seed, 3) }),
      tf.layers.dense({ units: numClasses, kernelInitializer: seeded(seed, 4), name: 'logits' }),
    ],
  });
}

/** A dense network: fast to train, a second target and a cheap substitute. Outputs logits. */
function buildMlp({ inputShape, numClasses, seed }: ArchitectureOptions): tf.LayersModel {
  return tf.sequential({
    name: 'mnist_mlp',
    layers: [
      tf.layers.flatten({ name: 'flatten', inputShape }),
      tf.layers.dense({ name: 'dense1', units: 256, activation: 'relu', kernelInitializer: seeded(seed, 1) }),
      tf.layers.dense({ name: 'dense2', units: 128, activation: 'relu', kernelInitializer: seeded(seed, 2) }),
      tf.layers.dense({ units: numClasses, kernelInitializer: seeded(seed, 3), name: 'logits' }),
    ],
  });
}

export const ARCHITECTURES: Record<ArchitectureId, { description: string; build: (o: ArchitectureOptions) => tf.LayersModel }> =
  {
    'mnist-cnn': {
      description: 'conv 3x3x16 + ReLU, max-pool 2, conv 3x3x32 + ReLU, max-pool 2, dense 128 + ReLU, dense 10 (logits)',
      build: buildCnn,
    },
    'mnist-mlp': {
      description: 'flatten, dense 256 + ReLU, dense 128 + ReLU, dense 10 (logits)',
      build: buildMlp,
    },
  };

/** One line per layer, for model cards and the UI. */
export function describeLayers(model: tf.LayersModel): { name: string; type: string; outputShape: string; params: number }[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: JSON.stringify(layer.outputShape).replace(/null/g, 'N'),
    params: layer.countParams(),
  }));
}
