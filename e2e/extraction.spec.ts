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
});
