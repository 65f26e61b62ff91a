import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reportResults, type RobustnessReport } from '../src/core/audit/report';
import { reportAtLimits } from '../src/core/audit/reportAtLimits';
import { REPORT_LIMITS } from '../src/core/audit/reportJsonSchema';
import { validateReport } from '../src/core/audit/reportSchema';
import { pngBomb, writeHugeInputModel } from '../scripts/hostileFixtures';
import { expect, screenshot, test } from './fixtures';

const MODEL_FILES = ['models/mnist-cnn/model.json', 'models/mnist-cnn/weights.bin'];
const SEED = 7;

/** The same audit from the command line, as CI would run it. */
function cliReport(out: string, model = 'models/mnist-cnn/model.json', data = 'mnist-test', seed = SEED): RobustnessReport {
  mkdirSync('test-results', { recursive: true });
  const run = spawnSync(
    'node_modules/.bin/tsx',
    ['scripts/audit.ts', '--model', model, '--data', data, '--suite', 'quick', '--seed', String(seed), '--out', out, '--quiet'],
    {
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as RobustnessReport;
}

test('upload mnist-cnn, check and save it, run the report on MNIST; JSON and HTML exports; the command line gives the same numbers', async ({
  page,
  context,
}) => {
  test.setTimeout(600_000);
  await page.goto(`/#lab=audit&seed=${SEED}&suite=quick`);
  await page.getByLabel('model files').setInputFiles(MODEL_FILES);
  const facts = page.getByLabel('loaded model');
  await expect(facts).toContainText('layers-model', { timeout: 60_000 });
  await expect(facts).toContainText('108,618 parameters');
  // The spec is filled in from the model: 28x28x1, ten classes, logits.
  await expect(page.getByLabel('Height')).toHaveValue('28');
  await expect(page.getByLabel('class names')).toHaveValue('0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
  await page.getByLabel('model name').fill('mnist-cnn');

  await page.getByRole('button', { name: 'Run the checks' }).click();
  for (const id of ['forward', 'output-shape', 'probabilities', 'gradients']) {
    await expect(page.getByTestId(`check-${id}`)).toContainText('pass');
  }
  await page.getByRole('button', { name: 'Save in this browser' }).click();
  await expect(page.getByRole('table', { name: 'saved models' })).toContainText('mnist-cnn');

  await page.getByRole('button', { name: 'Use MNIST test digits' }).click();
  await expect(page.getByTestId('data-summary')).toContainText('2,000 examples');
  await screenshot(page, 'audit-model-checked');

  await page.getByRole('button', { name: 'Run the report' }).click();
  await expect(page.getByLabel('progress')).toBeVisible();
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 400_000 });
  await expect(page.getByLabel('findings').locator('li')).not.toHaveCount(0);
  await expect(page.locator('.chart .recharts-line')).toHaveCount(4); // FGSM, PGD, Square (L∞); DeepFool (L2)
  await expect(page.getByLabel('worst examples').locator('img')).toHaveCount(12);
  await screenshot(page, 'audit-report');

  const jsonDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const browser = JSON.parse(readFileSync(await (await jsonDownload).path(), 'utf8')) as RobustnessReport;
  expect(validateReport(browser)).toEqual([]);
  expect(browser.environment.runtime).toBe('browser');
  expect(browser.suite).toEqual({ id: 'quick', seed: SEED, examples: 100 });

  const htmlDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export HTML' }).click();
  const htmlPath = resolve('test-results', 'audit-report.html');
  await (await htmlDownload).saveAs(htmlPath);

  // The HTML report opened from disk, offline: its charts are there.
  const offline = await context.newPage();
  await offline.goto(pathToFileURL(htmlPath).href);
  await expect(offline.locator('svg')).not.toHaveCount(0);
  await expect(offline.locator('h1')).toContainText('mnist-cnn');
  await screenshot(offline, 'audit-report-html');
  await offline.close();

  // The command line on the same model, data, suite and seed.
  const cli = cliReport(resolve('test-results', 'audit-cli.json'));
  expect(cli.environment.runtime).toBe('node');
  expect(reportResults(browser)).toEqual(reportResults(cli));

  // Import the CLI's report and compare it with the browser's, side by side.
  await page.getByLabel('import report').setInputFiles(resolve('test-results', 'audit-cli.json'));
  await expect(page.getByTestId('compare-view')).toContainText('Same weights');
  await screenshot(page, 'audit-compare');

  // A reload keeps the saved model; opening it restores the spec; deleting it empties the list.
  await page.reload();
  const saved = page.getByRole('table', { name: 'saved models' });
  await expect(saved).toContainText('mnist-cnn', { timeout: 30_000 });
  await expect(saved).toContainText('427.3 KB');
  await saved.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByLabel('model name')).toHaveValue('mnist-cnn', { timeout: 60_000 });
  await expect(page.getByTestId('check-gradients')).toContainText('pass'); // the checks run on load
  page.once('dialog', (dialog) => void dialog.accept());
  await saved.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('No saved models yet')).toBeVisible();
});

test('bad uploads get a clear message and leave the page usable', async ({ page }) => {
  await page.goto('/#lab=audit');
  // model.json without its weights.
  await page.getByLabel('model files').setInputFiles(['models/mnist-cnn/model.json']);
  await expect(page.getByRole('alert')).toContainText('missing: weights.bin. Add it next to model.json', { timeout: 60_000 });
  // A graph model whose op TensorFlow.js cannot run loads, and its forward check names the op.
  await page.getByLabel('model files').setInputFiles(['e2e/fixtures/unsupported-op-graph/model.json', 'e2e/fixtures/unsupported-op-graph/weights.bin']);
  await expect(page.getByLabel('loaded model')).toContainText('graph-model', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-forward')).toContainText('"MyCustomOp"');
  await expect(page.getByRole('button', { name: 'Save in this browser' })).toBeDisabled();
  // Files dropped on the drop zone, as from a file manager.
  const dropped = await page.evaluateHandle(
    (files) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of files) transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
      return transfer;
    },
    ['model.json', 'weights.bin'].map((name) => ({ name, base64: readFileSync(`e2e/fixtures/mnist-mlp-graph/${name}`).toString('base64') })),
  );
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByLabel('loaded model')).toContainText('graph-model', { timeout: 60_000 });
  await expect(page.getByTestId('check-forward')).toContainText('pass');
  // A model by URL (here the app's own copy of mnist-mlp).
  await page.getByLabel('model URL').fill(new URL('/models/mnist-mlp/model.json', page.url()).href);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByLabel('loaded model')).toContainText('235,146 parameters', { timeout: 60_000 });
  await page.getByLabel('model URL').fill('not a url');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('is not a URL');
  // The right files still load after the bad ones.
  await page.getByLabel('model files').setInputFiles(['e2e/fixtures/mnist-mlp-graph/model.json', 'e2e/fixtures/mnist-mlp-graph/weights.bin']);
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-gradients')).toContainText('pass');
  // Class names that do not match the output.
  await page.getByLabel('class names').fill('cat, dog');
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-output-shape')).toContainText('outputs 10 scores but the spec names 2 classes');
  await screenshot(page, 'audit-bad-input');
});

test('uploaded PNG digits with a labels CSV are decoded in the browser and checked; a text model audits a CSV of emails', async ({ page }) => {
  test.setTimeout(300_000);
  // Ten test digits written as PNG files, and a CSV that labels them.
  const dir = resolve('test-results', 'audit-digits');
  mkdirSync(dir, { recursive: true });
  const images = readFileSync('public/data/mnist/test-images.u8');
  const labels = readFileSync('public/data/mnist/test-labels.u8');
  const rows = ['file,label'];
  const files: string[] = [];
  for (let i = 0; i < 10; i++) {
    const png = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) png.data.set([images[i * 784 + p], images[i * 784 + p], images[i * 784 + p], 255], p * 4);
    const file = resolve(dir, `digit-${i}.png`);
    writeFileSync(file, PNG.sync.write(png));
    files.push(file);
    rows.push(`digit-${i}.png,${labels[i]}`);
  }
  writeFileSync(resolve(dir, 'labels.csv'), rows.join('\n') + '\n');
  // The same digits as a folder with one subfolder per class.
  const folder = resolve('test-results', 'audit-digit-folder');
  for (let i = 0; i < 10; i++) {
    mkdirSync(resolve(folder, String(labels[i])), { recursive: true });
    writeFileSync(resolve(folder, String(labels[i]), `digit-${i}.png`), readFileSync(files[i]));
  }
  const small = new PNG({ width: 10, height: 10 });
  writeFileSync(resolve(dir, 'small.png'), PNG.sync.write(small));

  await page.goto('/#lab=audit');
  await page.getByLabel('model files').setInputFiles(MODEL_FILES);
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-gradients')).toContainText('pass', { timeout: 60_000 });
  await page.getByLabel('my images').check();
  await page.getByLabel('image files').setInputFiles(files);
  await page.getByLabel('labels CSV').setInputFiles(resolve(dir, 'labels.csv'));
  await page.getByRole('button', { name: 'Check and use these images' }).click();
  const counts = Array.from(labels.subarray(0, 10)).reduce((acc, l) => ((acc[l] = (acc[l] ?? 0) + 1), acc), {} as Record<number, number>);
  await expect(page.getByTestId('data-summary')).toContainText('labels.csv');
  for (const [label, n] of Object.entries(counts)) await expect(page.getByTestId('data-summary')).toContainText(`${label}: ${n}`);
  // A folder: labels from the subfolder names.
  await page.getByLabel('labels CSV').setInputFiles([]);
  await page.getByLabel('image folder').setInputFiles(folder);
  await page.getByRole('button', { name: 'Check and use these images' }).click();
  await expect(page.getByTestId('data-summary')).toContainText('audit-digit-folder');
  for (const [label, n] of Object.entries(counts)) await expect(page.getByTestId('data-summary')).toContainText(`${label}: ${n}`);
  // A picture of the wrong size is refused with both sizes named.
  await page.getByLabel('image files').setInputFiles([...files, resolve(dir, 'small.png')]);
  await page.getByLabel('labels CSV').setInputFiles({ name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from([...rows, 'small.png,3'].join('\n')) });
  await page.getByRole('button', { name: 'Check and use these images' }).click();
  await expect(page.getByRole('alert')).toContainText('10x10');

  // The spam filter as a user's text model: the example vocabulary, class names, a CSV of four emails.
  await page.getByLabel('model files').setInputFiles(['models/spam-bow/model.json', 'models/spam-bow/weights.bin']);
  await expect(page.getByLabel('task')).toHaveValue('text', { timeout: 60_000 });
  await expect(page.getByLabel('Tokens per input')).toHaveValue('300');
  await page.getByRole('button', { name: "use spam-bow's (example)" }).click();
  await expect(page.getByText('20,000 words')).toBeVisible();
  await page.getByLabel('class names').fill('ham, spam');
  await page.getByLabel('model name').fill('spam-bow');
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-gradients')).toContainText('pass');
  const split = JSON.parse(readFileSync('public/data/spam/test.json', 'utf8')) as { text: string; label: number }[];
  const quote = (t: string) => `"${t.slice(0, 1500).replace(/"/g, '""')}"`;
  const emails = [...split.filter((e) => e.label === 1).slice(0, 3), ...split.filter((e) => e.label === 0).slice(0, 1)];
  const csv = ['text,label', ...emails.map((e) => `${quote(e.text)},${e.label === 1 ? 'spam' : 'ham'}`)].join('\n');
  const csvPath = resolve(dir, 'emails.csv');
  writeFileSync(csvPath, csv);
  await page.getByLabel('my CSV (text,label)').check();
  // The synonym table the command line finds beside the model; here the user gives it.
  await page.getByLabel('synonym table').setInputFiles('models/spam-bow/synonyms.json');
  await page.getByLabel('text CSV').setInputFiles(csvPath);
  await expect(page.getByTestId('data-summary')).toContainText('4 examples; ham: 1, spam: 3');
  await page.getByRole('button', { name: 'Run the report' }).click();
  await expect(page.getByTestId('report-view')).toBeVisible({ timeout: 240_000 });
  const table = page.getByRole('table', { name: 'attack results' });
  for (const name of ['Character edits', 'Unicode (homoglyphs, invisible, bidi), normalizer, adaptive attacker', 'Word (synonyms, good words)'])
    await expect(table).toContainText(name);
  await screenshot(page, 'audit-text-report');

  // The command line on the same model, CSV, suite and seed (42, the page's default) gives the same report.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const browser = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as RobustnessReport;
  expect(reportResults(browser)).toEqual(reportResults(cliReport(resolve('test-results', 'audit-text-cli.json'), 'models/spam-bow/model.json', csvPath, 42)));
});

test('a report at every size limit imports and shows; one over a limit and a broken HTML report are refused with a message', async ({ page }) => {
  await page.goto('/#lab=audit');
  const dir = resolve('test-results', 'audit-imports');
  mkdirSync(dir, { recursive: true });
  const largest = reportAtLimits();
  const largestPath = resolve(dir, 'largest.json');
  writeFileSync(largestPath, JSON.stringify(largest));
  await page.getByLabel('import report').setInputFiles(largestPath);
  await expect(page.getByTestId('report-view')).toBeVisible();
  await expect(page.getByTestId('report-view')).toContainText(`${REPORT_LIMITS.attacks} attacks have more than 20 budgets: the table shows 20 of them`);
  await expect(page.getByTestId('report-view')).toContainText('The first 200 of 10,000 classes');
  await expect(page.getByRole('table', { name: 'attack results' }).locator('tbody tr')).toHaveCount(REPORT_LIMITS.attacks * 20);
  await expect(page.getByLabel('worst examples')).toContainText(`and ${REPORT_LIMITS.changes - 50} more`);
  // The page is long: a picture of where the report starts.
  await page.getByTestId('report-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/audit-largest-report.png' });

  const over = structuredClone(largest);
  over.attacks[5].points.push(over.attacks[5].points[0]);
  writeFileSync(resolve(dir, 'over.json'), JSON.stringify(over));
  await page.getByLabel('import report').setInputFiles(resolve(dir, 'over.json'));
  await expect(page.getByRole('alert')).toContainText(
    `over.json does not match the report schema: /attacks/5/points must NOT have more than ${REPORT_LIMITS.points} items`,
  );
  await page.getByLabel('import report').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<!doctype html><p>not a report</p>') });
  await expect(page.getByRole('alert')).toContainText('page.html: this HTML file has no embedded report');
  const broken = '<!doctype html><script type="application/json" id="report-data">{"kind": </script>';
  await page.getByLabel('import report').setInputFiles({ name: 'broken.html', mimeType: 'text/html', buffer: Buffer.from(broken) });
  await expect(page.getByRole('alert')).toContainText('broken.html: the embedded report is not valid JSON:');
});

test('hostile uploads: a malformed manifest, a declared 4096x4096x3 input and a PNG bomb each get a message', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#lab=audit');
  const weights = { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync('models/mnist-cnn/weights.bin') };
  const json = JSON.parse(readFileSync('models/mnist-cnn/model.json', 'utf8'));
  json.weightsManifest[0].weights[2] = null;
  await page
    .getByLabel('model files')
    .setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) }, weights]);
  await expect(page.getByRole('alert')).toContainText('weightsManifest[0].weights[2] must be an object, not null', { timeout: 60_000 });

  // 32 bytes of weights declaring a 4096x4096x3 input: refused by the spec, before any probe batch is made.
  const dir = resolve('test-results', 'audit-huge-input');
  mkdirSync(dir, { recursive: true });
  await writeHugeInputModel(dir);
  await page.getByLabel('model files').setInputFiles([resolve(dir, 'model.json'), resolve(dir, 'weights.bin')]);
  await expect(page.getByLabel('loaded model')).toContainText('layers-model', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByRole('alert')).toContainText('over the 4,194,304 (1024 x 1024 x 4)');

  // A 30000x30000 PNG of a few hundred bytes is refused from its header, not decoded by the browser.
  await page.getByLabel('model files').setInputFiles(MODEL_FILES);
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await expect(page.getByTestId('check-gradients')).toContainText('pass', { timeout: 60_000 });
  await page.getByLabel('my images').check();
  await page.getByLabel('image files').setInputFiles({ name: 'bomb.png', mimeType: 'image/png', buffer: Buffer.from(pngBomb()) });
  await page.getByLabel('labels CSV').setInputFiles({ name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from('file,label\nbomb.png,3\n') });
  await page.getByRole('button', { name: 'Check and use these images' }).click();
  await expect(page.getByRole('alert')).toContainText('bomb.png declares 30000x30000 pixels in its PNG header');
  await screenshot(page, 'audit-hostile-input');
});
