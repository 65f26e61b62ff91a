import { bim, pgd } from './pgd';
import { carliniWagnerL2 } from './carliniWagner';
import { deepfool } from './deepfool';
import { fgsm } from './fgsm';
import { hopSkipJump } from './hopSkipJump';
import { jsma } from './jsma';
import { mim } from './mim';
import { simba } from './simba';
import { squareAttack } from './square';
import type { AttackDefinition } from './types';

/** The implementations (worker side), in the order of catalog.ts, whose metas they carry; a test checks they agree. */
export const ATTACKS: readonly AttackDefinition[] = [fgsm, bim, pgd, mim, deepfool, carliniWagnerL2, jsma, simba, squareAttack, hopSkipJump];

export function getAttack(id: string): AttackDefinition {
  const attack = ATTACKS.find((a) => a.meta.id === id);
  if (!attack) throw new Error(`There is no attack called "${id}". Choose one of: ${ATTACKS.map((a) => a.meta.id).join(', ')}.`);
  return attack;
}

/** Default parameters of an attack, as plain data (for the URL hash and forms). */
export function defaultParams(attack: AttackDefinition): Record<string, number | boolean | string> {
  return Object.fromEntries(attack.meta.params.map((p) => [p.key, p.default]));
}
