/** The catalog entry of the toy transformation: all a new transformation needs besides its implementation file. */
import { TRANSFORMATION_PARAMS } from '../catalog';
import type { TransformationEntry } from '../transformation';
import { doubleLetter } from './doubleLetter';

export const DOUBLE_LETTER: TransformationEntry = {
  id: 'toy-double-letter',
  name: 'Double a letter (toy)',
  family: 'character',
  help: 'Write one letter of the word twice: a typo one insertion away.',
  params: [TRANSFORMATION_PARAMS.candidatesPerWord],
  editCost: 'levenshtein',
  position: 'replace',
  needs: [],
  testParams: { words: ['viagra', 'offer'], params: { candidatesPerWord: 2 } },
  implementation: doubleLetter,
};
