import { expect, screenshot, test } from './fixtures';
import { runExtraction } from './labs';

test('a sweep left behind stays visible and cancellable; predictions do not wait behind it; a queued job can be cancelled', async ({ page }) => {
  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm,pgd&n=2000');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const tray = page.getByRole('region', { name: 'jobs' });
  const sweepJob = tray.getByTestId('job').filter({ hasText: 'Sweep: FGSM / FGM, PGD over 2000 digits' });
  await expect(sweepJob).toBeVisible();

  // Leave the view: the job is still listed, with its progress, and a prediction arrives while it runs.
  await page.getByRole('tab', { name: 'One example' }).click();
  await expect(sweepJob).toBeVisible();
  await page.getByLabel('test digit index').fill('7');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/, { timeout: 15_000 });
  await expect(sweepJob).toBeVisible();

  // A second job waits in the queue behind the sweep, and is cancelled before it starts.
  await page.getByRole('button', { name: 'Check accuracy on the 2,000 test digits' }).click();
  const checkJob = tray.getByTestId('job').filter({ hasText: 'Accuracy of mnist-cnn' });
  await expect(checkJob).toContainText('queued');
  await screenshot(page, 'job-tray');
  await checkJob.getByRole('button', { name: 'Cancel' }).click();
  await expect(checkJob).toHaveCount(0);
  await expect(page.getByTestId('accuracy-outcome')).toHaveText('Cancelled.');

  // The sweep is cancelled from the tray, out of its own view.
  await sweepJob.getByRole('button', { name: 'Cancel' }).click();
  await expect(sweepJob).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Accuracy vs budget' }).click();
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeEnabled();
  await expect(page.getByLabel('progress')).toHaveCount(0);
});

test('a PGD-40 transfer attack, the slowest transfer, is cancelled within seconds, and the tray lets go of it', async ({ page }) => {
  await runExtraction(page);
  await page.getByLabel('transfer attack').selectOption('pgd');
  await page.getByLabel('transfer budgets').fill('0.1, 0.2, 0.3');
  await page.getByLabel('transfer digits').fill('1900');
  await page.getByRole('button', { name: 'Run transfer attack' }).click();
  const job = page.getByRole('region', { name: 'jobs' }).getByTestId('job').filter({ hasText: 'Transfer PGD from the stolen copy' });
  await expect(job).toContainText(/[1-9]\d*%/, { timeout: 60_000 });
  const cancelledAt = Date.now();
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cancelled.' })).toBeVisible({ timeout: 30_000 });
  await expect(job).toHaveCount(0);
  // One batch of 250 digits at most runs on after the cancel.
  expect(Date.now() - cancelledAt).toBeLessThan(20_000);
  await expect(page.getByRole('button', { name: 'Run transfer attack' })).toBeEnabled();
});
