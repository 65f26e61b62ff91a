import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = join(PROJECT_ROOT, 'models');
export const MNIST_DATA_DIR = join(PROJECT_ROOT, 'public', 'data', 'mnist');
