/** The attack contract (testing/attackContract.ts) for every attack in the registry, and test parameters for every catalog entry. */
import { describe, expect, it } from 'vitest';
import { ATTACK_METAS } from './catalog';
import { ATTACKS } from './registry';
import { describeAttackContract } from './testing/attackContract';

describe('the attack catalog', () => {
  it.each(ATTACK_METAS.map((meta) => [meta.id, meta] as const))('entry %s has test parameters its own form accepts', (_id, meta) => {
    expect(meta.testParams, `${meta.id} has no testParams`).toBeDefined();
    const keys = new Set(meta.params.map((p) => p.key));
    expect(Object.keys(meta.testParams ?? {}).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('has an implementation for every entry', () => {
    expect(ATTACKS.map((a) => a.meta)).toEqual([...ATTACK_METAS]);
  });
});

describeAttackContract(() => ATTACKS);
