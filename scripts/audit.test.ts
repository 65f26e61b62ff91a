/**
 * `npm run audit` end to end: real audits of the bundled models, in process (through `audit`) and as real processes
 * (for the exit codes and the messages a CI log shows). Nothing of the audit is mocked.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportResults, type RobustnessReport } from '../src/core/audit/report';
import { reportJsonFromHtml } from '../src/core/audit/reportHtml';
import { parseReportJson, validateReport } from '../src/core/audit/reportSchema';
import { audit, errorLines, exitCodeOf, UsageError, type AuditOutcome } from './audit';
import { pngBomb, sparseFile, writeHugeInputModel } from './hostileFixtures';
import { grayPng } from './imageFixtures';
import { loadMnistFromDisk, loadModelFromDisk, sha256Hex, useNodeWasm } from './node-tf';
import { MODELS_DIR, PROJECT_ROOT } from './paths';

const MNIST_CNN = join(MODELS_DIR, 'mnist-cnn', 'model.json');
const SPAM_BOW = join(MODELS_DIR, 'spam-bow', 'model.json');
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  tempDirs.push(dir);
  return dir;
}

/** `audit` with its output lines collected instead of printed. */
async function runInProcess(argv: string[]): Promise<{ outcome: AuditOutcome; logged: string[] }> {
  const logged: string[] = [];
  const outcome = await audit(argv, (line) => logged.push(line));
  if (!outcome) throw new Error('expected an audit, got --help');
  return { outcome, logged };
}

/** `tsx scripts/audit.ts ...` as CI runs it. */
function runCli(argv: string[], timeout = 60_000) {
  const result = spawnSync(TSX, ['scripts/audit.ts', ...argv], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runCli` under /usr/bin/time: also the largest resident memory of the process tree, in MB. */
function runCliMeasured(argv: string[], timeout = 30_000) {
  const timing = join(tempDir(), 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timing, TSX, 'scripts/audit.ts', ...argv], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    maxRssMb: Number(readFileSync(timing, 'utf8').trim().split('\n').pop()) / 1024,
  };
}

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RobustnessReport;
const attackOf = (report: RobustnessReport, id: string) => {
  const attack = report.attacks.find((a) => a.id === id);
  if (!attack) throw new Error(`no attack ${id} in the report`);
  return attack;
};

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run audit on mnist-cnn', () => {
  const args = (out: string) => [
    '--model',
    MNIST_CNN,
    '--data',
    'mnist-test',
    '--suite',
    'quick',
    '--limit',
    '30',
    '--seed',
    '7',
    '--out',
    out,
    '--quiet',
    '--min-robust-accuracy',
    '0.5',
    '--at-eps',
    '0.1',
  ];
  let first: AuditOutcome;
  let logged: string[];
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    ({ outcome: first, logged } = await runInProcess(args(join(dir, 'r.json'))));
  }, 180_000);

  it('writes a JSON report that validates and that an import accepts', () => {
    expect(first.jsonPath).toBe(join(dir, 'r.json'));
    expect(first.htmlPath).toBe(join(dir, 'r.html'));
    const text = readFileSync(first.jsonPath, 'utf8');
    expect(validateReport(JSON.parse(text))).toEqual([]);
    expect(parseReportJson(text, 'r.json')).toEqual(JSON.parse(text));
    expect(JSON.parse(text)).toEqual(first.report);
    expect(logged.slice(-2)).toEqual([`wrote ${first.jsonPath}`, `wrote ${first.htmlPath}`]);
  });

  it('writes a self-contained HTML report that embeds the same JSON', () => {
    const html = readFileSync(first.htmlPath, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    const open = '<script type="application/json" id="report-data">';
    const start = html.indexOf(open);
    expect(start).toBeGreaterThan(0);
    const end = html.indexOf('</script>', start);
    const outsideJson = html.slice(0, start) + html.slice(end);
    expect(outsideJson).not.toMatch(/https?:\/\//);
    expect(reportJsonFromHtml(html)).toEqual(readReport(first.jsonPath));
  });

  it('reports the clean accuracy an independent count of the first 30 test digits gives', async () => {
    await useNodeWasm();
    const { model } = await loadModelFromDisk('mnist-cnn');
    const test = loadMnistFromDisk('test');
    const n = 30;
    const size = test.height * test.width * test.channels;
    const pixels = Float32Array.from(test.images.subarray(0, n * size), (v) => v / 255);
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(pixels, [n, test.height, test.width, test.channels])) as tf.Tensor).argMax(-1).dataSync());
    model.dispose();
    let correct = 0;
    for (let i = 0; i < n; i++) if (predicted[i] === test.labels[i]) correct++;
    expect(first.report.clean).toEqual({ accuracy: correct / n, correct, examples: n });
    expect(first.report.data).toMatchObject({ name: 'MNIST test split (bundled)', examples: n, available: test.count });
    expect(first.report.suite).toEqual({ id: 'quick', seed: 7, examples: n });
    expect(logged[0]).toBe(`mnist-cnn: clean accuracy ${((100 * correct) / n).toFixed(1)}% on 30 examples of MNIST test split (bundled)`);
  });

  it('has PGD accuracy non-increasing in the budget, and FGSM at budget 0 equal to the clean accuracy', () => {
    const pgd = attackOf(first.report, 'pgd').points;
    expect(pgd.length).toBeGreaterThan(3);
    for (let i = 1; i < pgd.length; i++) {
      expect(pgd[i].budget).toBeGreaterThan(pgd[i - 1].budget);
      expect(pgd[i].accuracy).toBeLessThanOrEqual(pgd[i - 1].accuracy);
    }
    expect(pgd.at(-1)!.accuracy).toBeLessThan(first.report.clean.accuracy);
    const fgsmAtZero = attackOf(first.report, 'fgsm').points.find((p) => p.budget === 0);
    expect(fgsmAtZero?.accuracy).toBe(first.report.clean.accuracy);
  });

  it('ties the report to the exact weights', () => {
    expect(first.report.model.weightsSha256).toBe(sha256Hex(new Uint8Array(readFileSync(join(MODELS_DIR, 'mnist-cnn', 'weights.bin')))));
    expect(first.report.model).toMatchObject({ name: 'mnist-cnn', format: 'layers-model', task: 'image', inputShape: [28, 28, 1] });
  });

  it('makes PGD at --at-eps the reference, and judges the threshold on it', () => {
    expect(first.report.reference).toEqual({ attackId: 'pgd', budget: 0.1 });
    const robust = attackOf(first.report, 'pgd').points.find((p) => Math.abs(p.budget - 0.1) < 1e-9)!.accuracy;
    const pass = robust >= 0.5;
    expect(first.exitCode).toBe(pass ? 0 : 1);
    expect(first.lines).toContain(`${pass ? 'PASS' : 'FAIL'} accuracy under pgd at 0.1: ${(100 * robust).toFixed(1)}% ${pass ? '>=' : '<'} 50.0%`);
    expect(first.report.perClass).toHaveLength(10);
  });

  it('gives the same results when run again with the same seed', async () => {
    const { outcome: second } = await runInProcess(args(join(tempDir(), 'r.json')));
    expect(reportResults(second.report)).toEqual(reportResults(first.report));
    expect(second.lines.slice(0, -2)).toEqual(first.lines.slice(0, -2));
  }, 180_000);
});

describe('thresholds', () => {
  it('exits 1 as a process when a threshold cannot be met, and says which', () => {
    const dir = tempDir();
    const { status, stdout, stderr } = runCli(
      [
        '--model',
        'models/mnist-cnn/model.json',
        '--data',
        'mnist-test',
        '--limit',
        '20',
        '--min-robust-accuracy',
        '1',
        '--at-eps',
        '0.3',
        '--out',
        join(dir, 'x.json'),
        '--quiet',
      ],
      240_000,
    );
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout.split('\n').some((line) => line.startsWith('FAIL accuracy under pgd at 0.3'))).toBe(true);
    // The report is still written, for the CI artifact.
    expect(validateReport(readReport(join(dir, 'x.json')))).toEqual([]);
    expect(existsSync(join(dir, 'x.html'))).toBe(true);
  }, 240_000);

  it('returns exit code 0 when the threshold is met', async () => {
    const dir = tempDir();
    const { outcome } = await runInProcess([
      '--model',
      MNIST_CNN,
      '--data',
      'mnist-test',
      '--limit',
      '10',
      '--min-robust-accuracy',
      '0',
      '--at-eps',
      '0.1',
      '--out',
      join(dir, 'ok.json'),
      '--quiet',
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.lines.some((line) => line.startsWith('PASS accuracy under pgd at 0.1'))).toBe(true);
  }, 180_000);
});

describe('a suite file: your own budgets and attack parameters', () => {
  it('runs the budgets and iterations it names, in the report', async () => {
    const dir = tempDir();
    const suiteFile = join(dir, 'suite.json');
    writeFileSync(
      suiteFile,
      JSON.stringify({
        kind: 'adversarial-playground/audit-suite',
        version: 1,
        name: 'tiny',
        base: 'quick',
        image: {
          linfBudgets: [0.2, 0.05],
          pgdIterations: 3,
          l2Budgets: [1],
          square: { examples: 5, queries: 20, budgets: [0.2] },
          reference: { attackId: 'pgd', budget: 0.05 },
          extraction: null,
        },
      }),
    );
    const { outcome } = await runInProcess([
      '--model',
      MNIST_CNN,
      '--data',
      'mnist-test',
      '--limit',
      '12',
      '--suite-file',
      suiteFile,
      '--out',
      join(dir, 'r.json'),
      '--quiet',
    ]);
    expect(outcome.exitCode).toBe(0);
    const report = readReport(join(dir, 'r.json'));
    expect(report.suite.id).toBe('custom: tiny');
    const pgd = report.attacks.find((a) => a.id === 'pgd')!;
    // Sorted, with budget 0 (the clean accuracy) added; PGD with the file's 3 iterations.
    expect(pgd.points.map((p) => p.budget)).toEqual([0, 0.05, 0.2]);
    expect(pgd.name).toBe('PGD-3');
    expect(report.attacks.find((a) => a.id === 'square')!.points.map((p) => p.budget)).toEqual([0.2]);
    expect(report.extraction).toBeNull();
    expect(report.reference).toEqual({ attackId: 'pgd', budget: 0.05 });
  }, 180_000);

  it('refuses a bad suite file with exit 2 and names the field', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ kind: 'adversarial-playground/audit-suite', version: 1, base: 'quick', image: { linfBudgets: [0, 8], pgdItrations: 5 } }),
    );
    const { status, stderr } = runCli(['--model', MNIST_CNN, '--data', 'mnist-test', '--suite-file', bad, '--out', join(dir, 'x.json')]);
    expect(status).toBe(2);
    expect(stderr).toContain('"bad.json" is not a suite file');
    expect(stderr).toContain('/image must NOT have additional properties "pgdItrations"');
    expect(stderr).toContain('/image/linfBudgets/1 must be <= 1');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});

describe('bad arguments and bad files exit 2 with a message, before any compute', () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    dir = tempDir();
    out = join(dir, 'never.json');
    writeFileSync(join(dir, 'broken.json'), '{"modelTopology": ');
    mkdirSync(join(dir, 'no-weights'));
    copyFileSync(MNIST_CNN, join(dir, 'no-weights', 'model.json'));
    mkdirSync(join(dir, 'no-model-json'));
    mkdirSync(join(dir, 'small-images', '3'), { recursive: true });
    writeFileSync(
      join(dir, 'small-images', '3', 'digit.png'),
      grayPng(10, 10, () => 255),
    );
  });

  const withModel = (...rest: string[]) => ['--model', 'models/mnist-cnn/model.json', '--data', 'mnist-test', '--limit', '2', '--quiet', '--out', out, ...rest];
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown option', () => ['--frobnicate'], /Unknown option --frobnicate\./],
    ['no --model', () => ['--data', 'mnist-test'], /Give the model: --model path\/to\/model\.json\./],
    ['an unknown suite', () => withModel('--suite', 'huge'), /--suite must be one of quick, standard; got "huge"\./],
    ['--at-eps without --min-robust-accuracy', () => withModel('--at-eps', '0.1'), /--at-eps sets the budget of --min-robust-accuracy: give both\./],
    ['a threshold above 1', () => withModel('--min-robust-accuracy', '2'), /--min-robust-accuracy must be a share between 0 and 1; got "2"\./],
    [
      'a model path that does not exist',
      () => ['--model', join(dir, 'nowhere', 'model.json'), '--data', 'mnist-test', '--out', out],
      /There is no model at .*nowhere[/\\]model\.json\./,
    ],
    [
      'a folder without model.json',
      () => ['--model', join(dir, 'no-model-json'), '--data', 'mnist-test', '--out', out],
      /There is no model\.json in .*no-model-json/,
    ],
    [
      'a model.json that is not JSON',
      () => ['--model', join(dir, 'broken.json'), '--data', 'mnist-test', '--out', out],
      /broken\.json is not valid JSON .*Pick the model\.json/,
    ],
    [
      'a model without its weights file',
      () => ['--model', join(dir, 'no-weights', 'model.json'), '--data', 'mnist-test', '--out', out],
      /names 1 weight file; missing: weights\.bin\. Add it next to model\.json/,
    ],
    [
      'images of the wrong size',
      () => ['--model', 'models/mnist-cnn/model.json', '--data', join(dir, 'small-images'), '--out', out],
      /digit\.png is 10x10 pixels but the model takes 28x28 .*Resize the images to 28x28/,
    ],
    [
      'class names that do not match the output',
      () => withModel('--classes', 'a,b,c'),
      /outputs 10 scores but the spec names 3 classes\. Give exactly 10 class names\./,
    ],
    [
      'an --out folder that does not exist',
      () => withModel('--out', join(dir, 'missing-folder', 'r.json')),
      /The folder of --out .*missing-folder[/\\]r\.json does not exist/,
    ],
    [
      'a text --at-eps the suite does not measure',
      () => ['--model', 'models/spam-bow/model.json', '--data', 'spam-test', '--out', out, '--min-robust-accuracy', '0.5', '--at-eps', '0.07'],
      /--at-eps for a text model .*one of 0\.05, 0\.1, 0\.15; got 0\.07\./,
    ],
  ];

  it.each(cases)('%s', (_name, argv, message) => {
    const { status, stdout, stderr } = runCli(argv());
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Run with --help for the options.');
    expect(stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(status).toBe(2);
    expect(stdout).not.toContain('wrote');
    expect(existsSync(out)).toBe(false);
  });

  it('throws a UsageError in process, which maps to exit code 2 (and anything else to 3)', async () => {
    const error = await audit(['--frobnicate'], () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeOf(error)).toBe(2);
    expect(exitCodeOf(new TypeError('boom'))).toBe(3);
  });

  it('prints one paragraph with control and bidi characters escaped for exit 2, the stack only for exit 3', () => {
    expect(errorLines(new UsageError('The label "x\u202Ey\nFAKE" is bad.'))).toEqual([
      'error: The label "x\\u{202E}y\\u{000A}FAKE" is bad.',
      'Run with --help for the options.',
    ]);
    const crash = errorLines(new TypeError('boom'));
    expect(crash[0]).toBe('error: boom');
    expect(crash[1]).toMatch(/^TypeError: boom\n\s+at /);
  });
});

describe('hostile files exit 2 with a message, in bounded time and memory, and write nothing', () => {
  let dir: string;
  let out: string;
  const cnnJson = () => JSON.parse(readFileSync(MNIST_CNN, 'utf8'));
  /** A folder holding mnist-cnn's model.json, edited, and whatever weight file `weights` leaves in it. */
  const modelFolder = (
    name: string,
    edit: (json: any) => void = () => undefined,
    weights: (folder: string) => void = (f) => copyFileSync(join(MODELS_DIR, 'mnist-cnn', 'weights.bin'), join(f, 'weights.bin')),
  ) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    const json = cnnJson();
    edit(json);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    weights(folder);
    return join(folder, 'model.json');
  };
  const setPaths = (paths: unknown[]) => (json: any) => (json.weightsManifest[0].paths = paths);
  const digits = (folder: string, name = 'a.png') => {
    mkdirSync(join(folder, '3'), { recursive: true });
    writeFileSync(
      join(folder, '3', name),
      grayPng(28, 28, () => 255),
    );
    return folder;
  };

  beforeAll(async () => {
    await useNodeWasm();
    dir = tempDir();
    out = join(dir, 'never.json');
    writeFileSync(join(dir, 'outside.bin'), readFileSync(join(MODELS_DIR, 'mnist-cnn', 'weights.bin')));
  });

  const cases: [string, () => Promise<string[]> | string[], RegExp][] = [
    [
      'a manifest path with ../ leaving the model folder',
      () => ['--model', modelFolder('dotdot', setPaths(['../outside.bin'])), '--data', 'mnist-test', '--out', out],
      /names a weight file "\.\.\/outside\.bin", which is outside its folder\. Keep the files/,
    ],
    [
      'a manifest path naming /dev/zero',
      () => ['--model', modelFolder('devzero', setPaths(['/dev/zero'])), '--data', 'mnist-test', '--out', out],
      /names a weight file by an absolute path, "\/dev\/zero"/,
    ],
    [
      'a weight file that is a link to /dev/zero',
      () => ['--model', modelFolder('link-zero', undefined, (f) => symlinkSync('/dev/zero', join(f, 'weights.bin'))), '--data', 'mnist-test', '--out', out],
      /"weights\.bin", a link to \/dev\/zero, outside its folder/,
    ],
    [
      'a weight file that is a link to a file outside the folder',
      () => [
        '--model',
        modelFolder('link-out', undefined, (f) => symlinkSync(join(dir, 'outside.bin'), join(f, 'weights.bin'))),
        '--data',
        'mnist-test',
        '--out',
        out,
      ],
      /a link to .*outside\.bin, outside its folder/,
    ],
    [
      'a manifest path naming a folder',
      () => ['--model', modelFolder('folder-shard', setPaths(['sub']), (f) => mkdirSync(join(f, 'sub'))), '--data', 'mnist-test', '--out', out],
      /names a weight file "sub", which is a folder, not a file/,
    ],
    // 300 MB that take no disk: refused by its size (stat) before a byte is read.
    [
      'a 300 MB (sparse) weight file',
      () => ['--model', modelFolder('sparse', undefined, (f) => sparseFile(join(f, 'weights.bin'), 300 * 1024 * 1024)), '--data', 'mnist-test', '--out', out],
      /The weights take 300\.0 MB, over the 256\.0 MB/,
    ],
    [
      'a manifest entry that is null',
      () => ['--model', modelFolder('null-entry', (json) => (json.weightsManifest[0].weights[2] = null)), '--data', 'mnist-test', '--out', out],
      /malformed "weightsManifest": weightsManifest\[0\]\.weights\[2\] must be an object, not null/,
    ],
    [
      'a manifest path that is not a string',
      () => ['--model', modelFolder('number-path', setPaths([42])), '--data', 'mnist-test', '--out', out],
      /weightsManifest\[0\]\.paths\[0\] must be a string, not number/,
    ],
    [
      'float16 weights',
      () => ['--model', modelFolder('float16', (json) => (json.weightsManifest[0].weights[0].dtype = 'float16')), '--data', 'mnist-test', '--out', out],
      /dtype is "float16"; .*does not read float16/,
    ],
    [
      '40 bytes of weights declaring a 4096x4096x3 input',
      async () => {
        const folder = join(dir, 'huge-input');
        mkdirSync(folder);
        return ['--model', await writeHugeInputModel(folder), '--data', 'mnist-test', '--out', out];
      },
      /input takes 4096 x 4096 x 3 = 50,331,648 numbers per example, over the 4,194,304 \(1024 x 1024 x 4\)/,
    ],
    [
      'a PNG decompression bomb (30000x30000) in the data folder',
      () => {
        const folder = digits(join(dir, 'bomb-images'));
        writeFileSync(join(folder, '3', 'bomb.png'), pngBomb());
        return ['--model', MNIST_CNN, '--data', folder, '--out', out];
      },
      /bomb\.png declares 30000x30000 pixels in its PNG header, over the 4,194,304 pixels .* it was not decoded/,
    ],
    [
      'a labels CSV naming a file outside its folder',
      () => {
        const folder = digits(join(dir, 'csv-dotdot'));
        writeFileSync(join(folder, 'labels.csv'), 'file,label\n3/a.png,3\n../outside.png,3\n');
        return ['--model', MNIST_CNN, '--data', join(folder, 'labels.csv'), '--out', out];
      },
      /labels\.csv names an image "\.\.\/outside\.png", which is outside its folder/,
    ],
    [
      'a labels CSV naming /dev/zero',
      () => {
        const folder = digits(join(dir, 'csv-zero'));
        writeFileSync(join(folder, 'labels.csv'), 'file,label\n/dev/zero,3\n');
        return ['--model', MNIST_CNN, '--data', join(folder, 'labels.csv'), '--out', out];
      },
      /labels\.csv names an image by an absolute path, "\/dev\/zero"/,
    ],
    [
      'a labels CSV naming a link to /dev/zero',
      () => {
        const folder = digits(join(dir, 'csv-link'));
        symlinkSync('/dev/zero', join(folder, 'zero.png'));
        writeFileSync(join(folder, 'labels.csv'), 'file,label\nzero.png,3\n');
        return ['--model', MNIST_CNN, '--data', join(folder, 'labels.csv'), '--out', out];
      },
      /"zero\.png", a link to \/dev\/zero, outside its folder/,
    ],
    [
      'a model.json without a weightsManifest',
      () => ['--model', modelFolder('no-manifest', (json) => delete json.weightsManifest), '--data', 'mnist-test', '--out', out],
      /has no "weightsManifest", so it names no weight files/,
    ],
    [
      '--html naming the --out file',
      () => ['--model', MNIST_CNN, '--data', 'mnist-test', '--limit', '2', '--out', out, '--html', out],
      /--html and --out name the same file/,
    ],
    // Without --classes the folder "cat" is not a class; the op the model lacks is the first thing to fix.
    [
      'a graph model with an op TensorFlow.js lacks, without --classes',
      () => {
        const folder = join(dir, 'cat-images');
        digits(folder);
        renameSync(join(folder, '3'), join(folder, 'cat'));
        return ['--model', join(PROJECT_ROOT, 'e2e', 'fixtures', 'unsupported-op-graph', 'model.json'), '--data', folder, '--out', out];
      },
      /uses the operation "MyCustomOp", which TensorFlow\.js cannot run/,
    ],
  ];

  // Measured on this shared 2-core machine (each a fresh tsx process, /usr/bin/time): 3 to 9 s and 179 to 194 MB of
  // maximum resident memory per case, what an immediate usage error costs (tsx and tfjs start-up); before the fixes
  // the huge input took over 2 GB, the bomb over 5 GB, and /dev/zero was read until memory ran out.
  it.each(cases)(
    '%s',
    async (_name, argv, message) => {
      const { status, stdout, stderr, maxRssMb } = runCliMeasured(await argv());
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Run with --help for the options.');
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(status).toBe(2);
      expect(stdout).not.toContain('wrote');
      expect(existsSync(out)).toBe(false);
      expect(maxRssMb).toBeLessThan(1024);
    },
    60_000,
  );
});

describe('npm run audit on a text model', () => {
  it('audits spam-bow on the spam test split: character, Unicode and word attacks, budgets in word shares', async () => {
    const dir = tempDir();
    const { outcome } = await runInProcess([
      '--model',
      SPAM_BOW,
      '--data',
      'spam-test',
      '--limit',
      '6',
      '--suite',
      'quick',
      '--out',
      join(dir, 's.json'),
      '--quiet',
    ]);
    const report = readReport(outcome.jsonPath);
    expect(validateReport(report)).toEqual([]);
    expect(report).toEqual(outcome.report);
    expect(outcome.exitCode).toBe(0);
    expect(report.model).toMatchObject({ name: 'spam-bow', task: 'text', classes: ['ham', 'spam'] });
    expect(report.data).toMatchObject({ name: 'SpamAssassin test split (bundled)', examples: 6 });
    expect(report.extraction).toBeNull();
    const ids = report.attacks.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(['character/none', 'character/normalizer', 'character/adaptive']));
    expect(ids.some((id) => id.startsWith('unicode/'))).toBe(true);
    expect(ids.some((id) => id.startsWith('word/'))).toBe(true);
    for (const attack of report.attacks.filter((a) => !a.skipped)) {
      expect(attack.budgetUnit).toBe('word-share');
      expect(attack.points.map((p) => p.budget)).toEqual([0, 0.05, 0.1, 0.15]);
    }
    expect(report.perClass).toHaveLength(2);
    expect(report.reference).toMatchObject({ budget: 0.15 });
    expect(report.reference!.attackId).toMatch(/\/none$/);
    expect(reportJsonFromHtml(readFileSync(outcome.htmlPath, 'utf8'))).toEqual(report);
  }, 180_000);
});

describe('--help', () => {
  it('prints the usage and returns undefined', async () => {
    const logged: string[] = [];
    expect(await audit(['--help'], (line) => logged.push(line))).toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^Usage: npm run audit -- --model <model\.json> --data <data>/);
    expect(logged[0]).toContain('--min-robust-accuracy');
    expect(logged[0]).toContain('Exit codes: 0 thresholds met, 1 a threshold missed, 2 bad arguments or files, 3 unexpected error.');
  });
});
