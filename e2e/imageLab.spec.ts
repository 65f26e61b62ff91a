import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from '../scripts/node-tf';
import { sliceSplit } from '../src/core/data/mnist';
import { countCorrect } from '../src/core/models/train';
import type { Page } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';

test('FGSM at eps = 0.3 changes the label of a test digit', async ({ page }) => {
  await page.goto('/#lab=image&view=single&model=mnist-cnn&digit=0&attack=fgsm&params=eps:0.3');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  await expect(page.getByLabel('attack', { exact: true })).toHaveValue('fgsm');
  await expect(page.locator('#single-fgsm-eps')).toHaveValue('0.3');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  const outcome = page.getByTestId('attack-outcome');
  await expect(outcome).toBeVisible();
  const original = await page.getByTestId('original-label').textContent();
  const adversarial = await page.getByTestId('adversarial-label').textContent();
  expect(adversarial).not.toBe(original);
  await expect(page.getByTestId('attack-verdict')).toContainText('fooled the model');
  expect(Number(await page.getByTestId('linf').textContent())).toBeLessThanOrEqual(0.3 + 1e-4);
  await screenshot(page, 'image-fgsm');
});

test('a sweep of FGSM and PGD over 200 digits at 6 budgets: chart, clean accuracy, and an export that matches the table', async ({ page }) => {
  // The model's accuracy on the same 200 digits, computed independently in Node.
  await useNodeWasm();
  const { model } = await loadModelFromDisk('mnist-cnn');
  const expectedCorrect = await countCorrect((x) => model.predict(x) as tf.Tensor2D, sliceSplit(loadMnistFromDisk('test'), 0, 200));
  model.dispose();
  const expectedAccuracy = `${((expectedCorrect / 200) * 100).toFixed(1)}%`;

  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm,pgd&budgets=0,0.05,0.1,0.15,0.2,0.3&n=200');
  // Ten PGD iterations keep the test short.
  await page.locator('.sweep-attack', { hasText: 'PGD' }).locator('summary').click();
  await page.locator('#sweep-pgd-max_iter').fill('10');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByLabel('progress')).toBeVisible();
  const results = page.getByTestId('sweep-results');
  await expect(results).toBeVisible({ timeout: 120_000 });

  // Two lines, one per attack.
  await expect(page.locator('.recharts-line')).toHaveCount(2);
  await expect(page.locator('.recharts-legend-item-text')).toHaveText(['FGSM / FGM (L∞)', 'PGD (L∞)']);
  await expect(page.getByTestId('clean-accuracy')).toHaveText(expectedAccuracy);

  const rows = page.getByRole('table', { name: 'sweep results' }).locator('tbody tr');
  await expect(rows).toHaveCount(12);
  const table = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  for (const row of table.filter((r) => r[2] === '0')) expect(row[3]).toBe(expectedAccuracy);

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const download = await downloadPromise;
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(exported.version).toBe(1);
  expect(exported.points).toHaveLength(12);
  exported.points.forEach((p: { budget: number; accuracy: number; successRate: number }, i: number) => {
    expect(String(p.budget)).toBe(table[i][2]);
    expect(`${(p.accuracy * 100).toFixed(1)}%`).toBe(table[i][3]);
    expect(`${(p.successRate * 100).toFixed(1)}%`).toBe(table[i][4]);
  });
  // More budget, lower accuracy, and PGD at least as strong as FGSM at the largest budget.
  const accuracyAt = (attack: string, budget: number) =>
    exported.points.find((p: { attackId: string; budget: number }) => p.attackId === attack && p.budget === budget).accuracy;
  expect(accuracyAt('fgsm', 0.3)).toBeLessThan(accuracyAt('fgsm', 0));
  expect(accuracyAt('pgd', 0.3)).toBeLessThanOrEqual(accuracyAt('fgsm', 0.3));
  await page.locator('.gallery').scrollIntoViewIfNeeded();
  await screenshot(page, 'image-sweep');
});

test('an iterative attack animates its steps and stops when asked', async ({ page }) => {
  await page.goto('/#lab=image&view=single&model=mnist-cnn&digit=1&attack=cw-l2&params=max_iter:1000,binary_search_steps:10');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  await page.getByRole('button', { name: /^Run Carlini/ }).click();
  // Frames arrive while it runs: the step counter moves.
  await expect(page.locator('.run-row .progress-text')).toHaveText(/step \d+/);
  const first = Number((await page.locator('.run-row .progress-text').textContent())!.replace(/\D/g, ''));
  await expect.poll(async () => Number((await page.locator('.run-row .progress-text').textContent())?.replace(/\D/g, '') ?? 0)).toBeGreaterThan(first);
  await page.getByRole('button', { name: 'Stop' }).click();
  // Stopped early: the outcome is shown with fewer steps than the 10 x 1000 it was allowed.
  await expect(page.getByTestId('attack-outcome')).toBeVisible();
  const steps = Number(await page.locator('.outcome-facts dt:text-is("Steps") + dd').textContent());
  expect(steps).toBeLessThan(10_000);
  await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
});

/** Opens the Draw tab and draws one stroke through the given points (fractions of the canvas). */
async function drawStroke(page: Page, points: [number, number][]) {
  await page.getByRole('tab', { name: 'Draw' }).click();
  const box = (await page.getByLabel('drawing canvas: draw a digit').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 12 });
  await page.mouse.up();
}

test("a drawing with no true label is judged against the model's answer; a changed input marks the outcome stale", async ({ page }) => {
  await page.goto('/#lab=image&view=single&model=mnist-cnn&attack=fgsm&params=eps:0.05');
  // A "7": a top bar and a diagonal.
  await drawStroke(page, [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.45, 0.8],
  ]);
  const predicted = await page.getByTestId('predicted-label').textContent();
  // No label given: the model's answer stands in, so its prediction is never called "wrong".
  await expect(page.getByLabel('true label of your image')).toHaveValue('');
  await expect(page.getByTestId('label-note')).toContainText(`moves away from ${predicted}`);
  await expect(page.locator('.prediction')).not.toContainText('(wrong)');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  const verdict = page.getByTestId('attack-verdict');
  await expect(verdict).toContainText("judged against the model's own first answer");
  // Never "fooled: 7 -> 7": a fooled verdict names two different classes.
  const text = (await verdict.textContent()) ?? '';
  const arrow = /fooled the model: (\S+) → (\S+?)\./.exec(text);
  if (arrow) expect(arrow[1]).not.toBe(arrow[2]);
  await expect(page.getByTestId('stale-outcome')).toHaveCount(0);

  // Giving a true label changes what the outcome was judged against: it is marked stale until run again.
  const other = predicted === '3' ? '5' : '3';
  await page.getByLabel('true label of your image').selectOption(other);
  await expect(page.getByTestId('stale-outcome')).toBeVisible();
  await expect(page.locator('.prediction')).toContainText('(wrong)');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  await expect(page.getByTestId('stale-outcome')).toHaveCount(0);
  await expect(verdict).toContainText(`The model was already wrong before the attack (it read ${predicted} for a ${other})`);
  // So does another attack.
  await page.getByLabel('attack', { exact: true }).selectOption('bim');
  await expect(page.getByTestId('stale-outcome')).toBeVisible();
  await screenshot(page, 'image-drawn-unlabelled');
});

test('a drawn digit is predicted and attacked; a file that is not an image gets a clear message', async ({ page }) => {
  await page.goto('/#lab=image&view=single&model=mnist-cnn&attack=fgsm');
  // A vertical stroke: a "1".
  await drawStroke(page, [
    [0.5, 0.2],
    [0.5, 0.8],
  ]);
  await page.getByLabel('true label of your image').selectOption('1');
  await expect(page.getByTestId('predicted-label')).toHaveText('1');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  await expect(page.getByTestId('attack-outcome')).toBeVisible();
  await screenshot(page, 'image-drawn');

  await page.getByRole('tab', { name: 'Upload' }).click();
  await page.getByLabel('upload an image').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await expect(page.getByRole('alert')).toHaveText('“notes.txt” is not an image (text/plain). Choose a PNG, JPEG, GIF, WebP or BMP file.');
  // The app is still usable: back to a test digit, the prediction is there.
  await page.getByRole('tab', { name: 'Test digit' }).click();
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
});
