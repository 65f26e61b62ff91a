/** Generates derived data that is missing (run by install, dev, build and test). Cheap when nothing is missing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MNIST_DATA_DIR } from './paths';
import { prepareMnist } from './prepare-mnist';

const force = process.argv.includes('--force');
if (force || !existsSync(join(MNIST_DATA_DIR, 'split.json'))) {
  const started = Date.now();
  prepareMnist(MNIST_DATA_DIR);
  console.log(`MNIST split written to ${MNIST_DATA_DIR} in ${Date.now() - started} ms`);
}
