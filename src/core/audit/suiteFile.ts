/**
 * A suite file: the user's own budgets and attack parameters for the audit (schema in suiteFileSchema.ts), read the
 * same way by the page (the audit worker) and by the command line (`--suite-file`).
 */
import { IMAGE_SUITES, type ImageSuite } from './imageSuite';
import { quoteForMessage } from './quote';
import { SUITE_FILE_KIND } from './suiteFileSchema';
import { TEXT_SUITES, type TextSuite } from './textSuite';
import { validateSuiteFileJson } from './validators.generated';
import { formatCount } from '../format';

export interface CustomSuites {
  name: string;
  image: ImageSuite;
  text: TextSuite;
}

/** A suite file is a few hundred bytes; anything near this is not one. */
export const MAX_SUITE_FILE_BYTES = 64 * 1024;

export class SuiteFileError extends Error {}

interface SuiteFile {
  name?: string;
  base: 'quick' | 'standard';
  image?: Partial<Omit<ImageSuite, 'id' | 'label'>>;
  text?: Partial<Omit<TextSuite, 'id' | 'label'>>;
}

const sorted = (list: number[] | undefined) => (list ? [...new Set(list)].sort((a, b) => a - b) : undefined);
const withZero = (list: number[] | undefined) => (list && list[0] !== 0 ? [0, ...list] : list);

/** Parses and checks a suite file; throws SuiteFileError saying which field is wrong and how. */
export function parseSuiteFile(text: string, fileName: string): CustomSuites {
  const where = quoteForMessage(fileName);
  if (text.length > MAX_SUITE_FILE_BYTES)
    throw new SuiteFileError(`${where} is ${formatCount(text.length)} characters; a suite file is at most ${MAX_SUITE_FILE_BYTES / 1024} KB.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SuiteFileError(`${where} is not JSON: ${(error as Error).message}.`);
  }
  if (!validateSuiteFileJson(value)) {
    const problems = (validateSuiteFileJson.errors ?? []).slice(0, 5).map((e) => {
      const allowed = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
      const extra = e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : '';
      return `${e.instancePath || '(the file)'} ${e.message ?? 'is invalid'}${extra}${allowed}`;
    });
    throw new SuiteFileError(`${where} is not a suite file of kind "${SUITE_FILE_KIND}", version 1: ${problems.join('; ')}.`);
  }
  const file = value as SuiteFile;
  const baseImage = IMAGE_SUITES[file.base];
  const baseText = TEXT_SUITES[file.base];
  const i = file.image ?? {};
  const image: ImageSuite = {
    ...baseImage,
    ...i,
    id: `custom: ${file.name ?? `from ${file.base}`}`,
    label: file.name ?? `Custom (from ${file.base})`,
    // Budget 0 is always measured: it is the clean accuracy each curve starts from.
    linfBudgets: withZero(sorted(i.linfBudgets)) ?? baseImage.linfBudgets,
    l2Budgets: withZero(sorted(i.l2Budgets)) ?? baseImage.l2Budgets,
    square: { ...baseImage.square, ...i.square, budgets: sorted(i.square?.budgets) ?? baseImage.square.budgets },
    reference: i.reference ?? baseImage.reference,
    extraction:
      i.extraction === null ? null : i.extraction ? { ...(baseImage.extraction ?? { heldOut: 300, epochs: 10 }), ...i.extraction } : baseImage.extraction,
  };
  // The reference attack's table reads a point of its own sweep: its budget must be one the sweep runs.
  const referenceBudgets = image.reference.attackId === 'pgd' ? image.linfBudgets : image.square.budgets;
  if (!referenceBudgets.some((b) => Math.abs(b - image.reference.budget) < 1e-9)) {
    throw new SuiteFileError(
      `${where}: the reference ${image.reference.attackId} budget ${image.reference.budget} is not among its budgets (${referenceBudgets.join(', ')}); add it there.`,
    );
  }
  const t = file.text ?? {};
  const textSuite: TextSuite = { ...baseText, ...t, id: image.id, label: image.label, budgets: withZero(sorted(t.budgets)) ?? baseText.budgets };
  return { name: image.label, image, text: textSuite };
}
