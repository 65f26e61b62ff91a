/** Generates derived data that is missing (run by install, dev, build and test). Cheap when nothing is missing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SPAM_SPLIT } from '../src/core/data/spam';
import { MNIST_DATA_DIR } from './paths';
import { prepareMnist } from './prepare-mnist';
import { prepareSpam, SPAM_DATA_DIR } from './prepare-spam';

const force = process.argv.includes('--force');
if (force || !existsSync(join(MNIST_DATA_DIR, 'split.json'))) {
  const started = Date.now();
  prepareMnist(MNIST_DATA_DIR);
  console.log(`MNIST split written to ${MNIST_DATA_DIR} in ${Date.now() - started} ms`);
}

if (force || !existsSync(join(SPAM_DATA_DIR, SPAM_SPLIT.files.meta))) {
  const started = Date.now();
  const stats = prepareSpam(SPAM_DATA_DIR);
  console.log(
    `Spam split written to ${SPAM_DATA_DIR} in ${Date.now() - started} ms: ${stats.read} messages read, ` +
      `${stats.droppedEmpty} empty, ${stats.duplicates} duplicates, ${stats.keptPerClass.spam} spam and ` +
      `${stats.keptPerClass.ham} ham kept`,
  );
}
