import { bim, pgd } from './pgd';
import { carliniWagnerL2 } from './carliniWagner';
import { deepfool } from './deepfool';
import { fgsm } from './fgsm';
import { hopSkipJump } from './hopSkipJump';
import { jsma } from './jsma';
import { mim } from './mim';
import { simba } from './simba';
import { squareAttack } from './square';
import { ATTACK_METAS } from './catalog';
import type { AttackDefinition } from './types';

/**
 * The implementations (worker side), in the order of catalog.ts, whose metas they carry; a test checks they agree.
 * Live like the catalog: an attack's implementation file adds itself with registerAttack.
 */
const registry: AttackDefinition[] = [fgsm, bim, pgd, mim, deepfool, carliniWagnerL2, jsma, simba, squareAttack, hopSkipJump];
export const ATTACKS: readonly AttackDefinition[] = registry;

/**
 * Adds an attack's implementation, whose meta must be the catalog's own entry (registered by its catalog-entry file,
 * which the implementation imports), so the page's forms and the worker's run never disagree. Twice is a no-op.
 */
export function registerAttack<A extends AttackDefinition>(attack: A): A {
  const entry = ATTACK_METAS.find((m) => m.id === attack.meta.id);
  if (entry !== attack.meta) {
    throw new Error(
      `The attack "${attack.meta.id}" must carry its catalog entry: call registerAttackMeta in its catalog-entry file and import that meta here.`,
    );
  }
  const taken = registry.find((a) => a.meta.id === attack.meta.id);
  if (taken && taken !== attack) throw new Error(`An attack called "${attack.meta.id}" is already registered; choose another id.`);
  if (!taken) registry.push(attack);
  return attack;
}

export function getAttack(id: string): AttackDefinition {
  const attack = ATTACKS.find((a) => a.meta.id === id);
  if (!attack) throw new Error(`There is no attack called "${id}". Choose one of: ${ATTACKS.map((a) => a.meta.id).join(', ')}.`);
  return attack;
}

/** Default parameters of an attack, as plain data (for the URL hash and forms). */
export function defaultParams(attack: AttackDefinition): Record<string, number | boolean | string> {
  return Object.fromEntries(attack.meta.params.map((p) => [p.key, p.default]));
}
