/**
 * Builds <modelDir>/good-words.json, the words of legitimate mail the good-words insertion attack offers: Lowd &
 * Meek's passive list, ranked from how often the training split's ham and spam messages contain each word (see
 * src/core/text/goodWords.ts). Only the training split is read, as for the vocabulary. train-spam.ts calls this
 * after writing the vocabulary; on its own:
 *
 *   npm run build:good-words
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPAM_SPLIT, parseSpamSplit, type SpamExample } from '../src/core/data/spam';
import { rankGoodWords, type GoodWordList } from '../src/core/text/goodWords';
import type { Vocabulary } from '../src/core/text/tokenizer';
import { MODELS_DIR, PROJECT_ROOT } from './paths';
import { formatCount } from '../src/core/format';

export const GOOD_WORDS_FILE = 'good-words.json';

/** Words kept in the list. */
export const GOOD_WORD_COUNT = 200;

export const GOOD_WORDS_SOURCE =
  'Ranked from the training split: log ratio of the share of ham and of spam messages containing each vocabulary ' +
  "word (add-one smoothing, at least 20 ham messages), Lowd & Meek's passive good-word list (CEAS 2005)";

/** The training split the spam model was trained on. */
export const SPAM_TRAIN_PATH = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.train);

export function readSpamSplit(path: string): SpamExample[] {
  return parseSpamSplit(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** The exact text of good-words.json: compact JSON and a final newline. */
export function renderGoodWords(modelDir: string, trainPath = SPAM_TRAIN_PATH): { text: string; list: GoodWordList } {
  const vocabulary = JSON.parse(readFileSync(join(modelDir, 'vocabulary.json'), 'utf8')) as Vocabulary;
  const words = rankGoodWords(readSpamSplit(trainPath), vocabulary, { count: GOOD_WORD_COUNT });
  const list: GoodWordList = { version: 1, source: GOOD_WORDS_SOURCE, words };
  return { text: JSON.stringify(list) + '\n', list };
}

/** Writes <modelDir>/good-words.json from <modelDir>/vocabulary.json and the training split. */
export async function buildGoodWords(modelDir: string, trainPath = SPAM_TRAIN_PATH): Promise<{ words: number; bytes: number }> {
  const { text, list } = renderGoodWords(modelDir, trainPath);
  const bytes = new TextEncoder().encode(text);
  writeFileSync(join(modelDir, GOOD_WORDS_FILE), bytes);
  return { words: list.words.length, bytes: bytes.length };
}

// Run only when executed (tsx scripts/build-good-words.ts), not when train-spam.ts or a test imports this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = join(MODELS_DIR, 'spam-bow');
  const { words, bytes } = await buildGoodWords(dir);
  console.log(`${join(dir, GOOD_WORDS_FILE)}: ${words} good words, ${formatCount(bytes)} bytes`);
}
