/**
 * Batch mode: one or more text attacks over a set of labelled messages, with and without the normalizer defense,
 * summarised in TextAttack's table (original accuracy, accuracy under attack, attack success rate, average
 * perturbed word %, average queries) and as accuracy against the word budget.
 *
 * Three settings, so the lab does not teach a false sense of security:
 * - 'none': the attack is crafted on the bare model and judged by it;
 * - 'normalizer': the same attack (crafted on the bare model, e.g. on a copy) is sent through the normalizer;
 * - 'adaptive': the attacker knows the normalizer and crafts against normalizer + model (Tramèr et al.,
 *   "On Adaptive Attacks to Adversarial Example Defenses", NeurIPS 2020, for why this is the setting that counts).
 */
import { createRng } from '../data/rng';
import { isStopped, type RunControl } from '../run/control';
import {
  attackText,
  textAfterEdits,
  withNormalizer,
  wordBudget,
  type TextAttackContext,
  type TextAttackResult,
  type TextAttackStatus,
  type TextVictim,
} from './attack';
import { argMax } from './goals';
import type { WordGain } from './rankings';
import { toRecipe, type TextAttackOptions, type TextRecipe } from './recipe';
import type { TransformationEntry } from './transformation';
import { normalizeText } from './normalize';
import { tokenize } from './tokenizer';

export type DefenseSetting = 'none' | 'normalizer' | 'adaptive';

export const DEFENSE_SETTINGS: Readonly<Record<DefenseSetting, { label: string; description: string }>> = {
  none: { label: 'No defense', description: 'Crafted on the bare model, judged by the bare model.' },
  normalizer: {
    label: 'Normalizer, attacker unaware',
    description: 'Crafted on the bare model, then sent through the normalizer before the model.',
  },
  adaptive: {
    label: 'Normalizer, adaptive attacker',
    description: 'The attacker queries normalizer + model, so only perturbations that survive it are kept.',
  },
};

export interface LabelledText {
  text: string;
  label: number;
}

/** One attack of a batch: a recipe, or the older flat options (the default, for scripts and the audit). */
export interface BatchAttack<Options extends TextRecipe | TextAttackOptions = TextAttackOptions> {
  id: string;
  label: string;
  options: Options;
}

/** What the model, its tables and the white-box access are; the batch builds the victims from them. */
export interface BatchResources {
  model: TextVictim;
  wordGain?: WordGain;
  synonyms?: (word: string) => readonly string[];
  goodWords?: readonly string[];
  /** The transformations the attacks' ids are looked up in (the built-in catalog unless a test adds its own). */
  catalog?: readonly TransformationEntry[];
}

export interface TextBatchPlan {
  examples: readonly LabelledText[];
  attacks: readonly BatchAttack<TextRecipe | TextAttackOptions>[];
  settings: readonly DefenseSetting[];
  /** Word shares at which accuracy is measured (0 gives the clean accuracy); each at most the attack's own share. */
  budgets: readonly number[];
  seed: number;
}

export interface AttackSummary {
  examples: number;
  succeeded: number;
  failed: number;
  skipped: number;
  originalAccuracy: number;
  accuracyUnderAttack: number;
  /** succeeded / (succeeded + failed), as TextAttack reports it. */
  successRate: number;
  /** Mean over successful attacks of perturbed words / words. */
  averagePerturbedWordPercent: number;
  /** Mean over attacked (not skipped) examples. */
  averageQueries: number;
  averageWords: number;
}

export interface ExampleOutcome {
  index: number;
  status: TextAttackStatus;
  queries: number;
  wordCount: number;
  perturbedWords: number;
  /** Probability of the true class before and after, as the judging model (with or without defense) sees it. */
  originalProbability: number;
  finalProbability: number;
  edits: { before: string; after: string; transformation: string }[];
  /** The text the attack ended with (what the judge scored as "after"). */
  perturbedText: string;
}

export interface BatchRow {
  attackId: string;
  label: string;
  setting: DefenseSetting;
  summary: AttackSummary;
  curve: { budget: number; accuracy: number }[];
  outcomes: ExampleOutcome[];
}

export interface TextBatchResult {
  rows: BatchRow[];
  /** Examples attacked by every attack and setting (fewer than planned when cancelled). */
  completed: number;
  cancelled: boolean;
}

/**
 * Word importance for the adaptive attacker: on the text as the model behind the normalizer reads it. When the
 * normalizer changed the number of words, the positions no longer line up and the bare text's ranking is used.
 */
export function normalizedWordGain(wordGain: WordGain): WordGain {
  return async (text, trueClass) => {
    const normalized = normalizeText(text).text;
    if (tokenize(normalized).tokens.length !== tokenize(text).tokens.length) return wordGain(text, trueClass);
    return wordGain(normalized, trueClass);
  };
}

/** TextAttack's summary of a list of outcomes. */
export function summarize(outcomes: readonly Pick<ExampleOutcome, 'status' | 'queries' | 'wordCount' | 'perturbedWords'>[]): AttackSummary {
  const count = (status: TextAttackStatus) => outcomes.filter((o) => o.status === status).length;
  const succeeded = count('succeeded');
  const failed = count('failed');
  const skipped = count('skipped');
  const attacked = outcomes.filter((o) => o.status !== 'skipped');
  const successes = outcomes.filter((o) => o.status === 'succeeded');
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  const n = outcomes.length;
  return {
    examples: n,
    succeeded,
    failed,
    skipped,
    originalAccuracy: n === 0 ? 0 : (succeeded + failed) / n,
    accuracyUnderAttack: n === 0 ? 0 : failed / n,
    successRate: succeeded + failed === 0 ? 0 : succeeded / (succeeded + failed),
    averagePerturbedWordPercent: mean(successes.map((o) => (100 * o.perturbedWords) / Math.max(1, o.wordCount))),
    averageQueries: mean(attacked.map((o) => o.queries)),
    averageWords: mean(outcomes.map((o) => o.wordCount)),
  };
}

/**
 * Runs every attack in every setting on each example in turn, so a cancelled run covers the same examples everywhere.
 * Stopped through `control.signal`, it returns the examples done with `cancelled: true` (an example whose attacks
 * were cut short is left out); progress is the share of examples done.
 */
export async function runTextBatch(plan: TextBatchPlan, resources: BatchResources, control?: RunControl): Promise<TextBatchResult> {
  const recipes = plan.attacks.map((attack) => toRecipe(attack.options, resources.catalog));
  for (const [a, attack] of plan.attacks.entries()) {
    const share = recipes[a].constraints.maxWordShare;
    const over = plan.budgets.find((b) => b > share + 1e-12);
    if (over !== undefined) {
      throw new Error(`The budget ${over} is above the word share of "${attack.label}" (${share}).`);
    }
  }
  // The attacks share the stop and the step; the progress is the batch's own.
  const attackControl: RunControl = { signal: control?.signal, onStep: control?.onStep };
  const defended = withNormalizer(resources.model);
  const judgeOf = (setting: DefenseSetting) => (setting === 'none' ? resources.model : defended);
  const contextOf = (setting: DefenseSetting, rngSeed: number): TextAttackContext => ({
    victim: setting === 'adaptive' ? defended : resources.model,
    rng: createRng(rngSeed),
    wordGain: resources.wordGain && (setting === 'adaptive' ? normalizedWordGain(resources.wordGain) : resources.wordGain),
    canonical: setting === 'adaptive' ? (text) => normalizeText(text).text : undefined,
    synonyms: resources.synonyms,
    goodWords: resources.goodWords,
    catalog: resources.catalog,
    control: attackControl,
  });

  // The 'normalizer' setting reuses the attack crafted for 'none' (same attacker, only the judge differs).
  const needsBare = plan.settings.includes('none') || plan.settings.includes('normalizer');
  const rows: BatchRow[] = [];
  for (const attack of plan.attacks) {
    for (const setting of plan.settings) {
      rows.push({ attackId: attack.id, label: attack.label, setting, summary: summarize([]), curve: [], outcomes: [] });
    }
  }
  const correctAt = plan.budgets.map(() => new Map<BatchRow, number>());
  let completed = 0;
  let cancelled = false;

  for (const [index, example] of plan.examples.entries()) {
    if (isStopped(control)) {
      cancelled = true;
      break;
    }
    const crafted: { row: BatchRow; result: TextAttackResult }[] = [];
    for (const [a, attack] of plan.attacks.entries()) {
      const seed = plan.seed + 7919 * index + 104_729 * a;
      const bare = needsBare ? await attackText(example.text, example.label, recipes[a], contextOf('none', seed)) : undefined;
      const adaptive = plan.settings.includes('adaptive') ? await attackText(example.text, example.label, recipes[a], contextOf('adaptive', seed)) : undefined;
      for (const row of rows.filter((r) => r.attackId === attack.id)) {
        crafted.push({ row, result: row.setting === 'adaptive' ? adaptive! : bare! });
      }
    }
    if (isStopped(control)) {
      cancelled = true; // an attack stopped early on this example: leave it out everywhere
      break;
    }
    for (const { row, result } of crafted) {
      const judge = judgeOf(row.setting);
      // Texts at each budget: the first k edits of the search, k = the words that budget allows.
      const budgetTexts = plan.budgets.map((b) =>
        textAfterEdits(result.original, result.edits.slice(0, Math.min(result.edits.length, wordBudget(b, result.wordCount)))),
      );
      const judged = await judge.probabilities([result.original, result.perturbed, ...budgetTexts]);
      const [before, after, ...atBudgets] = judged;
      atBudgets.forEach((p, b) => {
        if (argMax(p) === example.label) correctAt[b].set(row, (correctAt[b].get(row) ?? 0) + 1);
      });
      // For the bare model the attack's own verdict stands; behind the normalizer the judge decides.
      const status: TextAttackStatus =
        row.setting === 'none' ? result.status : argMax(before) !== example.label ? 'skipped' : argMax(after) !== example.label ? 'succeeded' : 'failed';
      row.outcomes.push({
        index,
        status,
        queries: result.queries,
        wordCount: result.wordCount,
        perturbedWords: result.perturbedWords,
        originalProbability: before[example.label],
        finalProbability: after[example.label],
        edits: result.edits.map(({ before: b, after: a, transformation }) => ({ before: b, after: a, transformation })),
        perturbedText: result.perturbed,
      });
    }
    completed++;
    control?.onProgress?.(completed / plan.examples.length, `${completed} of ${plan.examples.length} messages`);
    await control?.onStep?.();
  }

  for (const row of rows) {
    row.summary = summarize(row.outcomes);
    row.curve = plan.budgets.map((budget, b) => ({
      budget,
      accuracy: completed === 0 ? 0 : (correctAt[b].get(row) ?? 0) / completed,
    }));
  }
  return { rows, completed, cancelled };
}

export const TEXT_BATCH_EXPORT_VERSION = 1;

/** The whole run (summaries, curves and every outcome) as versioned JSON. */
export function textBatchToJson(result: TextBatchResult, meta: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'text-attack-batch', version: TEXT_BATCH_EXPORT_VERSION, ...meta, ...result }, null, 2);
}

const csvCell = (value: string | number) => (typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`);

/** TextAttack's summary table, one line per attack and setting, then the accuracy at each budget. */
export function textBatchToCsv(result: TextBatchResult): string {
  const budgets = result.rows[0]?.curve.map((p) => p.budget) ?? [];
  const header = [
    'attack',
    'setting',
    'examples',
    'succeeded',
    'failed',
    'skipped',
    'original_accuracy',
    'accuracy_under_attack',
    'attack_success_rate',
    'avg_perturbed_word_percent',
    'avg_queries',
    'avg_words',
    ...budgets.map((b) => `accuracy_at_${b}`),
  ];
  const lines = result.rows.map((row) => {
    const s = row.summary;
    return [
      row.label,
      row.setting,
      s.examples,
      s.succeeded,
      s.failed,
      s.skipped,
      s.originalAccuracy,
      s.accuracyUnderAttack,
      s.successRate,
      s.averagePerturbedWordPercent,
      s.averageQueries,
      s.averageWords,
      ...row.curve.map((p) => p.accuracy),
    ]
      .map(csvCell)
      .join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}
