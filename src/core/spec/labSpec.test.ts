import { describe, expect, it } from 'vitest';
import { IMAGE_SPEC } from './imageSpec';
import { lockViolations, parseSpecHash, specFromFile, specHashEntries, specToFile, SPEC_FILE_KIND } from './labSpec';
import { LAB_SPEC_LIST, LAB_SPECS } from './labs';
import { LAB_VALIDATORS } from './validators';

const validate = LAB_VALIDATORS.image;
const parse = (hash: string) => parseSpecHash(IMAGE_SPEC, validate, hash, ['lab', 'backend', 'zoom']);

describe('a lab spec in the URL hash', () => {
  it('reads the controls the hash gives and keeps every other at its default', () => {
    const { spec, problems } = parse('#lab=image&view=sweep&sweep=fgsm&n=50&budgets=0,0.3&seed=7');
    expect(problems).toEqual([]);
    expect(spec.values).toMatchObject({ view: 'sweep', sweep: 'fgsm', n: 50, budgets: '0,0.3', seed: 7, model: 'mnist-cnn', digit: 0, attack: 'fgsm' });
  });

  it('writes only what differs from the defaults, and reads back what it wrote', () => {
    const { spec } = parse('#n=50&attack=pgd&params=eps:0.1');
    const entries = specHashEntries(IMAGE_SPEC, spec);
    expect(entries).toEqual([
      ['attack', 'pgd'],
      ['params', 'eps:0.1'],
      ['n', '50'],
    ]);
    expect(parse(`#${new URLSearchParams(entries).toString()}`).spec).toEqual(spec);
    expect(specHashEntries(IMAGE_SPEC, parse('').spec)).toEqual([]);
  });

  it('refuses a bad value with a message naming the control, and keeps the good ones', () => {
    const { spec, problems } = parse('#n=1e9&digit=-4&seed=x&view=sideways&model=mnist-mlp');
    expect(spec.values).toMatchObject({ n: 100, digit: 0, seed: 42, view: 'single', model: 'mnist-mlp' });
    expect(problems.join('\n')).toMatch(/Test digits \(n\): must be <= 2000/);
    expect(problems.join('\n')).toMatch(/Test digit \(digit\): must be >= 0/);
    expect(problems.join('\n')).toMatch(/Seed \(seed\): must be integer/);
    expect(problems.join('\n')).toMatch(/View \(view\): must be equal to one of the allowed values \(one of single, sweep\)/);
  });

  it('checks attack parameters and budgets against the catalog', () => {
    const { spec, problems } = parse('#attack=nope&sweep=fgsm,zzz&budgets=0,99');
    expect(spec.values).toMatchObject({ attack: 'fgsm', params: '', sweep: 'fgsm', budgets: '0,0.05,0.1,0.15,0.2,0.25,0.3' });
    expect(problems).toHaveLength(3);
    expect(parse('#params=eps:-1').problems[0]).toMatch(/Budget ε \(eps\) must be between 0 and 10; got -1/);
  });

  it('holds a lock: a value beyond it is refused with a message, and a bare lock takes the given value', () => {
    const beyond = parse('#params=eps:0.5&lock=eps:0.3');
    expect(beyond.spec.locks).toEqual({ eps: 0.3 });
    expect(beyond.spec.values.params).toBe('');
    expect(beyond.problems).toEqual(['Budget ε (eps) is locked at 0.3 by this setup; 0.5 was refused.']);
    const bare = parse('#n=20&lock=n,eps');
    expect(bare.spec.locks).toEqual({ n: 20, eps: 0.3 });
    expect(bare.problems).toEqual([]);
    const bogus = parse('#lock=nothing:1,n:5000');
    expect(bogus.spec.locks).toEqual({});
    expect(bogus.problems).toHaveLength(2);
  });

  it("caps a sweep's budgets at a locked ε", () => {
    const { spec, problems } = parse('#view=sweep&sweep=fgsm,pgd&budgets=0,0.1,0.2,0.3&lock=eps:0.1');
    expect(spec.values.budgets).toBe('0,0.1');
    expect(problems).toEqual(['ε is locked at 0.1 by this setup: budgets 0.2, 0.3 were refused.']);
  });

  it('hides the controls it names, and says so when it cannot', () => {
    const { spec, problems } = parse('#hide=seed,backend,eps,teapot');
    expect(spec.hidden).toEqual(['seed', 'backend', 'eps']);
    expect(problems).toEqual(['Cannot hide "teapot": the image lab has no such control.']);
  });

  it('survives hostile hashes without throwing', () => {
    for (const hash of ['#%%%', '#lock=%', `#params=${'a:'.repeat(10000)}`, `#lock=${'x,'.repeat(1000)}`, '#hide=' + 'y'.repeat(5000), '#n=', '#n=0x10']) {
      const { spec } = parse(hash);
      expect(spec.values.n).toBeGreaterThanOrEqual(1);
      expect(spec.hidden.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('a lab spec as a setup file', () => {
  const spec = parse('#view=sweep&n=50&lock=n&hide=seed').spec;

  it('round-trips through the file, every value written', () => {
    const file = specToFile(IMAGE_SPEC, spec);
    expect(file).toMatchObject({ kind: SPEC_FILE_KIND, schemaVersion: 1, lab: 'image', specVersion: 1, locks: { n: 50 }, hidden: ['seed'] });
    expect(Object.keys(file.values).sort()).toEqual(Object.keys(IMAGE_SPEC.fields).sort());
    const read = specFromFile(LAB_SPEC_LIST, LAB_VALIDATORS, JSON.stringify(file));
    expect(read.ok && read.spec).toEqual(spec);
  });

  it('refuses a file with any problem whole, naming each', () => {
    const file = specToFile(IMAGE_SPEC, spec);
    const bad = (patch: object) => specFromFile(LAB_SPEC_LIST, LAB_VALIDATORS, JSON.stringify({ ...file, ...patch }));
    const twoBad = bad({ values: { ...file.values, n: 0, view: 'x' } });
    expect(twoBad.ok).toBe(false);
    expect(!twoBad.ok && twoBad.problems.sort()).toEqual([
      'Test digits (n): must be >= 1.',
      'View (view): must be equal to one of the allowed values (one of single, sweep).',
    ]);
    expect(bad({ lab: 'kitchen' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/no lab called|does not have/)] });
    expect(bad({ specVersion: 9 })).toMatchObject({ ok: false, problems: [expect.stringMatching(/version 9/)] });
    expect(bad({ extra: 1 })).toMatchObject({ ok: false });
    expect(bad({ locks: { n: 60 } })).toMatchObject({ ok: false, problems: ['Test digits (n) is locked at 60 by this setup; 50 was refused.'] });
    expect(specFromFile(LAB_SPEC_LIST, LAB_VALIDATORS, 'not json')).toMatchObject({ ok: false });
    expect(specFromFile(LAB_SPEC_LIST, LAB_VALIDATORS, ' '.repeat(70_000))).toMatchObject({ ok: false, problems: [expect.stringMatching(/at most 65,536/)] });
  });

  it('has a compiled validator for every lab', () => {
    for (const def of LAB_SPEC_LIST) {
      const file = specToFile(def, {
        lab: def.lab,
        values: Object.fromEntries(Object.entries(def.fields).map(([k, f]) => [k, f.default])),
        locks: {},
        hidden: [],
      });
      expect(LAB_VALIDATORS[def.lab as keyof typeof LAB_SPECS](file)).toBe(true);
    }
  });
});

describe('the worker-side lock check', () => {
  it('refuses parameters that break a lock, and budgets beyond a locked ε', () => {
    expect(lockViolations({ eps: 0.3 }, { eps: 0.3, max_iter: 10 })).toEqual([]);
    expect(lockViolations({ eps: 0.3 }, { eps: 0.5 }, { eps: 'Budget ε' })).toEqual(['Budget ε (eps) is locked at 0.3; this run asked for 0.5.']);
    expect(lockViolations({ eps: 0.3 }, {}, {}, { key: 'eps', values: [0, 0.1, 0.4] })).toEqual(['eps is locked at 0.3: budgets 0.4 are beyond it.']);
    expect(lockViolations({ seed: 7 }, { seed: 8 })).toHaveLength(1);
  });
});

describe("the image worker's lock checks", () => {
  it('refuse a single attack whose ε, attack or seed break a lock, and pass one that keeps them', async () => {
    const { singleAttackLockViolations, sweepLockViolations } = await import('./imageSpec');
    const run = { model: 'mnist-cnn', attackId: 'fgsm', params: { eps: 0.3 }, seed: 42 };
    expect(singleAttackLockViolations({ eps: 0.3, attack: 'fgsm' }, run)).toEqual([]);
    // A default counts as its value: a locked 0.3 holds for a request that leaves ε out.
    expect(singleAttackLockViolations({ eps: 0.3 }, { ...run, params: {} })).toEqual([]);
    expect(singleAttackLockViolations({ eps: 0.3 }, { ...run, params: { eps: 0.5 } })).toEqual(['Budget ε (eps) is locked at 0.3; this run asked for 0.5.']);
    expect(singleAttackLockViolations({ attack: 'fgsm' }, { ...run, attackId: 'pgd' })).toEqual(['Attack (attack) is locked at fgsm; this run asked for pgd.']);
    expect(singleAttackLockViolations(undefined, { ...run, params: { eps: 9 } })).toEqual([]);
    const sweep = { model: 'mnist-cnn', attacks: [{ id: 'fgsm' }, { id: 'pgd' }], budgets: [0, 0.1, 0.3], count: 100, seed: 42 };
    expect(sweepLockViolations({ eps: 0.3, n: 100 }, sweep)).toEqual([]);
    expect(sweepLockViolations({ eps: 0.1 }, sweep)).toEqual(['Budget ε (eps) is locked at 0.1: budgets 0.3 are beyond it.']);
    expect(sweepLockViolations({ n: 50 }, sweep)).toEqual(['Test digits (n) is locked at 50; this run asked for 100.']);
  });
});

describe("the sweep's per-attack parameters", () => {
  it('round-trip through the hash, defaults left out, bad values refused by name', async () => {
    const { decodeSweepParams, encodeSweepParams } = await import('./imageSpec');
    const text = encodeSweepParams({ pgd: { max_iter: 10, norm: 'inf' }, fgsm: { eps: 0.3 }, nope: { x: 1 } });
    expect(text).toBe('pgd.max_iter:10');
    expect(decodeSweepParams(text)).toEqual({ pgd: { max_iter: 10 } });
    const { spec, problems } = parse('#view=sweep&sp=pgd.max_iter:0,fgsm.norm:2');
    expect(spec.values.sp).toBe('fgsm.norm:2');
    expect(problems).toEqual([expect.stringMatching(/^PGD.*Iterations \(max_iter\) must be between 1 and/)]);
  });
});

describe('the text and extraction labs as specs', () => {
  it("map their stores' setups to flat values and back, defaults writing nothing to the hash", async () => {
    const { TEXT_SPEC, DEFAULT_TEXT_LAB_SETUP, setupFromTextValues, valuesFromTextSetup, textLockViolations } = await import('./textSpec');
    const defaults = valuesFromTextSetup(DEFAULT_TEXT_LAB_SETUP);
    expect(specHashEntries(TEXT_SPEC, { lab: 'text', values: defaults, locks: {}, hidden: [] })).toEqual([]);
    const { spec, problems } = parseSpecHash(
      TEXT_SPEC,
      LAB_VALIDATORS.text,
      '#t=swap,teleport,homoglyph&share=0.3&chars=visible-ascii&defense=adaptive&tp=swap.candidatesPerWord:7',
      [],
    );
    expect(problems).toEqual(['There is no transformation called "teleport"; it is left out.']);
    const setup = setupFromTextValues(spec.values);
    expect(setup.recipe.transformations).toEqual([
      { id: 'swap', params: { candidatesPerWord: 7 } },
      { id: 'homoglyph', params: {} },
    ]);
    expect(setup.recipe.constraints).toMatchObject({ maxWordShare: 0.3, allowedCharacters: 'visible-ascii' });
    expect(setup.setting).toBe('adaptive');
    expect(valuesFromTextSetup(setup)).toEqual(spec.values);
    expect(textLockViolations({ share: 0.1 }, { recipe: setup.recipe, setting: setup.setting, goodWordSource: setup.goodWordSource })).toEqual([
      'Max share of words (share) is locked at 0.1; this run asked for 0.3.',
    ]);
  });

  it('the extraction setup: strategy, parameters and defenses from the hash, bad ones refused by name', async () => {
    const { EXTRACTION_SPEC, setupFromValues, valuesFromSetup, extractionRunLockViolations } = await import('./extractionSpec');
    const { DEFAULT_EXTRACTION_SETUP } = await import('../extraction/catalog');
    expect(
      specHashEntries(EXTRACTION_SPEC, { lab: 'extraction', values: valuesFromSetup(DEFAULT_EXTRACTION_SETUP, 'mnist-cnn', 42), locks: {}, hidden: [] }),
    ).toEqual([]);
    const { spec, problems } = parseSpecHash(
      EXTRACTION_SPEC,
      LAB_VALIDATORS.extraction,
      '#strategy=jacobian&budget=600&per_round=200&defenses=prada,moat&output=label',
      [],
    );
    expect(problems).toEqual(['There is no defense called "moat"; it is left out.']);
    const setup = setupFromValues(spec.values);
    expect(setup).toMatchObject({
      strategy: { id: 'jacobian', params: {} },
      budget: 600,
      queriesPerRound: 200,
      output: { id: 'label' },
      defenses: [{ id: 'prada', params: {} }],
    });
    expect(parseSpecHash(EXTRACTION_SPEC, LAB_VALIDATORS.extraction, '#budget=999999', []).problems[0]).toMatch(/^Query budget \(budget\): must be <= 20000/);
    expect(extractionRunLockViolations({ budget: 400 }, { ...setup, seed: 42 })).toEqual(['Query budget (budget) is locked at 400; this run asked for 600.']);
    expect(extractionRunLockViolations({ budget: 600, strategy: 'jacobian' }, { ...setup, seed: 42 })).toEqual([]);
  });
});
