import { expect, screenshot, test } from './fixtures';

test('the shell loads, a bundled model runs in the worker and predicts a test digit', async ({ page, watch }) => {
  await page.goto('/#lab=image&model=mnist-cnn&digit=3');

  // Shell: navigation between labs, model picker with the card, status bar.
  await expect(page.getByRole('navigation', { name: 'labs' }).getByRole('button')).toHaveText([
    'Image attacks',
    'Text attacks',
    'Model extraction',
    'Your model',
  ]);
  await expect(page.getByLabel('model card mnist-cnn')).toContainText('Test accuracy');

  // The prediction comes from the worker, after it picked and self-tested a backend.
  const predicted = page.getByTestId('predicted-label');
  await expect(predicted).toHaveText(/^[0-9]$/);
  const trueLabel = await page.getByTestId('true-label').textContent();
  await expect(page.getByTestId('backend')).toContainText(/in use: (webgpu|webgl|wasm|cpu)/);
  await expect(page.getByTestId('memory')).toHaveText(/^\d+ tensors, [\d.]+ (B|KiB|MiB)$/);
  // Every backend passed the worker's self-test, which includes the sign the attacks step with on +-1e-8, +-1e-30
  // and 0 (wasm's own tf.sign has a dead zone below 1.19e-7): wasm, webgl (SwiftShader here) and cpu.
  const probes = (await page.getByTestId('backend').getAttribute('title')) ?? '';
  for (const name of ['webgl', 'wasm', 'cpu']) expect(probes).toMatch(new RegExp(`^${name}: [\\d.]+ ms$`, 'm'));

  // The page is cross-origin isolated (so the threaded wasm build may run) and the main thread holds no tfjs.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(watch.requests.some((url) => url.endsWith('/models/mnist-cnn/model.json'))).toBe(true);
  expect(watch.requests.some((url) => /tfjs-backend-wasm.*\.wasm$/.test(url))).toBe(true);
  expect(trueLabel).toMatch(/^[0-9]$/);

  await screenshot(page, 'smoke');
});

test('the URL hash reproduces a setup, and bad values fall back without breaking the page', async ({ page }) => {
  await page.goto('/#lab=image&model=mnist-mlp&digit=17&seed=5');
  await expect(page.getByLabel('model', { exact: true })).toHaveValue('mnist-mlp');
  await expect(page.getByLabel('test digit index')).toHaveValue('17');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);

  await page.goto('/#lab=nonsense&digit=-4&seed=x');
  await expect(page.getByRole('button', { name: 'Image attacks' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByLabel('test digit index')).toHaveValue('0');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/digit=1/);
});

test('a long job reports progress and can be cancelled; after a backend switch it matches the model card', async ({ page }) => {
  // On the cpu backend the 2,000-digit check takes seconds, long enough to cancel it half-way.
  await page.goto('/#lab=image&model=mnist-cnn&digit=0&backend=cpu');
  await expect(page.getByTestId('backend')).toContainText('in use: cpu');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  const run = page.getByRole('button', { name: /Check accuracy/ });

  await run.click();
  await expect(page.getByLabel('progress')).toBeVisible();
  await expect(page.locator('.progress-text')).toHaveText(/\d+ \/ 2000 digits/);
  // The job's own progress bar (the status bar's job tray has a Cancel for it too).
  await page.locator('.progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('accuracy-outcome')).toHaveText('Cancelled.');
  await expect(page.getByLabel('progress')).toHaveCount(0);

  await page.getByLabel('backend').selectOption('wasm');
  await expect(page.getByTestId('backend')).toContainText('in use: wasm');
  await expect(page).toHaveURL(/backend=wasm/);
  await run.click();
  await expect(page.getByTestId('accuracy-outcome')).toContainText('correct', { timeout: 90_000 });
  const outcome = await page.getByTestId('accuracy-outcome').textContent();
  const [, measured, card] = outcome!.match(/: ([\d.]+)% \(model card: ([\d.]+)%\)/)!;
  expect(measured).toBe(card);
});
