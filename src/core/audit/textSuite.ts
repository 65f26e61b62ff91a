/**
 * The text robustness suite: the character, Unicode and word attacks of the text lab (src/core/text/), each with no
 * defense, behind the input normalizer against an attacker who does not know it, and against one who does, over the
 * first examples of the user's labelled texts. Reported in TextAttack's terms: accuracy under attack, success rate,
 * perturbed words, queries.
 */
import { runTextBatch, summarize, type BatchAttack, type BatchRow, type DefenseSetting, type LabelledText } from '../text/batch';
import { DEFAULT_TEXT_ATTACK, type TextAttackOptions } from '../text/recipe';
import type { RankingId, TransformationId } from '../text/catalog';
import type { PerturbationFamily } from '../text/perturbations';
import type { TextModel } from '../text/textModel';
import type { ReportAttack, ReportExample, ReportPerClass, ReportPoint } from './report';
import { maxOf } from '../arrays';
import type { RunControl } from '../run/control';
import { TEXT_ATTACKS_STEP, type AuditStepMeta } from './steps';

export interface TextSuite {
  id: string;
  label: string;
  examples: number;
  /** Word shares at which accuracy is measured; 0 gives the clean accuracy, the largest is the attacks' budget. */
  budgets: number[];
  maxQueries: number;
  settings: DefenseSetting[];
}

export const TEXT_SUITES: Readonly<Record<string, TextSuite>> = {
  quick: { id: 'quick', label: 'Quick (40 texts)', examples: 40, budgets: [0, 0.05, 0.1, 0.15], maxQueries: 100, settings: ['none', 'normalizer', 'adaptive'] },
  standard: {
    id: 'standard',
    label: 'Standard (200 texts)',
    examples: 200,
    budgets: [0, 0.02, 0.05, 0.1, 0.15],
    maxQueries: 100,
    settings: ['none', 'normalizer', 'adaptive'],
  },
};

const FAMILY_ATTACKS: Record<PerturbationFamily, { name: string; transformations: TransformationId[] }> = {
  character: { name: 'Character edits', transformations: ['swap', 'delete', 'insert', 'keyboard', 'leet'] },
  unicode: { name: 'Unicode (homoglyphs, invisible, bidi)', transformations: ['homoglyph', 'invisible', 'bidi'] },
  word: { name: 'Word (synonyms, good words)', transformations: ['synonym', 'good-words', 'good-word-swap'] },
};

export interface TextSuiteResources {
  /** A Layers model with an Embedding gives the white-box ranking and the model's own good words. */
  model: Pick<TextModel, 'probabilities' | 'classes'> & Partial<Pick<TextModel, 'unknownWordGain' | 'wordsForClass'>>;
  /** Synonyms of a word, when a table was given. */
  synonyms?: (word: string) => readonly string[];
}

export interface TextAuditResult {
  clean: { accuracy: number; correct: number; examples: number };
  attacks: ReportAttack[];
  perClass: ReportPerClass[];
  worstExamples: ReportExample[];
  reference: { attackId: string; budget: number } | null;
  partial: boolean;
}

/** Rows of several runs over disjoint example groups, merged as if one run had covered them all. */
function mergeRows(groups: { rows: BatchRow[]; completed: number; offset: number[] }[]): BatchRow[] {
  const first = groups[0].rows;
  return first.map((row, r) => {
    const parts = groups.map((g) => ({ row: g.rows[r], completed: g.completed, offset: g.offset }));
    const outcomes = parts.flatMap((p) => p.row.outcomes.map((o) => ({ ...o, index: p.offset[o.index] })));
    const completed = parts.reduce((n, p) => n + p.completed, 0);
    const curve = row.curve.map((point, b) => ({
      budget: point.budget,
      accuracy: completed ? parts.reduce((s, p) => s + p.row.curve[b].accuracy * p.completed, 0) / completed : 0,
    }));
    return { ...row, outcomes, curve, summary: summarize(outcomes) };
  });
}

export async function runTextSuite(
  resources: TextSuiteResources,
  data: readonly LabelledText[],
  suite: TextSuite,
  options: { seed: number; classes: readonly string[] },
  control: RunControl = {},
): Promise<TextAuditResult> {
  const { model } = resources;
  const examples = data.slice(0, suite.examples);
  const whiteBox = typeof model.unknownWordGain === 'function';
  const ranking: RankingId = whiteBox ? 'gradient' : 'deletion';
  const maxShare = maxOf(suite.budgets);
  const binary = options.classes.length === 2;
  const canGoodWords = binary && typeof model.wordsForClass === 'function';

  const families: { family: PerturbationFamily; attack: BatchAttack; skipped?: string }[] = (['character', 'unicode', 'word'] as const).map((family) => {
    let transformations = FAMILY_ATTACKS[family].transformations;
    if (family === 'word') transformations = transformations.filter((t) => (t === 'synonym' ? !!resources.synonyms : canGoodWords));
    const opts: TextAttackOptions = {
      ...DEFAULT_TEXT_ATTACK,
      transformations,
      // Typos and look-alikes need no white-box access; ranking by deletion needs only the scores.
      ranking: family === 'word' ? ranking : 'deletion',
      maxWordShare: maxShare,
      maxQueries: suite.maxQueries,
      repeatGoodWords: true,
      // One good word a step: more candidates spend the query budget (scripts/textAttacks.test.ts measures it).
      goodWordCandidates: 1,
    };
    const skipped =
      transformations.length === 0
        ? 'No synonym table was given and good words need a two-class model with an Embedding layer, so no word-level attack can run.'
        : undefined;
    return { family, attack: { id: family, label: FAMILY_ATTACKS[family].name, options: opts }, skipped };
  });
  const runnable = families.filter((f) => !f.skipped);

  // Good words push towards the other class, so each true class is its own run with its own list.
  const groups = binary ? [0, 1].map((c) => examples.map((e, i) => [e, i] as const).filter(([e]) => e.label === c)) : [examples.map((e, i) => [e, i] as const)];
  const results: { rows: BatchRow[]; completed: number; offset: number[] }[] = [];
  let done = 0;
  let cancelled = false;
  for (const [g, group] of groups.entries()) {
    if (group.length === 0) continue;
    const goodWords = canGoodWords ? await model.wordsForClass!(1 - g, 200) : undefined;
    const batch = await runTextBatch(
      {
        examples: group.map(([e]) => e),
        attacks: runnable.map((f) => f.attack),
        settings: suite.settings,
        budgets: suite.budgets,
        seed: options.seed + 1009 * g,
      },
      {
        model,
        wordGain: whiteBox ? (text, trueClass) => model.unknownWordGain!(text, trueClass) : undefined,
        synonyms: resources.synonyms,
        goodWords,
      },
      {
        signal: control.signal,
        onStep: control.onStep,
        onProgress: (fraction) => {
          const n = Math.round(fraction * group.length);
          control.onProgress?.((done + n) / examples.length, `${done + n} / ${examples.length} texts`);
        },
      },
    );
    results.push({ rows: batch.rows, completed: batch.completed, offset: group.map(([, i]) => i) });
    done += batch.completed;
    if (batch.cancelled) {
      cancelled = true;
      break;
    }
  }
  const rows = results.length > 0 && runnable.length > 0 ? mergeRows(results) : [];
  const completed = results.reduce((n, r) => n + r.completed, 0);

  const attacks: ReportAttack[] = [];
  for (const { family, attack, skipped } of families) {
    for (const setting of suite.settings) {
      const id = `${family}/${setting}`;
      const name = `${attack.label}${setting === 'none' ? '' : setting === 'normalizer' ? ', normalizer' : ', normalizer, adaptive attacker'}`;
      const base = {
        id,
        name,
        knowledge: (attack.options.ranking === 'gradient' ? 'white-box' : 'score-based') as ReportAttack['knowledge'],
        budgetUnit: 'word-share' as const,
        defense: setting,
        params: {
          transformations: attack.options.transformations.join(','),
          ranking: attack.options.ranking,
          maxQueries: suite.maxQueries,
          maxWordShare: maxShare,
        },
      };
      const row = rows.find((r) => r.attackId === family && r.setting === setting);
      if (skipped || !row) {
        attacks.push({ ...base, points: [], skipped: skipped ?? 'Cancelled before this attack ran.' });
        continue;
      }
      const cleanAccuracy = row.curve[0]?.budget === 0 ? row.curve[0].accuracy : row.summary.originalAccuracy;
      const points: ReportPoint[] = row.curve.map(({ budget, accuracy }) => {
        const fooled = row.outcomes.filter(
          (o) => o.status === 'succeeded' && o.perturbedWords <= Math.max(1, Math.floor(budget * o.wordCount + 1e-9)) && budget > 0,
        );
        return {
          budget,
          examples: completed,
          accuracy,
          successRate: cleanAccuracy > 0 ? Math.max(0, (cleanAccuracy - accuracy) / cleanAccuracy) : 0,
          meanL2: null,
          meanLinf: null,
          meanQueries: budget === maxShare ? row.summary.averageQueries : null,
          meanPerturbedWordPercent: fooled.length ? fooled.reduce((s, o) => s + (100 * o.perturbedWords) / Math.max(1, o.wordCount), 0) / fooled.length : null,
        };
      });
      attacks.push({ ...base, points });
    }
  }

  // The reference: the strongest family against the bare model at the full budget.
  const bare = rows.filter((r) => r.setting === 'none');
  const strongest = bare.sort((a, b) => a.summary.accuracyUnderAttack - b.summary.accuracyUnderAttack)[0];
  const cleanRow = rows[0];
  const clean = cleanRow
    ? { accuracy: cleanRow.summary.originalAccuracy, correct: cleanRow.outcomes.filter((o) => o.status !== 'skipped').length, examples: completed }
    : { accuracy: 0, correct: 0, examples: 0 };
  const perClass: ReportPerClass[] = strongest
    ? options.classes.map((name, classIndex) => {
        const mine = strongest.outcomes.filter((o) => examples[o.index].label === classIndex);
        const share = (f: (o: (typeof mine)[number]) => boolean) => (mine.length ? mine.filter(f).length / mine.length : 0);
        return {
          classIndex,
          name,
          examples: mine.length,
          cleanAccuracy: share((o) => o.status !== 'skipped'),
          robustAccuracy: share((o) => o.status === 'failed'),
        };
      })
    : [];
  const worstExamples: ReportExample[] = strongest
    ? strongest.outcomes
        .filter((o) => o.status === 'succeeded')
        .map((o) => ({ o, share: o.perturbedWords / Math.max(1, o.wordCount) }))
        .sort((a, b) => a.share - b.share || a.o.index - b.o.index)
        .slice(0, 6)
        .map(({ o, share }) => ({
          index: o.index,
          trueLabel: examples[o.index].label,
          originalLabel: examples[o.index].label,
          adversarialLabel: binary ? 1 - examples[o.index].label : -1,
          adversarialConfidence: 1 - o.finalProbability,
          attackId: `${strongest.attackId}/none`,
          size: share,
          originalText: examples[o.index].text.slice(0, 2000),
          adversarialText: o.perturbedText.slice(0, 2000 + (o.perturbedText.length - examples[o.index].text.length)),
          changes: o.edits.map((e) => (e.before === '' ? `+ ${e.after}` : `${e.before} → ${e.after}`)),
        }))
    : [];
  return {
    clean,
    attacks,
    perClass,
    worstExamples,
    reference: strongest ? { attackId: `${strongest.attackId}/none`, budget: maxShare } : null,
    partial: cancelled || completed < examples.length,
  };
}

/** The text suite's steps, in the order of their catalog (TEXT_AUDIT_STEPS in steps.ts): one, every family's attacks. */
export const TEXT_STEPS: readonly { meta: AuditStepMeta; run: typeof runTextSuite }[] = [{ meta: TEXT_ATTACKS_STEP, run: runTextSuite }];
