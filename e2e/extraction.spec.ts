import AxeBuilder from '@axe-core/playwright';
import { expect, screenshot, test } from './fixtures';

test('a 500-query extraction: fidelity rises round after round, the query log has 500 entries', async ({ page }) => {
  await page.goto('/#lab=extraction&model=mnist-cnn');
  await page.getByLabel('query budget').fill('500');
  await page.getByLabel('queries per round').fill('100');
  await page.getByLabel('strategy').selectOption('pool-uncertainty');
  await page.getByRole('button', { name: 'Steal the model' }).click();
  await expect(page.getByLabel('progress')).toBeVisible();
  await expect(page.getByTestId('log-count')).toHaveText('500', { timeout: 120_000 });

  const rounds = page.getByRole('table', { name: 'extraction rounds' }).locator('tbody tr');
  await expect(rounds).toHaveCount(5);
  const fidelity = await rounds.evaluateAll((trs) => trs.map((tr) => parseFloat(tr.querySelectorAll('td')[3].textContent ?? '')));
  expect(fidelity[4]).toBeGreaterThan(fidelity[0]);
  expect(fidelity[4]).toBeGreaterThan(80);
  // Fidelity is drawn with one dot per round (accuracy as a dashed line without dots).
  await expect(page.locator('.chart .recharts-line-dot')).toHaveCount(5);
  await expect(page.getByTestId('detector-verdict')).toContainText('PRADA');
  await expect(page.getByRole('table', { name: 'query log' }).locator('tbody tr')).toHaveCount(15);
  await screenshot(page, 'extraction');

  // Transfer: FGSM crafted on the copy, sent to the victim, next to FGSM crafted on the victim.
  await page.getByLabel('transfer budgets').fill('0.1, 0.3');
  await page.getByLabel('transfer digits').fill('200');
  await page.getByRole('button', { name: 'Run transfer attack' }).click();
  const transferRows = page.getByRole('table', { name: 'transfer results' }).locator('tbody tr');
  await expect(transferRows).toHaveCount(2, { timeout: 120_000 });
  const cells = await transferRows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => parseFloat(td.textContent ?? ''))));
  // More budget transfers better, and white-box on the victim is at least as strong as transfer.
  expect(cells[1][1]).toBeGreaterThan(cells[0][1]);
  expect(cells[1][2]).toBeGreaterThanOrEqual(cells[1][1]);
  await expect(page.getByLabel('transfer success against budget chart').locator('.recharts-line')).toHaveCount(2);
  await page.getByLabel('transfer success against budget chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'extraction-transfer');
});

test('the transfer attack can be cancelled, from its panel, and the lab works afterwards', async ({ page }) => {
  await page.goto('/#lab=extraction&model=mnist-cnn');
  await page.getByLabel('query budget').fill('200');
  await page.getByLabel('queries per round').fill('100');
  await page.getByRole('button', { name: 'Steal the model' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('200', { timeout: 120_000 });
  await page.getByLabel('transfer budgets').fill('0.1, 0.2, 0.3');
  await page.getByLabel('transfer digits').fill('1900');
  await page.getByRole('button', { name: 'Run transfer attack' }).click();
  await expect(page.getByRole('region', { name: 'jobs' })).toContainText('Transfer FGSM from the stolen copy');
  await page.locator('.progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cancelled.' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'jobs' })).toHaveCount(0);
  // A new, small transfer runs to the end.
  await page.getByLabel('transfer digits').fill('50');
  await page.getByRole('button', { name: 'Run transfer attack' }).click();
  await expect(page.getByRole('table', { name: 'transfer results' }).locator('tbody tr')).toHaveCount(3, { timeout: 120_000 });
});

test('the form comes from the catalog: a strategy and its parameters, the substitute’s training, checked before Run', async ({ page }) => {
  await page.goto('/#lab=extraction&model=mnist-cnn');
  await page.getByLabel('strategy').selectOption('jacobian');
  // The strategy's line and paper come from the catalog.
  await expect(page.locator('.entry-note').first()).toContainText('doubled each round');
  await expect(page.locator('.entry-note cite').first()).toContainText('Practical Black-Box Attacks against Machine Learning');
  const lambda = page.locator('#extraction-jacobian-lambda');
  await expect(lambda).toHaveValue('0.1');
  await lambda.fill('5');
  await expect(page.locator('.field-error')).toContainText('between 0 and 1');
  await expect(page.getByRole('button', { name: 'Steal the model' })).toBeDisabled();
  await lambda.fill('0.2');
  await page.locator('summary', { hasText: 'Substitute training' }).click();
  await page.locator('#extraction-mnist-mlp-epochs').fill('3');
  await page.getByRole('checkbox', { name: 'Gaussian noise' }).check();
  await expect(page.locator('#extraction-gaussian-noise-sigma')).toHaveValue('0.05');
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await screenshot(page, 'extraction-form');

  await page.getByLabel('query budget').fill('300');
  await page.getByRole('button', { name: 'Steal the model' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('300', { timeout: 120_000 });
  // Jacobian rounds: the 100 seeds, then their augmentation (100), then the next doubling cut to the 100 left.
  const sizes = await page
    .getByRole('table', { name: 'extraction rounds' })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[2].textContent));
  expect(sizes).toEqual(['100', '200', '300']);
  await expect(page.getByRole('heading', { name: /Latest run: jacobian · probabilities · noise 0.05 · 300 queries/ })).toBeVisible();
});
