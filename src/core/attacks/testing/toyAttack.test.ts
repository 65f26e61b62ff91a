/**
 * Adding an attack is two files: a catalog entry (toyAttack.meta.ts) and its implementation (toyAttack.ts). Imported
 * here and nowhere else, the toy attack appears in the image lab's attack picker and keeps the same contract as the
 * shipped attacks, with no edit to the catalog, the registry or the page.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AttackPicker } from '../../../features/image-attacks/AttackPicker';
import { ATTACK_METAS, getAttackMeta } from '../catalog';
import { defaultParams, getAttack } from '../registry';
import { describeAttackContract } from './attackContract';
import { toyAttack } from './toyAttack';
import { TOY_ATTACK_META } from './toyAttack.meta';

describe('an attack added through its two files', () => {
  it('is in the catalog and the registry, after the shipped attacks', () => {
    expect(ATTACK_METAS.at(-1)).toBe(TOY_ATTACK_META);
    expect(getAttackMeta('toy-random-corner')).toBe(TOY_ATTACK_META);
    expect(getAttack('toy-random-corner')).toBe(toyAttack);
    expect(defaultParams(toyAttack)).toEqual({ eps: 0.3, max_iter: 20 });
  });

  it('is offered by the image lab’s attack picker, under its threat model, with its own form', () => {
    const html = renderToString(createElement(AttackPicker, { attack: TOY_ATTACK_META, params: {}, onAttack: () => undefined, onParams: () => undefined }));
    const labelOnly = /<optgroup label="black-box \(label only\)">(.*?)<\/optgroup>/.exec(html)?.[1] ?? '';
    expect(labelOnly).toContain('<option value="toy-random-corner"');
    expect(labelOnly).toContain('Random corner (toy)');
    // The shipped attacks are still there, and the toy's own parameters make the form.
    expect(html).toContain('<option value="fgsm"');
    expect(html).toContain('Random corners tried per image.');
    expect(html).toContain(TOY_ATTACK_META.threatModel);
  });

  it('cannot take a shipped attack’s id', async () => {
    const { registerAttackMeta } = await import('../catalog');
    expect(() => registerAttackMeta({ ...TOY_ATTACK_META, id: 'fgsm' })).toThrow(/already in the catalog/);
    const { registerAttack } = await import('../registry');
    expect(() => registerAttack({ ...toyAttack, meta: { ...TOY_ATTACK_META } })).toThrow(/catalog entry/);
  });
});

describeAttackContract(() => [toyAttack]);
