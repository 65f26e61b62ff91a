import { expect, screenshot, test, type PageWatch } from './fixtures';

const SWEEP = '/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm,pgd&n=200&budgets=0,0.1,0.2,0.3';

/** Takes the console errors a test provoked on purpose out of the watch, so that only unexpected ones fail it. */
function expectInjectedErrors(watch: PageWatch, pattern: RegExp) {
  const provoked = watch.consoleErrors.filter((e) => pattern.test(e));
  expect(provoked.length).toBeGreaterThan(0);
  watch.consoleErrors.splice(0, watch.consoleErrors.length, ...watch.consoleErrors.filter((e) => !pattern.test(e)));
}

test('a sweep cancelled before its first batch, mid-batch or twice leaves a working page', async ({ page }) => {
  await page.goto(SWEEP);
  const run = page.getByRole('button', { name: 'Run sweep' });
  const cancel = page.locator('.progress').getByRole('button', { name: 'Cancel' });

  // 1. Before the first batch of 100 digits ends: nothing was measured, and the page says so.
  await run.click();
  await cancel.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cancelled' })).toBeVisible();
  await expect(page.getByTestId('error-boundary')).toHaveCount(0);
  await expect(run).toBeEnabled();

  // 2. Twice in a row: the second click is harmless.
  await run.click();
  await cancel.click();
  await cancel.click({ timeout: 2_000 }).catch(() => undefined); // gone already is fine too
  await expect(run).toBeEnabled();
  await expect(page.getByTestId('error-boundary')).toHaveCount(0);

  // 3. After the first batch: the finished batch is kept and marked partial.
  await run.click();
  await expect.poll(async () => Number(await page.getByLabel('progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThanOrEqual(0.5);
  await cancel.click();
  await expect(page.getByTestId('sweep-results')).toContainText('100 test digits (cancelled: partial)');
  await expect(page.getByTestId('error-boundary')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'sweep results' }).locator('tbody tr')).toHaveCount(8);

  // The lab still works afterwards: another lab and back.
  await page.getByRole('navigation', { name: 'labs' }).getByRole('button', { name: 'Text attacks' }).click();
  await page.getByRole('navigation', { name: 'labs' }).getByRole('button', { name: 'Image attacks' }).click();
  await expect(run).toBeVisible();
});

test('a render error in a lab shows a message with a reset, and the rest of the app keeps working', async ({ page, watch }) => {
  await page.goto(`${SWEEP}&fault=image-lab`);
  const boundary = page.getByTestId('error-boundary');
  await expect(boundary).toContainText('The Image attacks lab could not be shown');
  await expect(boundary).toContainText('A test fault was injected here');
  // The shell is intact: navigation, side panel, status bar.
  await expect(page.getByRole('navigation', { name: 'labs' })).toBeVisible();
  await expect(page.getByLabel('status bar')).toBeVisible();
  await screenshot(page, 'error-boundary-lab');
  await boundary.getByRole('button', { name: 'Reset this lab' }).click();
  await expect(boundary).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeVisible();
  expectInjectedErrors(watch, /test fault was injected|could not be shown/);
});

test('a render error in a result view keeps the lab around it', async ({ page, watch }) => {
  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm&n=20&budgets=0,0.3&fault=sweep-results');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const boundary = page.getByTestId('error-boundary');
  await expect(boundary).toContainText('The sweep results could not be shown');
  // The form above the broken view still works.
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeEnabled();
  await boundary.getByRole('button', { name: 'Clear the sweep results' }).click();
  await expect(boundary).toHaveCount(0);
  await expect(page.getByTestId('sweep-results')).toHaveCount(0);
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-results')).toContainText('20 test digits');
  expectInjectedErrors(watch, /test fault was injected|could not be shown/);
});
