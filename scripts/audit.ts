/**
 * `npm run audit -- --model path/to/model.json --data ... [options]`: the browser's robustness report from the
 * command line, for CI. Same core code (src/core/audit), Node on the wasm backend. Exit codes: 0 when every
 * threshold is met (or none is set), 1 when a threshold is missed, 2 for bad arguments or files, 3 for a crash.
 */
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AuditInputError, auditableChecks, robustAccuracyAt, runAudit, SUITE_IDS, textSuiteFor, type AuditData, type SuiteId } from '../src/core/audit/audit';
import { parseTextCsv } from '../src/core/audit/data';
import type { RobustnessReport } from '../src/core/audit/report';
import { renderReportHtml } from '../src/core/audit/reportHtml';
import { validateReport } from '../src/core/audit/reportSchema';
import { checkSpec, MAX_MODEL_BYTES, ModelLoadError, parseClassNames, parseVocabularyFile, type ChannelOrder, type ModelSpec } from '../src/core/audit/spec';
import { escapeForMessage } from '../src/core/audit/quote';
import { checkWeightBytes, inferSpec, loadUserModel, parseModelJson, shardPaths, type ModelJsonFile } from '../src/core/audit/userModel';
import { parseSpamSplit, SPAM_SPLIT } from '../src/core/data/spam';
import { synonymCandidates, type SynonymTable } from '../src/core/text/wordnet';
import { loadImageDataset } from './imageFiles';
import { loadMnistFromDisk, toArrayBuffer, useNodeWasm } from './node-tf';
import { fileInside, MAX_DATA_FILE_BYTES, readCheckedText, RefusedFileError } from './safeFiles';
import { MAX_SUITE_FILE_BYTES, parseSuiteFile, SuiteFileError, type CustomSuites } from '../src/core/audit/suiteFile';
import { SUITE_FILE_KIND } from '../src/core/audit/suiteFileSchema';
import { PROJECT_ROOT } from './paths';
import { formatPercent } from '../src/core/format';

export const USAGE = `Usage: npm run audit -- --model <model.json> --data <data> [options]

  --model <path>               model.json of a TensorFlow.js layers or graph model; its weight files beside it
  --data <data>                mnist-test | spam-test (the bundled test splits), a folder of images with one
                               subfolder per class, a CSV of file,label (images) or text,label (text models)
  --suite <id>                 ${SUITE_IDS.join(' | ')} (default quick)
  --suite-file <suite.json>    your own budgets and attack parameters ({ "kind": "${SUITE_FILE_KIND}",
                               "version": 1, "base": "quick", "image": { "linfBudgets": [...], ... } });
                               the same file the page's "suite file" takes
  --seed <n>                   seed of every random choice (default 1)
  --out <report.json>          write the JSON report (default: robustness-report.json)
  --html <report.html>         write the self-contained HTML report (default: next to --out)
  --min-robust-accuracy <x>    fail (exit 1) when accuracy under the reference attack at --at-eps is below x
  --at-eps <eps>               the L-inf budget of that threshold, in [0, 1] pixels (images; default 0.1);
                               for text, the share of words (default: the suite's largest)
  --min-clean-accuracy <x>     fail (exit 1) when clean accuracy is below x
Model spec (filled in from the model where possible; a spec JSON file can give all of it):
  --spec <spec.json>           { "task", "classes", "valueRange", "channelOrder", "output", ... }
  --classes <a,b,c>            class names in output order (default: card.json beside the model, else 0..n-1)
  --range <lo,hi>              the value range the model expects (default 0,1)
  --channels <order>           grayscale | rgb | bgr
  --output <kind>              logits | probabilities (default: detected)
  --vocabulary <file>          text models: vocabulary.json or one word per line (default: vocabulary.json beside the model)
  --synonyms <file>            text models: a synonym table (default: synonyms.json beside the model, if any)
  --limit <n>                  attack at most n examples (default: the suite's count)
  --quiet                      no progress
  --help                       this text

Exit codes: 0 thresholds met, 1 a threshold missed, 2 bad arguments or files, 3 unexpected error.`;

export class UsageError extends Error {}

const FLAGS = new Set([
  'model',
  'data',
  'suite',
  'suite-file',
  'seed',
  'out',
  'html',
  'min-robust-accuracy',
  'at-eps',
  'min-clean-accuracy',
  'spec',
  'classes',
  'range',
  'channels',
  'output',
  'vocabulary',
  'synonyms',
  'limit',
]);
const SWITCHES = new Set(['quiet', 'help']);

export function parseArgs(argv: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}": options start with --.`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (SWITCHES.has(name)) {
      out[name] = true;
      continue;
    }
    if (!FLAGS.has(name)) throw new UsageError(`Unknown option --${name}.`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    out[name] = value;
  }
  return out;
}

function numberArg(args: Record<string, string | true>, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === true || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}; got "${String(raw)}".`);
  return n;
}

function readJson<T>(path: string, what: string): T {
  const text = readCheckedText(path, what, MAX_DATA_FILE_BYTES);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UsageError(`${escapeForMessage(path)} is not valid JSON (${(error as Error).message}).`);
  }
}

/**
 * The weight files model.json names, read only once each is known to be a regular file inside model.json's folder
 * and their sizes (by stat) fit the limit and what model.json describes: a hostile manifest cannot make the command
 * line read outside the folder, read a device such as /dev/zero, or read a huge file whole before refusing it.
 */
function readShards(json: ModelJsonFile, modelDir: string, jsonName: string): Map<string, ArrayBuffer> {
  const found = new Map<string, { path: string; size: number }>();
  let missing = false;
  for (const name of shardPaths(json)) {
    const file = fileInside(modelDir, name, jsonName, 'a weight file');
    if (file) found.set(name, file);
    else missing = true;
  }
  const total = [...found.values()].reduce((n, f) => n + f.size, 0);
  // With a shard missing, loadUserModel says which; the sizes are compared only when all are there.
  if (!missing || total > MAX_MODEL_BYTES) checkWeightBytes(json, total);
  return new Map([...found].map(([name, file]) => [name, toArrayBuffer(readFileSync(file.path))]));
}

/** A progress line: a bar redrawn in place on a terminal, a plain line every tenth otherwise. */
function progressPrinter(quiet: boolean) {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (fraction: number, message = '') => {
    if (quiet) return;
    const percent = Math.floor(100 * fraction);
    if (tty) {
      const width = 30;
      const filled = Math.round(width * fraction);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${message.slice(0, 60).padEnd(60)}`);
    } else if (Math.floor(percent / 10) > lastTenth) {
      lastTenth = Math.floor(percent / 10);
      process.stderr.write(`${percent}% ${message}\n`);
    }
  };
}

export interface AuditOutcome {
  report: RobustnessReport;
  exitCode: 0 | 1;
  lines: string[];
  jsonPath: string;
  htmlPath: string;
}

export async function audit(argv: readonly string[], log: (line: string) => void = (l) => console.log(l)): Promise<AuditOutcome | undefined> {
  const args = parseArgs(argv);
  if (args.help) {
    log(USAGE);
    return undefined;
  }
  if (typeof args.model !== 'string') throw new UsageError('Give the model: --model path/to/model.json.');
  if (typeof args.data !== 'string') throw new UsageError('Give the data: --data mnist-test, spam-test, a folder of images or a CSV.');
  const suite = (args.suite ?? 'quick') as SuiteId;
  if (!SUITE_IDS.includes(suite)) throw new UsageError(`--suite must be one of ${SUITE_IDS.join(', ')}; got "${String(args.suite)}".`);
  let customSuites: CustomSuites | undefined;
  if (typeof args['suite-file'] === 'string') {
    const suitePath = resolve(args['suite-file']);
    try {
      customSuites = parseSuiteFile(readCheckedText(suitePath, 'suite file', MAX_SUITE_FILE_BYTES), basename(suitePath));
    } catch (error) {
      if (error instanceof SuiteFileError) throw new UsageError(error.message);
      throw error;
    }
  }
  const seed = numberArg(args, 'seed', Number.isInteger, 'a whole number') ?? 1;
  const minRobust = numberArg(args, 'min-robust-accuracy', (n) => n >= 0 && n <= 1, 'a share between 0 and 1');
  const minClean = numberArg(args, 'min-clean-accuracy', (n) => n >= 0 && n <= 1, 'a share between 0 and 1');
  const atEps = numberArg(args, 'at-eps', (n) => n > 0 && n <= 1, 'a budget in (0, 1]');
  const limit = numberArg(args, 'limit', (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');
  if (atEps !== undefined && minRobust === undefined) throw new UsageError('--at-eps sets the budget of --min-robust-accuracy: give both.');
  // The outputs' folders are checked now, not after minutes of compute.
  const jsonPath = resolve(typeof args.out === 'string' ? args.out : 'robustness-report.json');
  const htmlPath = resolve(typeof args.html === 'string' ? args.html : jsonPath.replace(/\.json$/i, '') + '.html');
  if (sameFile(jsonPath, htmlPath))
    throw new UsageError(
      `--html and --out name the same file (${escapeForMessage(jsonPath)}): the HTML report would overwrite the JSON one. Give --html another file.`,
    );
  for (const [flag, path] of [
    ['--out', jsonPath],
    ['--html', htmlPath],
  ]) {
    if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory())
      throw new UsageError(`The folder of ${flag} ${path} does not exist: create it first or write elsewhere.`);
  }

  // The model.
  const modelPath = resolve(args.model);
  if (!existsSync(modelPath)) throw new UsageError(`There is no model at ${modelPath}.`);
  const jsonFile = statSync(modelPath).isDirectory() ? join(modelPath, 'model.json') : modelPath;
  if (!existsSync(jsonFile)) throw new UsageError(`There is no model.json in ${modelPath}: give the model.json file itself.`);
  const json = parseModelJson(readCheckedText(jsonFile, 'model.json', MAX_MODEL_BYTES), basename(jsonFile));
  const modelDir = dirname(jsonFile);
  const shards = readShards(json, modelDir, basename(jsonFile));
  await useNodeWasm();
  const model = await loadUserModel(json, shards);
  try {
    const name = basename(modelDir);
    let spec: ModelSpec = await inferSpec(model, name);
    // A playground model card beside model.json (the bundled models have one) names the classes and the output.
    const cardPath = join(modelDir, 'card.json');
    if (existsSync(cardPath)) {
      const card = readJson<{ classes?: unknown; output?: unknown; input?: { range?: unknown } }>(cardPath, 'model card');
      if (Array.isArray(card.classes) && card.classes.every((c) => typeof c === 'string')) spec.classes = card.classes;
      if (card.output === 'logits' || card.output === 'probabilities') spec.output = card.output;
      const range = card.input?.range;
      if (spec.task === 'image' && Array.isArray(range) && range.length === 2 && range.every(Number.isFinite)) spec.valueRange = [range[0], range[1]];
    }
    if (typeof args.spec === 'string') spec = { ...spec, ...readJson<Partial<ModelSpec>>(resolve(args.spec), 'spec file') } as ModelSpec;
    if (typeof args.classes === 'string') spec.classes = parseClassNames(args.classes);
    if (typeof args.output === 'string') {
      if (args.output !== 'logits' && args.output !== 'probabilities') throw new UsageError(`--output must be logits or probabilities; got "${args.output}".`);
      spec.output = args.output;
    }
    if (spec.task === 'image') {
      if (typeof args.range === 'string') {
        const range = args.range.split(',').map(Number);
        if (range.length !== 2 || !range.every(Number.isFinite))
          throw new UsageError(`--range must be two numbers, low,high (such as 0,255); got "${args.range}".`);
        spec.valueRange = [range[0], range[1]];
      }
      if (typeof args.channels === 'string') {
        if (!['grayscale', 'rgb', 'bgr'].includes(args.channels)) throw new UsageError(`--channels must be grayscale, rgb or bgr; got "${args.channels}".`);
        spec.channelOrder = args.channels as ChannelOrder;
      }
    } else {
      const vocabularyPath = typeof args.vocabulary === 'string' ? resolve(args.vocabulary) : join(modelDir, 'vocabulary.json');
      if (!existsSync(vocabularyPath))
        throw new UsageError(`A text model needs its vocabulary: --vocabulary path/to/vocabulary.json (none at ${vocabularyPath}).`);
      spec.tokenizer = {
        kind: 'words-v1',
        vocabulary: parseVocabularyFile(readCheckedText(vocabularyPath, 'vocabulary', MAX_DATA_FILE_BYTES), basename(vocabularyPath)),
      };
    }
    const problems = checkSpec(spec);
    if (problems.length > 0) throw new UsageError(`The model spec is not usable: ${problems.join(' ')}`);
    // The model's own failures (an op TensorFlow.js lacks, a fixed batch size) are named before the data is read,
    // so they are not reported as a problem with the data.
    await auditableChecks(model, spec);
    if (spec.task === 'text' && atEps !== undefined) {
      // A text threshold reads a point of the sweep: the budget must be one the suite measures.
      const budgets = (customSuites?.text ?? textSuiteFor(suite)).budgets.filter((b) => b > 0);
      if (!budgets.some((b) => Math.abs(b - atEps) < 1e-9))
        throw new UsageError(`--at-eps for a text model is a share of words the ${suite} suite measures: one of ${budgets.join(', ')}; got ${atEps}.`);
    }

    // The data.
    const notices: string[] = [];
    const data = await readData(args.data, spec, notices);
    if (data.task !== spec.task)
      throw new UsageError(
        `The model takes ${spec.task === 'image' ? 'images' : 'text'}, but --data ${args.data} holds ${data.task === 'image' ? 'images' : 'texts'}.`,
      );
    let synonyms: ((w: string) => readonly string[]) | undefined;
    if (spec.task === 'text') {
      const synonymsPath = typeof args.synonyms === 'string' ? resolve(args.synonyms) : join(modelDir, 'synonyms.json');
      if (existsSync(synonymsPath)) {
        const table = readJson<SynonymTable>(synonymsPath, 'synonym table');
        synonyms = (w) => synonymCandidates(table, w);
      } else if (typeof args.synonyms === 'string') {
        throw new UsageError(`There is no synonym table at ${synonymsPath}.`);
      }
    }
    for (const notice of notices) log(`note: ${escapeForMessage(notice, Infinity)}`);

    const progress = progressPrinter(args.quiet === true);
    const referenceBudget = spec.task === 'image' ? (minRobust !== undefined ? (atEps ?? 0.1) : undefined) : undefined;
    const report = await runAudit(
      { model, spec, data, suite, customSuites, seed, referenceBudget, synonyms, environment: { runtime: 'node', backend: 'wasm' }, examples: limit },
      { onProgress: progress },
    );
    if (process.stderr.isTTY && args.quiet !== true) process.stderr.write('\n');
    const problemsInReport = validateReport(report);
    if (problemsInReport.length > 0) throw new Error(`The report does not validate against its schema: ${problemsInReport.join('; ')}`);

    writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(htmlPath, renderReportHtml(report));

    const lines: string[] = [];
    lines.push(`${report.model.name}: clean accuracy ${formatPercent(report.clean.accuracy)} on ${report.clean.examples} examples of ${report.data.name}`);
    for (const finding of report.findings) lines.push(`[${finding.severity}] ${finding.text}`);
    let exitCode: 0 | 1 = 0;
    if (minClean !== undefined) {
      const ok = report.clean.accuracy >= minClean;
      lines.push(`${ok ? 'PASS' : 'FAIL'} clean accuracy ${formatPercent(report.clean.accuracy)} ${ok ? '>=' : '<'} ${formatPercent(minClean)}`);
      if (!ok) exitCode = 1;
    }
    if (minRobust !== undefined) {
      const budget = spec.task === 'image' ? (atEps ?? 0.1) : (atEps ?? report.reference?.budget ?? 0);
      const robust = robustAccuracyAt(report, budget);
      if (robust === null) {
        lines.push(`FAIL no accuracy under ${report.reference?.attackId ?? 'the reference attack'} at budget ${budget} in the report (the attack did not run)`);
        exitCode = 1;
      } else {
        const ok = robust >= minRobust;
        lines.push(
          `${ok ? 'PASS' : 'FAIL'} accuracy under ${report.reference!.attackId} at ${budget}: ${formatPercent(robust)} ${ok ? '>=' : '<'} ${formatPercent(minRobust)}`,
        );
        if (!ok) exitCode = 1;
      }
    }
    lines.push(`wrote ${jsonPath}`, `wrote ${htmlPath}`);
    // Model, class and data names come from the user's files: a CI log shows them escaped.
    for (const [i, line] of lines.entries()) lines[i] = escapeForMessage(line, Infinity);
    for (const line of lines) log(line);
    return { report, exitCode, lines, jsonPath, htmlPath };
  } finally {
    model.dispose();
  }
}

/** The data named by --data, checked against the spec; the loaders' messages become usage errors (exit 2). */
async function readData(arg: string, spec: ModelSpec, notices: string[]): Promise<AuditData> {
  let data: AuditData;
  try {
    if (arg === 'mnist-test') {
      data = { task: 'image', name: 'MNIST test split (bundled)', split: loadMnistFromDisk('test') };
    } else if (arg === 'spam-test') {
      const path = join(PROJECT_ROOT, 'public', SPAM_SPLIT.urlPath, SPAM_SPLIT.files.test);
      data = { task: 'text', name: 'SpamAssassin test split (bundled)', examples: parseSpamSplit(JSON.parse(readFileSync(path, 'utf8')), path) };
    } else {
      const dataPath = resolve(arg);
      if (!existsSync(dataPath)) throw new UsageError(`There is no data at ${dataPath}. Give mnist-test, spam-test, a folder or a CSV.`);
      if (spec.task === 'image') {
        const [height, width, channels] = spec.inputShape;
        const loaded = await loadImageDataset(dataPath, { height, width, channels: channels as 1 | 3, numClasses: spec.classes.length, classes: spec.classes });
        notices.push(...loaded.notices);
        data = { task: 'image', name: basename(dataPath), split: loaded.split };
      } else {
        if (extname(dataPath).toLowerCase() !== '.csv') throw new UsageError(`Text data must be a CSV with columns text,label; got ${dataPath}.`);
        const parsed = parseTextCsv(readCheckedText(dataPath, 'CSV', MAX_DATA_FILE_BYTES), spec.classes, { source: basename(dataPath) });
        notices.push(...parsed.notices);
        data = { task: 'text', name: basename(dataPath), examples: parsed.examples };
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  return data;
}

/** Whether two output paths are one file: the same path, or (when both exist) the same file through a link. */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * What the command line prints for an error: one paragraph for an input the user can fix (exit 2), the stack too
 * for a crash (exit 3). Control and bidi characters from the user's files are escaped, whatever message holds them.
 */
export function errorLines(error: unknown): string[] {
  const message = escapeForMessage(error instanceof Error ? error.message : String(error), Infinity);
  if (exitCodeOf(error) === 2) return [`error: ${message}`, 'Run with --help for the options.'];
  return [`error: ${message}`, String((error as Error)?.stack ?? '')];
}

/** The exit code for an error: 2 when the user can fix the input, 3 otherwise. */
export function exitCodeOf(error: unknown): 2 | 3 {
  return error instanceof UsageError || error instanceof ModelLoadError || error instanceof AuditInputError || error instanceof RefusedFileError ? 2 : 3;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  audit(process.argv.slice(2)).then(
    (outcome) => process.exit(outcome?.exitCode ?? 0),
    (error) => {
      const code = exitCodeOf(error);
      for (const line of errorLines(error)) console.error(line);
      process.exit(code);
    },
  );
}
