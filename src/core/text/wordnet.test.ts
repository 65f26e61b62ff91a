import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_SYNONYMS_PER_WORD,
  buildSynonymTable,
  indexLemmas,
  lemmatize,
  parseWordNetData,
  pluralize,
  synonymCandidates,
  type SynonymTable,
  type Synset,
  type SynsetsByPos,
} from './wordnet';

/** Synsets per part of speech, empty where a test does not need any. */
function wordnet(parts: Partial<Record<keyof SynsetsByPos, Synset[]>>): SynsetsByPos {
  return { noun: [], verb: [], adj: [], adv: [], ...parts };
}

const lemmas =
  (...words: string[]) =>
  (word: string) =>
    words.includes(word);

describe('parseWordNetData', () => {
  // Shaped like WordNet 3.1's data.adj: a licence header, then one synset per line (pointers and gloss follow).
  const DATA = [
    '  1 This software and database is being provided to you, the LICENSEE, by  ',
    '  2 Princeton University under the following license.  ',
    '  3   ',
    '00001740 00 a 01 able 0 005 = 05207437 n 0000 ! 00002098 a 0101 | having the necessary means  ',
    '00014377 00 s 02 Abounding 0 galore(ip) 0 001 & 00013906 a 0000 | existing in abundance  ',
    '00019769 00 s 03 handy 0 ready_to_hand(p) 0 outback(a) 0 000 | easy to reach  ',
    '00020001 00 s 0a one 0 two 1 three 0 four 0 five 0 six 0 seven 0 eight 0 nine 0 ten 2 000 | ten words  ',
    '',
  ].join('\n');

  it('skips the licence lines and reads every synset', () => {
    expect(parseWordNetData(DATA)).toEqual([
      ['able'],
      ['abounding', 'galore'],
      ['handy', 'ready_to_hand', 'outback'],
      ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'],
    ]);
  });

  it('reads the word count as hexadecimal', () => {
    expect(parseWordNetData('00000001 03 n 0B a 0 b 0 c 0 d 0 e 0 f 0 g 0 h 0 i 0 j 0 k 0 000 | eleven')[0]).toHaveLength(11);
  });

  it('accepts Windows line ends', () => {
    expect(parseWordNetData('  1 licence  \r\n00000001 03 n 01 Mail 0 000 | letters\r\n')).toEqual([['mail']]);
  });

  it('throws on a line that is not a synset', () => {
    expect(() => parseWordNetData('00000001 03 n 01 mail 0 000\nnot a synset line')).toThrow(/Line 2/);
    expect(() => parseWordNetData('00000001 03 n 03 mail 0 post 0')).toThrow(/Line 1/);
    expect(() => parseWordNetData('00000001 03 n zz mail 0')).toThrow(/Line 1/);
  });
});

describe('indexLemmas', () => {
  it('maps each lemma to its synsets, once per synset', () => {
    const index = indexLemmas([['offer', 'proffer'], ['bid', 'offer', 'offer'], ['go']]);
    expect(index.get('offer')).toEqual([0, 1]);
    expect(index.get('go')).toEqual([2]);
    expect(index.has('offering')).toBe(false);
  });
});

describe('lemmatize (morphy detachment rules)', () => {
  it('undoes regular noun plurals', () => {
    const isNoun = lemmas('cat', 'bus', 'box', 'waltz', 'church', 'dish', 'woman', 'company');
    expect(lemmatize('cats', 'noun', isNoun)).toEqual(['cat']);
    expect(lemmatize('buses', 'noun', isNoun)).toEqual(['bus']);
    expect(lemmatize('boxes', 'noun', isNoun)).toEqual(['box']);
    expect(lemmatize('waltzes', 'noun', isNoun)).toEqual(['waltz']);
    expect(lemmatize('churches', 'noun', isNoun)).toEqual(['church']);
    expect(lemmatize('dishes', 'noun', isNoun)).toEqual(['dish']);
    expect(lemmatize('women', 'noun', isNoun)).toEqual(['woman']);
    expect(lemmatize('companies', 'noun', isNoun)).toEqual(['company']);
  });

  it('does not strip the "s" of a noun ending in "ss"', () => {
    expect(lemmatize('business', 'noun', lemmas('busines'))).toEqual([]);
    expect(lemmatize('glasses', 'noun', lemmas('glass'))).toEqual(['glass']);
  });

  it('undoes regular verb endings', () => {
    const isVerb = lemmas('make', 'try', 'go', 'hope', 'walk', 'fix');
    expect(lemmatize('makes', 'verb', isVerb)).toEqual(['make']);
    expect(lemmatize('tries', 'verb', isVerb)).toEqual(['try']);
    expect(lemmatize('goes', 'verb', isVerb)).toEqual(['go']);
    expect(lemmatize('fixes', 'verb', isVerb)).toEqual(['fix']);
    expect(lemmatize('hoped', 'verb', isVerb)).toEqual(['hope']);
    expect(lemmatize('walked', 'verb', isVerb)).toEqual(['walk']);
    expect(lemmatize('hoping', 'verb', isVerb)).toEqual(['hope']);
    expect(lemmatize('walking', 'verb', isVerb)).toEqual(['walk']);
  });

  it('undoes regular comparatives and superlatives', () => {
    const isAdj = lemmas('fast', 'large', 'fine');
    expect(lemmatize('faster', 'adj', isAdj)).toEqual(['fast']);
    expect(lemmatize('fastest', 'adj', isAdj)).toEqual(['fast']);
    expect(lemmatize('larger', 'adj', isAdj)).toEqual(['large']);
    expect(lemmatize('finest', 'adj', isAdj)).toEqual(['fine']);
  });

  it('accepts only candidates that are lemmas, and never the word itself', () => {
    expect(lemmatize('walked', 'verb', lemmas())).toEqual([]);
    // Irregular forms need WordNet's exception lists, which the package does not ship.
    expect(lemmatize('running', 'verb', lemmas('run'))).toEqual([]);
    expect(lemmatize('children', 'noun', lemmas('child'))).toEqual([]);
    expect(lemmatize('quickly', 'adv', lemmas('quick'))).toEqual([]);
    expect(lemmatize('s', 'noun', lemmas(''))).toEqual([]);
  });

  it('lists each lemma once when two rules reach it', () => {
    // "es" → "e" and "s" → "" both give "make".
    expect(lemmatize('makes', 'verb', lemmas('make', 'mak'))).toEqual(['make', 'mak']);
  });
});

describe('pluralize', () => {
  it('follows the regular spelling rules', () => {
    expect(['offer', 'day', 'box', 'waltz', 'church', 'dish', 'glass', 'bus', 'company', 'y'].map(pluralize)).toEqual([
      'offers',
      'days',
      'boxes',
      'waltzes',
      'churches',
      'dishes',
      'glasses',
      'buses',
      'companies',
      'ys',
    ]);
  });

  it('gives up where the rules are unreliable', () => {
    expect(pluralize('goods')).toBeUndefined();
    expect(pluralize('analysis')).toBeUndefined();
    expect(pluralize('chairman')).toBeUndefined();
  });
});

describe('buildSynonymTable', () => {
  const FREE = ['free', 'gratis', 'complimentary', 'costless', 'loose', 'rid_of', 'free-lance', 'p2p', 'x'];

  it('collects single-word synonyms: known words by rank, then the rest in code-unit order', () => {
    const table = buildSynonymTable(['the', 'loose', 'free', 'complimentary'], wordnet({ adj: [FREE] }), { source: 'test' });
    expect(table).toEqual({
      version: 1,
      source: 'test',
      synonyms: {
        loose: ['free', 'complimentary', 'costless', 'gratis'],
        free: ['loose', 'complimentary', 'costless', 'gratis'],
        complimentary: ['loose', 'free', 'costless', 'gratis'],
      },
    });
    expect(Object.keys(table.synonyms)).toEqual(['loose', 'free', 'complimentary']);
  });

  it('keeps at most maxPerWord synonyms, the best ranked', () => {
    const synsets = wordnet({ adj: [FREE] });
    const capped = buildSynonymTable(['free', 'loose', 'complimentary'], synsets, { maxPerWord: 2 });
    expect(capped.synonyms.free).toEqual(['loose', 'complimentary']);
    const many = wordnet({ noun: [['word', ...'abcdefghijkl'.split('').map((c) => c + c)]] });
    expect(buildSynonymTable(['word'], many).synonyms.word).toHaveLength(DEFAULT_MAX_SYNONYMS_PER_WORD);
  });

  it('merges the synsets of every part of speech without duplicates', () => {
    const synsets = wordnet({
      noun: [
        ['offer', 'proffer', 'offering'],
        ['bid', 'offer'],
      ],
      verb: [['offer', 'proffer', 'extend']],
    });
    expect(buildSynonymTable(['offer'], synsets).synonyms.offer).toEqual(['bid', 'extend', 'offering', 'proffer']);
  });

  it('pluralises the synonyms of a regular noun plural, dropping those it cannot', () => {
    const synsets = wordnet({ noun: [['box', 'case', 'crate', 'chest', 'businessman', 'goods', 'company']] });
    expect(buildSynonymTable(['boxes'], synsets).synonyms.boxes).toEqual(['cases', 'chests', 'companies', 'crates']);
  });

  it("drops a lemma's own plural or singular listed as its synonym", () => {
    const synsets = wordnet({ noun: [['net', 'profit', 'profits', 'lucre']] });
    expect(buildSynonymTable(['profit'], synsets).synonyms.profit).toEqual(['lucre', 'net']);
  });

  it('offers no base form for a verb or adjective inflection', () => {
    const synsets = wordnet({ verb: [['walk', 'stroll']], adj: [['fast', 'quick']] });
    const table = buildSynonymTable(['walked', 'walking', 'faster', 'walk', 'fast'], synsets);
    expect(table.synonyms).toEqual({ walk: ['stroll'], fast: ['quick'] });
  });

  it('uses an inflected-looking word where it is a lemma of its own', () => {
    const synsets = wordnet({ verb: [['run', 'operate']], adj: [['running', 'operative']] });
    expect(buildSynonymTable(['running'], synsets).synonyms).toEqual({ running: ['operative'] });
  });

  it('reads a lemma that looks plural as a plural only when its singular is a known word', () => {
    const synsets = wordnet({
      noun: [
        ['services', 'work'],
        ['service', 'help'],
        ['gas', 'petrol'],
        ['ga', 'gallium'],
      ],
    });
    expect(buildSynonymTable(['services', 'service'], synsets).synonyms.services).toEqual(['helps', 'work']);
    expect(buildSynonymTable(['services'], synsets).synonyms.services).toEqual(['work']);
    // "ga" is too short to be trusted as a singular, even when known.
    expect(buildSynonymTable(['gas', 'ga'], synsets).synonyms.gas).toEqual(['petrol']);
  });

  it('leaves out stop words, short words, non-letter words and words without synonyms', () => {
    const synsets = wordnet({
      noun: [['can', 'tin', 'toilet'], ['ok', 'okay'], ['e-mail', 'email', 'netmail'], ['mp3', 'audio'], ['spam']],
    });
    const vocabulary = ['can', 'ok', 'e-mail', 'mp3', 'spam', "don't", 'Tin', 'tin'];
    expect(buildSynonymTable(vocabulary, synsets).synonyms).toEqual({ tin: ['can', 'toilet'] });
  });

  it('does not depend on the order of the synsets for the order of the synonyms', () => {
    const a = wordnet({
      noun: [
        ['deal', 'bargain'],
        ['deal', 'trade'],
      ],
      verb: [['deal', 'sell']],
    });
    const b = wordnet({
      noun: [
        ['deal', 'trade'],
        ['deal', 'bargain'],
      ],
      verb: [['sell', 'deal']],
    });
    expect(buildSynonymTable(['deal', 'trade'], a)).toEqual(buildSynonymTable(['deal', 'trade'], b));
    expect(buildSynonymTable(['deal', 'trade'], a).synonyms.deal).toEqual(['trade', 'bargain', 'sell']);
  });
});

describe('synonymCandidates', () => {
  const table: SynonymTable = { version: 1, source: 'test', synonyms: { free: ['loose', 'complimentary'] } };

  it('matches the case of the word in the text', () => {
    expect(synonymCandidates(table, 'free')).toEqual(['loose', 'complimentary']);
    expect(synonymCandidates(table, 'FREE')).toEqual(['LOOSE', 'COMPLIMENTARY']);
    expect(synonymCandidates(table, 'Free')).toEqual(['Loose', 'Complimentary']);
    expect(synonymCandidates(table, 'fREE')).toEqual(['loose', 'complimentary']);
  });

  it('is empty for unknown words, including names of Object.prototype', () => {
    expect(synonymCandidates(table, 'money')).toEqual([]);
    expect(synonymCandidates(table, 'constructor')).toEqual([]);
    expect(synonymCandidates(table, '__proto__')).toEqual([]);
  });

  it('returns a copy the caller may change', () => {
    synonymCandidates(table, 'free').push('gratis');
    expect(table.synonyms.free).toEqual(['loose', 'complimentary']);
  });
});
