/**
 * The extraction lab's spec: the victim, the seed, and the setup from the extraction catalog (strategy, substitute,
 * budget, output mode, defenses, each with its parameters), flattened to one value per control for the URL.
 */
import { decodeGroupedParams, decodeParams, encodeGroupedParams, encodeParams } from '../attacks/paramCodec';
import { readParams } from '../attacks/params';
import {
  DEFAULT_EXTRACTION_SETUP,
  DEFENSE_METAS,
  MAX_EXTRACTION_BUDGET,
  OUTPUT_MODE_METAS,
  STRATEGY_METAS,
  SUBSTITUTE_METAS,
  setupProblem,
  type CatalogEntry,
  type Chosen,
  type DefenseId,
  type ExtractionSetup,
  type OutputModeId,
  type StrategyId,
  type SubstituteId,
} from '../extraction/catalog';
import { MODEL_FIELD, SEED_FIELD } from './imageSpec';
import { lockViolations, type FieldTable, type LabSpecDef, type SpecValue, type ValuesOf } from './labSpec';

const ids = (entries: readonly CatalogEntry[]) => entries.map((e) => e.id);
const IDS = '^[a-z0-9-]{1,40}(,[a-z0-9-]{1,40}){0,9}$|^$';

export const EXTRACTION_FIELDS = {
  model: MODEL_FIELD,
  seed: SEED_FIELD,
  strategy: { kind: 'enum', label: 'Query strategy', default: DEFAULT_EXTRACTION_SETUP.strategy.id, choices: ids(STRATEGY_METAS) },
  /** The strategy's parameters that differ from their defaults ("lambda:0.2"), as for attacks. */
  sparams: { kind: 'string', label: 'Strategy parameters', default: '', maxLength: 500 },
  substitute: { kind: 'enum', label: 'Substitute', default: DEFAULT_EXTRACTION_SETUP.substitute.id, choices: ids(SUBSTITUTE_METAS) },
  subparams: { kind: 'string', label: 'Substitute parameters', default: '', maxLength: 500 },
  budget: { kind: 'int', label: 'Query budget', default: DEFAULT_EXTRACTION_SETUP.budget, min: 1, max: MAX_EXTRACTION_BUDGET },
  per_round: { kind: 'int', label: 'Queries per round', default: DEFAULT_EXTRACTION_SETUP.queriesPerRound, min: 1, max: MAX_EXTRACTION_BUDGET },
  output: { kind: 'enum', label: 'Output mode', default: DEFAULT_EXTRACTION_SETUP.output.id, choices: ids(OUTPUT_MODE_METAS) },
  oparams: { kind: 'string', label: 'Output parameters', default: '', maxLength: 500 },
  /** The defenses on, in order ("prada,gaussian-noise"; empty: none). */
  defenses: { kind: 'string', label: 'Defenses', default: DEFAULT_EXTRACTION_SETUP.defenses.map((d) => d.id).join(','), maxLength: 200, pattern: IDS },
  /** The defenses' parameters that differ from their defaults ("prada.delta:0.9"). */
  dparams: { kind: 'string', label: 'Defense parameters', default: '', maxLength: 500 },
} as const satisfies FieldTable;

export type ExtractionSpecValues = ValuesOf<typeof EXTRACTION_FIELDS>;

const find = <Id extends string>(entries: readonly CatalogEntry<Id>[], id: string) => entries.find((e) => e.id === id);
const chosenOf = <Id extends string>(entries: readonly CatalogEntry<Id>[], id: string, text: string): Chosen<Id> => {
  const entry = find(entries, id)!;
  return { id: entry.id, params: decodeParams(entry.params, text) };
};

const defenseParamsOf = (id: string) => find(DEFENSE_METAS, id)?.params;

/** The catalog setup a spec's values describe (victim and seed stay with the app's model and seed). */
export function setupFromValues(values: ExtractionSpecValues): ExtractionSetup {
  const byDefense = decodeGroupedParams(values.dparams, defenseParamsOf);
  return {
    strategy: chosenOf<StrategyId>(STRATEGY_METAS, values.strategy, values.sparams),
    substitute: chosenOf<SubstituteId>(SUBSTITUTE_METAS, values.substitute, values.subparams),
    budget: values.budget,
    queriesPerRound: values.per_round,
    output: chosenOf<OutputModeId>(OUTPUT_MODE_METAS, values.output, values.oparams),
    defenses: values.defenses
      .split(',')
      .filter((id) => find(DEFENSE_METAS, id))
      .map((id) => ({ id: id as DefenseId, params: byDefense[id] ?? {} })),
  };
}

/** The inverse: a setup as flat values (parameters at their defaults left out). */
export function valuesFromSetup(setup: ExtractionSetup, model: string, seed: number): ExtractionSpecValues {
  const encode = (entries: readonly CatalogEntry[], chosen: Chosen<string>) => encodeParams(find(entries, chosen.id)?.params ?? [], chosen.params);
  return {
    model: setup.victimId ?? model,
    seed: setup.seed ?? seed,
    strategy: setup.strategy.id,
    sparams: encode(STRATEGY_METAS, setup.strategy),
    substitute: setup.substitute.id,
    subparams: encode(SUBSTITUTE_METAS, setup.substitute),
    budget: setup.budget,
    per_round: setup.queriesPerRound,
    output: setup.output.id,
    oparams: encode(OUTPUT_MODE_METAS, setup.output),
    defenses: setup.defenses.map((d) => d.id).join(','),
    dparams: encodeGroupedParams(Object.fromEntries(setup.defenses.map((d) => [d.id, d.params])), defenseParamsOf),
  };
}

export const EXTRACTION_SPEC: LabSpecDef<typeof EXTRACTION_FIELDS> = {
  lab: 'extraction',
  version: 1,
  fields: EXTRACTION_FIELDS,
  refine: (values) => {
    const problems: string[] = [];
    const unknown = values.defenses.split(',').filter((id) => id && !find(DEFENSE_METAS, id));
    let out = values;
    if (unknown.length) {
      problems.push(`There is no defense called ${unknown.map((id) => `"${id}"`).join(', ')}; it is left out.`);
      out = {
        ...out,
        defenses: out.defenses
          .split(',')
          .filter((id) => find(DEFENSE_METAS, id))
          .join(','),
      };
    }
    // Each part's parameters, checked by its catalog entry: a bad one names itself and that part takes its defaults.
    for (const [key, entries, id] of [
      ['sparams', STRATEGY_METAS, out.strategy],
      ['subparams', SUBSTITUTE_METAS, out.substitute],
      ['oparams', OUTPUT_MODE_METAS, out.output],
    ] as const) {
      const entry = find(entries as readonly CatalogEntry[], id)!;
      try {
        readParams(entry.params, decodeParams(entry.params, out[key]));
      } catch (error) {
        problems.push(`${entry.name}: ${(error as Error).message} Its defaults are used.`);
        out = { ...out, [key]: '' };
      }
    }
    for (const defense of setupFromValues(out).defenses) {
      const entry = find(DEFENSE_METAS, defense.id)!;
      try {
        readParams(entry.params, defense.params);
      } catch (error) {
        problems.push(`${entry.name}: ${(error as Error).message} Its defaults are used.`);
        out = {
          ...out,
          dparams: out.dparams
            .split(',')
            .filter((item) => !item.startsWith(`${defense.id}.`))
            .join(','),
        };
      }
    }
    // The catalog's own check (budget and rounds) names what is wrong.
    const problem = setupProblem(setupFromValues(out));
    if (problem) {
      problems.push(`${problem} The default setup is used.`);
      out = { ...valuesFromSetup(DEFAULT_EXTRACTION_SETUP, out.model, out.seed) };
    }
    return { values: out, problems };
  },
};

/**
 * What the attacker worker checks before a run: every locked control it runs (strategy, substitute, their
 * parameters, budget, rounds, seed) holds its locked value in the request.
 */
export function extractionRunLockViolations(
  locks: Record<string, SpecValue> | undefined,
  run: Pick<ExtractionSetup, 'strategy' | 'substitute' | 'budget' | 'queriesPerRound'> & { seed: number },
): string[] {
  if (!locks || Object.keys(locks).length === 0) return [];
  const labels = Object.fromEntries(Object.entries(EXTRACTION_FIELDS).map(([key, field]) => [key, field.label]));
  const { strategy, sparams, substitute, subparams, budget, per_round, seed } = valuesFromSetup({ ...DEFAULT_EXTRACTION_SETUP, ...run }, '', run.seed);
  return lockViolations(locks, { strategy, sparams, substitute, subparams, budget, per_round, seed }, labels);
}
