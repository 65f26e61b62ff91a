/**
 * Adding a transformation takes two files: a toy one (src/core/text/testing/doubleLetter.ts and its entry), added
 * to a catalog here and nowhere else, shows in the lab's transformation list and passes the same contract tests
 * as the built-in ones.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TEXT_TRANSFORMATIONS, TRANSFORMATION_IDS, transformationsOf } from '../../core/text/catalog';
import { describeTransformationContract } from '../../core/text/testing/contract';
import { DOUBLE_LETTER } from '../../core/text/testing/doubleLetterEntry';
import { TransformationList } from './RecipeFields';

const catalog = [...TEXT_TRANSFORMATIONS, DOUBLE_LETTER];

describe('a toy transformation added through the catalog alone', () => {
  it('is not in the app’s own catalog', () => {
    expect(TRANSFORMATION_IDS).not.toContain(DOUBLE_LETTER.id);
  });

  it('appears in the lab’s transformation list, in its family, with its parameters once chosen', () => {
    const unchosen = renderToString(createElement(TransformationList, { catalog, selected: [], onChange: () => undefined }));
    expect(unchosen).toContain('Double a letter (toy)');
    expect(unchosen).toContain(`data-transformation="${DOUBLE_LETTER.id}"`);
    expect(unchosen).not.toContain('Draws per word');
    // Without the toy in the catalog the list does not show it.
    expect(renderToString(createElement(TransformationList, { selected: [], onChange: () => undefined }))).not.toContain('Double a letter');
    const chosen = renderToString(
      createElement(TransformationList, { catalog, selected: [{ id: DOUBLE_LETTER.id, params: { candidatesPerWord: 4 } }], onChange: () => undefined }),
    );
    expect(chosen).toMatch(/data-transformation="toy-double-letter" checked=""/);
    expect(chosen).toContain('Draws per word');
    expect(chosen).toContain('id="transformation-toy-double-letter-candidatesPerWord"');
    expect(transformationsOf('character', catalog)).toContain(DOUBLE_LETTER.id);
  });
});

describeTransformationContract(catalog, [DOUBLE_LETTER]);
