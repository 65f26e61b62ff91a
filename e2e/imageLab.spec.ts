import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { loadMnistFromDisk, loadModelFromDisk, useNodeWasm } from '../scripts/node-tf';
import { sliceSplit } from '../src/core/data/mnist';
import { countCorrect } from '../src/core/models/train';
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
  const accuracyAt = (attack: string, budget: number) => exported.points.find((p: { attackId: string; budget: number }) => p.attackId === attack && p.budget === budget).accuracy;
  expect(accuracyAt('fgsm', 0.3)).toBeLessThan(accuracyAt('fgsm', 0));
  expect(accuracyAt('pgd', 0.3)).toBeLessThanOrEqual(accuracyAt('fgsm', 0.3));
  await page.locator('.gallery').scrollIntoViewIfNeeded();
  await screenshot(page, 'image-sweep');
});
