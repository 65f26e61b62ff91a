import type { Page, Worker } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';

/** The page's worker whose script is `name` (model.worker, oracle.worker, ...), once it has started. */
async function workerNamed(page: Page, name: string): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes(name)), { timeout: 30_000 }).toBe(true);
  return page.workers().find((w) => w.url().includes(name))!;
}

/** Crashes a worker as an uncaught error inside it does (an out-of-memory abort of the wasm backend, say). */
const crash = (worker: Worker) =>
  worker.evaluate(
    () =>
      void setTimeout(() => {
        throw new Error('test crash');
      }),
  );

test('a worker killed mid-sweep: the page says so, and the next run works on a fresh worker', async ({ page }) => {
  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm,pgd&n=400&budgets=0,0.1,0.2,0.3');
  const run = page.getByRole('button', { name: 'Run sweep' });
  await run.click();
  const tray = page.getByRole('region', { name: 'jobs' });
  await expect(tray.getByTestId('job')).toContainText(/\d+%/);
  const compute = await workerNamed(page, 'model.worker');
  await crash(compute);

  // The panel and the tray say what happened; the job is gone and Run is back.
  const why = /The compute worker crashed \(.*test crash\); it starts afresh on the next run\./;
  await expect(page.locator('.sweep').getByRole('alert')).toHaveText(why);
  await expect(tray.getByTestId('job-notice')).toHaveText(why);
  await expect(tray.getByTestId('job')).toHaveCount(0);
  await expect(run).toBeEnabled();
  await screenshot(page, 'worker-crash');

  // The next run starts a fresh worker and finishes.
  await page.getByLabel('number of test digits').fill('20');
  await run.click();
  await expect(page.getByTestId('sweep-results')).toContainText('20 test digits', { timeout: 60_000 });
  await expect(page.locator('.sweep').getByRole('alert')).toHaveCount(0);
  await tray.getByRole('button', { name: 'dismiss the notice' }).click();
  await expect(tray).toHaveCount(0);
});

test('the extraction pair: the attacker killed mid-run ends both workers, the page says so, and the next steal runs on a fresh pair', async ({ page }) => {
  await page.goto('/#lab=extraction&model=mnist-mlp');
  await page.getByLabel('query budget').fill('4000');
  await page.getByLabel('queries per round').fill('200');
  const steal = page.getByRole('button', { name: 'Steal the model' });
  await steal.click();
  await expect(page.locator('.progress-text')).toContainText('round', { timeout: 60_000 });
  await crash(await workerNamed(page, 'extraction.worker'));

  const why = /The attacker worker crashed \(.*test crash\); it starts afresh on the next run\./;
  await expect(page.locator('.extraction-lab > p[role="alert"]')).toHaveText(why);
  await expect(page.getByRole('region', { name: 'jobs' }).getByTestId('job-notice')).toHaveText(why);
  await expect(steal).toBeEnabled();

  await page.getByLabel('query budget').fill('200');
  await page.getByLabel('queries per round').fill('100');
  await steal.click();
  await expect(page.getByTestId('log-count')).toHaveText('200', { timeout: 120_000 });
});
