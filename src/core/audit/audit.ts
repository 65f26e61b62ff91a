/**
 * One audit: the checks, the suite for the model's task, and the report with its plain-language findings. The
 * command line (scripts/audit.ts) and the browser's audit worker both call `runAudit`, so the same model, data,
 * suite and seed give the same numbers in either.
 */
import type { ImageSplit } from '../data/mnist';
import type { LabelledText } from '../text/batch';
import { IMAGE_SUITES, runImageSuite, withReferenceBudget, type ImageSuite } from './imageSuite';
import type { RunControl } from '../run/control';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type ReportAttack, type ReportFinding, type RobustnessReport } from './report';
import type { ImageModelSpec, ModelSpec, TextModelSpec } from './spec';
import { runTextSuite, TEXT_SUITES, type TextSuite } from './textSuite';
import { checkModel, imageClassifier, reportModel, textModelOf, type LoadedModel, type ModelChecks } from './userModel';

import { formatShareWithInterval, shareInterval } from '../metrics/interval';
import { APP } from '../version';
import type { CustomSuites } from './suiteFile';
import { formatCount, formatPercent } from '../format';

export const TOOL = APP;

export const SUITE_IDS = ['quick', 'standard'] as const;
export type SuiteId = (typeof SUITE_IDS)[number];

export type AuditData = { task: 'image'; name: string; split: ImageSplit } | { task: 'text'; name: string; examples: LabelledText[] };

export interface AuditRequest {
  model: LoadedModel;
  spec: ModelSpec;
  data: AuditData;
  suite: SuiteId;
  seed: number;
  /** A suite file's own budgets and parameters (suiteFile.ts); `suite` is then ignored. */
  customSuites?: CustomSuites;
  /** Attack at most this many examples (default: the suite's count). */
  examples?: number;
  /** Image suites: add this L∞ budget to the sweeps and make it the reference (the threshold's ε). */
  referenceBudget?: number;
  /** Text: synonyms of a word, when the user gave a table. */
  synonyms?: (word: string) => readonly string[];
  environment: { runtime: 'browser' | 'node'; backend: string };
  /** Fixed in tests, so two reports differ only where the results do. */
  now?: () => Date;
}

/** Thrown before any compute when the request cannot run; the message says what to change. */
export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}

const pct = formatPercent;
const budgetText = (a: ReportAttack, b: number) =>
  a.budgetUnit === 'word-share'
    ? `${pct(b)} of the words`
    : a.budgetUnit === 'l2'
      ? `L2 ${b.toFixed(2)}`
      : `L∞ ${b.toFixed(3)}${b < 0.1 && Math.abs(b * 255 - Math.round(b * 255)) < 1e-6 ? ` (${Math.round(b * 255)}/255)` : ''}`;

/** The plain-language summary: each sentence names the numbers behind it. */
export function findingsOf(report: Omit<RobustnessReport, 'findings'>): ReportFinding[] {
  const findings: ReportFinding[] = [];
  const clean = report.clean.accuracy;
  const ran = report.attacks.filter((a) => !a.skipped && a.points.length > 0);
  // Only over examples that finished: a run cancelled in its first batch has measured no clean accuracy at all.
  if (report.clean.examples > 0 && clean < 0.5) {
    findings.push({
      kind: 'coverage',
      severity: 'high',
      text: `Clean accuracy is only ${pct(clean)} on ${report.data.name}: check the spec (value range, channel order, class order) before reading the attack results.`,
    });
  }
  // Evasion: the attack that does most damage at the smallest budget where accuracy halves.
  let worst: { attack: ReportAttack; budget: number; accuracy: number } | undefined;
  for (const attack of ran) {
    const broken = attack.points.filter((p) => p.budget > 0 && p.accuracy <= clean / 2).sort((a, b) => a.budget - b.budget)[0];
    // The smallest budget that halves accuracy; at the same budget, the attack that leaves the least.
    const better = (w: NonNullable<typeof worst>) =>
      attack.budgetUnit === w.attack.budgetUnit && (broken!.budget < w.budget || (broken!.budget === w.budget && broken!.accuracy < w.accuracy));
    if (broken && attack.budgetUnit !== 'l2' && (!worst || better(worst))) {
      worst = { attack, budget: broken.budget, accuracy: broken.accuracy };
    }
  }
  if (worst) {
    const severe = report.model.task === 'image' ? worst.budget <= 8 / 255 + 1e-9 : worst.budget <= 0.1 + 1e-9;
    findings.push({
      kind: 'evasion',
      severity: severe ? 'high' : 'medium',
      text: `Evasion: ${worst.attack.name} brings accuracy from ${pct(clean)} to ${pct(worst.accuracy)} with changes of ${budgetText(worst.attack, worst.budget)}${worst.attack.knowledge === 'white-box' ? ' (an attacker with the weights, which a browser-deployed model hands to every visitor)' : " using only the model's outputs"}.`,
    });
  } else if (ran.length > 0) {
    const strongest = ran
      .filter((a) => a.budgetUnit !== 'l2')
      // Ties go to the larger budget: "leaves 100% at 0% of the words" says nothing.
      .map((a) => ({ a, p: a.points.reduce((m, p) => (p.accuracy <= m.accuracy ? p : m), a.points[0]) }))
      .sort((x, y) => x.p.accuracy - y.p.accuracy)[0];
    if (strongest) {
      findings.push({
        kind: 'evasion',
        severity: 'low',
        text: `No attack halved the accuracy within the budgets tried: the strongest, ${strongest.a.name}, leaves ${pct(strongest.p.accuracy)} at ${budgetText(strongest.a, strongest.p.budget)} (clean ${pct(clean)}).`,
      });
    }
  }
  const minimal = ran.find((a) => a.budgetUnit === 'l2');
  if (minimal) {
    const half = minimal.points.find((p) => p.successRate >= 0.5);
    if (half)
      findings.push({
        kind: 'evasion',
        severity: half.budget <= 1 ? 'high' : 'medium',
        text: `Half of the correctly classified examples are flipped by a ${minimal.name} change of ${budgetText(minimal, half.budget)} or less (${pct(half.successRate)} at that size).`,
      });
  }
  const blackBox = ran.filter((a) => a.knowledge !== 'white-box' && a.budgetUnit !== 'l2' && (a.defense ?? 'none') === 'none');
  for (const attack of blackBox) {
    const last = attack.points.at(-1)!;
    if (attack.budgetUnit === 'linf') {
      findings.push({
        kind: 'evasion',
        severity: last.successRate >= 0.5 ? 'high' : 'medium',
        text: `Without the weights, ${attack.name} fools ${pct(last.successRate)} of the correctly classified examples at ${budgetText(attack, last.budget)}${last.meanQueries !== null ? `, with ${last.meanQueries.toFixed(0)} queries on average` : ''}.`,
      });
    }
  }
  // Text: what the normalizer buys, against an unaware and an adaptive attacker.
  for (const family of ['character', 'unicode', 'word']) {
    const at = (setting: string) => ran.find((a) => a.id === `${family}/${setting}`)?.points.at(-1);
    const none = at('none');
    const unaware = at('normalizer');
    const adaptive = at('adaptive');
    if (none && unaware && adaptive && none.successRate > 0) {
      const name = ran.find((a) => a.id === `${family}/none`)!.name;
      findings.push({
        kind: 'defense',
        severity: adaptive.successRate >= 0.5 ? 'high' : adaptive.successRate >= 0.1 ? 'medium' : 'low',
        text: `${name}: ${pct(none.successRate)} success on the bare model; behind the normalizer ${pct(unaware.successRate)} when the attacker does not know it and ${pct(adaptive.successRate)} when it does.`,
      });
    }
  }
  // Averages hide the class an attacker cares about (for a spam filter: spam read as ham).
  const fragile = report.perClass
    .filter((c) => c.examples > 0 && c.cleanAccuracy > 0)
    .sort((a, b) => a.robustAccuracy / a.cleanAccuracy - b.robustAccuracy / b.cleanAccuracy)[0];
  if (fragile && report.reference && fragile.robustAccuracy < fragile.cleanAccuracy) {
    const attack = report.attacks.find((a) => a.id === report.reference!.attackId);
    if (attack) {
      // "High" only when even the top of the 95% interval is at most half the clean accuracy: on a handful of
      // examples a low rate may be chance, and the finding says how sure it is.
      const [, upper] = shareInterval(fragile.robustAccuracy, fragile.examples);
      const sure = upper <= fragile.cleanAccuracy / 2;
      findings.push({
        kind: 'evasion',
        severity: sure ? 'high' : 'medium',
        text:
          `The most fragile class is "${fragile.name}": ${attack.name} at ${budgetText(attack, report.reference.budget)} leaves ` +
          `${formatShareWithInterval(fragile.robustAccuracy, fragile.examples)} of its ${fragile.examples} example${fragile.examples === 1 ? '' : 's'} right (clean ${pct(fragile.cleanAccuracy)})` +
          (sure || fragile.robustAccuracy > fragile.cleanAccuracy / 2 ? '.' : `; on so few examples the interval is too wide to call it high risk.`),
      });
    }
  }
  if (report.extraction && !report.extraction.skipped && report.extraction.points.length > 0) {
    const best = report.extraction.points.at(-1)!;
    findings.push({
      kind: 'extraction',
      severity: best.fidelity >= 0.9 ? 'high' : best.fidelity >= 0.7 ? 'medium' : 'low',
      text: `Extraction: ${formatCount(best.queries)} queries for probabilities train a copy that agrees with the model on ${pct(best.fidelity)} of ${report.extraction.heldOut} held-out examples (its own accuracy ${pct(best.accuracy)}); attacks crafted on such a copy transfer to the model.`,
    });
  }
  const skipped = report.attacks.filter((a) => a.skipped);
  if (skipped.length > 0) {
    findings.push({ kind: 'coverage', severity: 'info', text: `Not run: ${skipped.map((a) => a.name).join(', ')}. ${skipped[0].skipped}` });
  }
  if (report.partial)
    findings.push({ kind: 'coverage', severity: 'info', text: 'The run was cancelled: every number covers only the examples that finished.' });
  return findings;
}

/** The image suite for a request, with the threshold's budget added when one is given. */
export function imageSuiteFor(id: SuiteId, referenceBudget?: number, custom?: CustomSuites): ImageSuite {
  const suite = custom?.image ?? IMAGE_SUITES[id];
  return referenceBudget === undefined ? suite : withReferenceBudget(suite, referenceBudget);
}

export function textSuiteFor(id: SuiteId): TextSuite {
  return TEXT_SUITES[id];
}

function withExamples<S extends { examples: number; square?: { examples: number } }>(suite: S, examples: number | undefined): S {
  if (examples === undefined || examples >= suite.examples) return suite;
  return { ...suite, examples, ...(suite.square ? { square: { ...suite.square, examples: Math.min(suite.square.examples, examples) } } : {}) };
}

/** The model's checks (./userModel.ts); throws AuditInputError naming every failed check when it cannot be audited. */
export async function auditableChecks(model: LoadedModel, spec: ModelSpec): Promise<ModelChecks> {
  const result = await checkModel(model, spec);
  if (!result.usable) {
    const failed = result.checks.filter((c) => c.verdict === 'fail').map((c) => `${c.label}: ${c.detail}`);
    throw new AuditInputError(`The model cannot be audited as specified. ${failed.join(' ')}`);
  }
  return result;
}

/** Runs the checks and the suite, and writes the report. Throws AuditInputError when the model cannot be audited. */
export async function runAudit(request: AuditRequest, control: RunControl = {}): Promise<RobustnessReport> {
  const started = performance.now();
  const { model, spec, data, seed } = request;
  if (spec.task !== data.task)
    throw new AuditInputError(
      `The model is a${spec.task === 'image' ? 'n image' : ' text'} model but the data are ${data.task === 'image' ? 'images' : 'texts'}.`,
    );
  const { checks, gradients } = await auditableChecks(model, spec);
  const classes = spec.classes;
  const perClassCount = (labels: ArrayLike<number>, n: number) => {
    const counts = classes.map(() => 0);
    for (let i = 0; i < n; i++) counts[labels[i]]++;
    return counts;
  };
  let body: Pick<RobustnessReport, 'clean' | 'attacks' | 'perClass' | 'worstExamples' | 'extraction' | 'reference' | 'partial' | 'data' | 'suite'>;
  if (data.task === 'image') {
    const imageSpec = spec as ImageModelSpec;
    const [h, w, c] = imageSpec.inputShape;
    if (data.split.height !== h || data.split.width !== w || data.split.channels !== c) {
      throw new AuditInputError(`The images are ${data.split.width}x${data.split.height}x${data.split.channels} but the model takes ${w}x${h}x${c}.`);
    }
    const suite = withExamples(imageSuiteFor(request.suite, request.referenceBudget, request.customSuites), request.examples);
    const classifier = imageClassifier(model, imageSpec);
    const result = await runImageSuite(classifier, data.split, suite, { seed, gradients, classes }, control);
    const used = Math.min(suite.examples, data.split.count);
    body = {
      ...result,
      data: { name: data.name, examples: used, available: data.split.count, perClass: perClassCount(data.split.labels, used) },
      suite: { id: suite.id, seed, examples: used },
    };
  } else {
    const textSpec = spec as TextModelSpec;
    const suite = withExamples(request.customSuites?.text ?? textSuiteFor(request.suite), request.examples);
    const textModel = textModelOf(model, textSpec);
    const result = await runTextSuite({ model: textModel, synonyms: request.synonyms }, data.examples, suite, { seed, classes }, control);
    const used = Math.min(suite.examples, data.examples.length);
    body = {
      ...result,
      extraction: null,
      data: {
        name: data.name,
        examples: used,
        available: data.examples.length,
        perClass: perClassCount(
          data.examples.map((e) => e.label),
          used,
        ),
      },
      suite: { id: suite.id, seed, examples: used },
    };
  }
  const report: Omit<RobustnessReport, 'findings'> = {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: (request.now ?? (() => new Date()))().toISOString(),
    tool: TOOL,
    environment: { ...request.environment, seconds: (performance.now() - started) / 1000 },
    model: reportModel(model, spec),
    checks,
    ...body,
  };
  return { ...report, findings: findingsOf(report) };
}

/** The reference attack's accuracy at a budget, for a threshold: null when the report does not have that point. */
export function robustAccuracyAt(report: RobustnessReport, budget: number, attackId = report.reference?.attackId): number | null {
  const attack = report.attacks.find((a) => a.id === attackId);
  const point = attack?.points.find((p) => Math.abs(p.budget - budget) < 1e-9);
  return point ? point.accuracy : null;
}
