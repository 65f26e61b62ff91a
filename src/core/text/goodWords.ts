/**
 * The "good words" of a spam filter: words common in legitimate mail and rare in spam. Inserting them is the classic
 * evasion of statistical spam filters (Lowd & Meek, "Good Word Attacks on Statistical Spam Filters", CEAS 2005;
 * their passive attacker builds the list from a sample of legitimate mail, without querying the filter).
 *
 * The list is ranked from labelled training messages by the log ratio of the share of ham and of spam messages
 * that contain the word (add-one smoothing), keeping words the model knows. No tfjs: it runs in the build script.
 */
import { isStopWord } from './stopwords';
import { tokenize, type Vocabulary } from './tokenizer';

export interface GoodWordsOptions {
  /** Words to keep. Default 200. */
  count?: number;
  /** A word must appear in at least this many ham messages. Default 20. */
  minHamMessages?: number;
}

export interface GoodWordList {
  version: 1;
  source: string;
  /** Best first. */
  words: string[];
}

const LETTERS = /^[a-z]{3,}$/;

/** Ham-indicative vocabulary words, best first (ties by word, so the list is the same on every machine). */
export function rankGoodWords(examples: Iterable<{ text: string; label: 0 | 1 }>, vocabulary: Vocabulary, options: GoodWordsOptions = {}): string[] {
  const count = options.count ?? 200;
  const minHam = options.minHamMessages ?? 20;
  const known = new Set(vocabulary.words);
  const inHam = new Map<string, number>();
  const inSpam = new Map<string, number>();
  let hamMessages = 0;
  let spamMessages = 0;
  for (const { text, label } of examples) {
    if (label === 1) spamMessages++;
    else hamMessages++;
    const seen = new Set(tokenize(text).tokens.map((t) => t.text));
    const table = label === 1 ? inSpam : inHam;
    for (const word of seen) table.set(word, (table.get(word) ?? 0) + 1);
  }
  const scored = [...inHam]
    .filter(([word, n]) => n >= minHam && known.has(word) && LETTERS.test(word) && !isStopWord(word))
    .map(([word, n]) => {
      const spam = inSpam.get(word) ?? 0;
      return { word, score: Math.log((n + 1) / (hamMessages + 2)) - Math.log((spam + 1) / (spamMessages + 2)) };
    });
  scored.sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return scored.slice(0, count).map((s) => s.word);
}
