/**
 * The robustness report: what one audit of one model on one data set found, as plain JSON. The same object is
 * written by the command line (`npm run audit`) and by the browser, exported as JSON (this schema, versioned) and as
 * one self-contained HTML file (./reportHtml.ts), and read back for a side-by-side comparison.
 *
 * Change the shape only with a new `schemaVersion`, and teach `upgradeReport` (./reportSchema.ts) the old one.
 */

export const REPORT_KIND = 'adversarial-playground/robustness-report';
export const REPORT_SCHEMA_VERSION = 1;

export type AuditTask = 'image' | 'text';

export interface ReportModel {
  name: string;
  format: 'layers-model' | 'graph-model';
  task: AuditTask;
  /** Without the batch dimension: [h, w, c] for images, [tokens] for text. */
  inputShape: number[];
  /** The value range the model expects (images); attacks work in [0, 1] pixels mapped onto it. */
  valueRange?: [number, number];
  channelOrder?: 'grayscale' | 'rgb' | 'bgr';
  classes: string[];
  output: 'logits' | 'probabilities';
  parameters: number;
  weightBytes: number;
  /** sha256 of the weight bytes in manifest order, so two reports can be tied to the exact same weights. */
  weightsSha256: string;
}

export interface ReportData {
  name: string;
  /** Examples the suite used (the first ones of the data set). */
  examples: number;
  /** Examples in the data set as given. */
  available: number;
  /** Examples per class among those used, by class index. */
  perClass: number[];
}

export interface ReportCheck {
  id: 'forward' | 'output-shape' | 'gradients' | 'probabilities' | 'data';
  label: string;
  verdict: 'pass' | 'warn' | 'fail';
  detail: string;
}

/** One point of accuracy against budget. */
export interface ReportPoint {
  budget: number;
  examples: number;
  /** Share of all examples still classified correctly at this budget. */
  accuracy: number;
  /** Share of the originally correct examples the attack fooled. */
  successRate: number;
  meanL2: number | null;
  meanLinf: number | null;
  meanQueries: number | null;
  /** Text attacks: mean share of words perturbed in successful attacks, in percent. */
  meanPerturbedWordPercent?: number | null;
}

export interface ReportAttack {
  /** Unique within the report, e.g. "pgd" or "unicode/normalizer". */
  id: string;
  name: string;
  knowledge: 'white-box' | 'score-based' | 'decision-based' | 'black-box';
  /** What the budget counts: an L-p norm of the pixel perturbation, or the share of words. */
  budgetUnit: 'linf' | 'l2' | 'word-share';
  /** Text attacks: the defense in front of the model. */
  defense?: 'none' | 'normalizer' | 'adaptive';
  /** The attack's parameters as run (plain values). */
  params: Record<string, number | boolean | string>;
  points: ReportPoint[];
  /** Set when the attack could not run on this model (then `points` is empty), e.g. no gradients. */
  skipped?: string;
}

export interface ReportPerClass {
  classIndex: number;
  name: string;
  examples: number;
  cleanAccuracy: number;
  /** Accuracy under the reference attack at the reference budget (see `RobustnessReport.reference`). */
  robustAccuracy: number;
}

export interface ReportExample {
  index: number;
  trueLabel: number;
  originalLabel: number;
  adversarialLabel: number;
  adversarialConfidence: number;
  attackId: string;
  /** How large the change had to be (norm, or share of words). */
  size: number;
  /** Images: PNG data URLs of the original and the adversarial example. */
  originalImage?: string;
  adversarialImage?: string;
  /** Text: the message before and after. */
  originalText?: string;
  adversarialText?: string;
  /** Text: the edits in the order the search made them, "before → after", or "+ word" for an insertion. */
  changes?: string[];
}

export interface ReportExtractionPoint {
  queries: number;
  /** Agreement of the stolen copy with the model on held-out examples. */
  fidelity: number;
  accuracy: number;
}

export interface ReportExtraction {
  strategy: string;
  output: string;
  substitute: string;
  heldOut: number;
  points: ReportExtractionPoint[];
  skipped?: string;
}

export interface ReportFinding {
  kind: 'evasion' | 'extraction' | 'defense' | 'coverage';
  severity: 'high' | 'medium' | 'low' | 'info';
  /** One plain-language sentence with the numbers behind it. */
  text: string;
}

export interface RobustnessReport {
  kind: typeof REPORT_KIND;
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  createdAt: string;
  tool: { name: string; version: string };
  /** Where it ran: not part of the result (two runs are compared without it). */
  environment: { runtime: 'browser' | 'node'; backend: string; seconds: number };
  model: ReportModel;
  data: ReportData;
  suite: { id: string; seed: number; examples: number };
  checks: ReportCheck[];
  clean: { accuracy: number; correct: number; examples: number };
  /** The attack and budget the per-class table and the threshold refer to. */
  reference: { attackId: string; budget: number } | null;
  attacks: ReportAttack[];
  perClass: ReportPerClass[];
  worstExamples: ReportExample[];
  extraction: ReportExtraction | null;
  findings: ReportFinding[];
  /** True when the run was cancelled: every number covers what finished. */
  partial: boolean;
}

/** The parts of a report that depend only on the model, data, suite and seed (for browser-vs-CLI comparisons). */
export function reportResults(report: RobustnessReport): Omit<RobustnessReport, 'createdAt' | 'environment' | 'tool'> {
  const { createdAt: _c, environment: _e, tool: _t, ...rest } = report;
  return rest;
}
