/** What the playground knows and shows about a model. Written by the training scripts, read by the UI and tests. */
export interface ModelCard {
  id: string;
  name: string;
  task: 'image-classification' | 'text-classification';
  description: string;
  architecture: {
    summary: string;
    layers: { name: string; type: string; outputShape: string; params: number }[];
  };
  parameters: number;
  input: { shape: number[]; range: [number, number]; description: string };
  output: 'logits' | 'probabilities';
  classes: string[];
  training: {
    data: string;
    splitSeed: number;
    trainSize: number;
    testSize: number;
    epochs: number;
    batchSize: number;
    optimizer: string;
    augmentation: string;
    learningRate: number;
    schedule: string;
    seed: number;
    backend: string;
    seconds: number;
    command: string;
  };
  metrics: { trainAccuracy: number; testAccuracy: number; testCorrect: number };
  weights: { files: { path: string; bytes: number; sha256: string }[] };
  created: string;
}
