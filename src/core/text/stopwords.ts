/**
 * English function words: articles, pronouns, auxiliaries, prepositions, conjunctions, a few frequent adverbs and
 * the contractions the tokenizer keeps as single words ("don't", "it's").
 *
 * A word-level attack leaves these alone: they carry grammar rather than meaning, so WordNet's "synonyms" for them
 * are wrong in almost every sentence ("can" → "tin", "will" → "testament", "it" → "information technology").
 * The list is written for this project, lower-case, with the ASCII apostrophe.
 */

const WORDS = [
  // Articles and determiners
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'any', 'each', 'every', 'no', 'all', 'both', 'either',
  'neither', 'such', 'own', 'same', 'other', 'few', 'more', 'most',
  // Personal, possessive, reflexive and relative pronouns
  'i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'ourselves', 'you', 'your', 'yours', 'yourself',
  'yourselves', 'he', 'him', 'his', 'himself', 'she', 'her', 'hers', 'herself', 'it', 'its', 'itself', 'they',
  'them', 'their', 'theirs', 'themselves', 'what', 'which', 'who', 'whom', 'whose',
  // Auxiliary and modal verbs
  'am', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'having', 'do', 'does', 'did',
  'doing', 'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must',
  // Prepositions
  'about', 'above', 'after', 'against', 'among', 'around', 'at', 'before', 'below', 'between', 'by', 'down',
  'during', 'for', 'from', 'in', 'into', 'of', 'off', 'on', 'out', 'over', 'per', 'since', 'through', 'to', 'under',
  'until', 'up', 'via', 'with', 'without',
  // Conjunctions
  'and', 'but', 'or', 'nor', 'so', 'yet', 'if', 'then', 'than', 'because', 'as', 'while', 'whether', 'although',
  'though', 'unless',
  // Frequent function adverbs
  'not', 'only', 'very', 'too', 'also', 'just', 'here', 'there', 'when', 'where', 'why', 'how', 'again', 'now',
  // Contractions
  "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "won't",
  "wouldn't", "can't", 'cannot', "couldn't", "shouldn't", "i'm", "i've", "i'll", "you're", "you've", "you'll",
  "he's", "she's", "it's", "we're", "we've", "we'll", "they're", "they've", "they'll", "that's", "there's", "what's",
];

export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS);

/**
 * Whether a word, in any case, is a stop word. The typographic apostrophe (U+2019) counts as the ASCII one because
 * the tokenizer accepts both inside a word and mail clients often type "don’t".
 */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase().replaceAll('\u2019', "'"));
}
