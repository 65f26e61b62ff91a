import { expect, type Page } from '@playwright/test';

/**
 * Each lab opened with a result on screen, quickly (small runs): for the accessibility and screenshot specs.
 * Results stay in the page's stores, so one page can produce them all and revisit each lab afterwards.
 */
export const LAB_VIEWS = {
  imageSingle: '/#lab=image&view=single&model=mnist-cnn&digit=0&attack=fgsm&params=eps:0.3',
  imageSweep: '/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm&budgets=0,0.1,0.3&n=20',
  text: '/#lab=text',
  extraction: '/#lab=extraction&model=mnist-cnn',
  audit: '/#lab=audit',
} as const;

export type LabView = keyof typeof LAB_VIEWS;

export async function openView(page: Page, view: LabView): Promise<void> {
  await page.goto(LAB_VIEWS[view]);
  if (view === 'imageSingle') await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  if (view === 'text') await expect(page.getByTestId('live-verdict')).toHaveText(/spam|ham/, { timeout: 60_000 });
  if (view === 'audit') await expect(page.getByRole('heading', { name: 'Audit your model' })).toBeVisible();
  if (view === 'extraction') await expect(page.getByRole('button', { name: 'Steal the model' })).toBeEnabled();
}

export async function runImageAttack(page: Page): Promise<void> {
  await openView(page, 'imageSingle');
  await page.getByRole('button', { name: 'Run FGSM' }).click();
  await expect(page.getByTestId('attack-verdict')).toBeVisible({ timeout: 60_000 });
}

export async function runSweep(page: Page): Promise<void> {
  await openView(page, 'imageSweep');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-results')).toBeVisible({ timeout: 120_000 });
}

export async function runTextAttack(page: Page): Promise<void> {
  await openView(page, 'text');
  await page.getByRole('button', { name: 'Attack this message' }).click();
  await expect(page.getByTestId('attack-verdict')).toBeVisible({ timeout: 60_000 });
}

export async function runExtraction(page: Page): Promise<void> {
  await openView(page, 'extraction');
  await page.getByLabel('query budget').fill('200');
  await page.getByLabel('queries per round').fill('100');
  await page.getByRole('button', { name: 'Steal the model' }).click();
  await expect(page.getByTestId('log-count')).toHaveText('200', { timeout: 120_000 });
}

/** One result in every lab that has a Run: an attack, a sweep, a text attack, an extraction. */
export async function runEveryLab(page: Page): Promise<void> {
  await runImageAttack(page);
  await runSweep(page);
  await runTextAttack(page);
  await runExtraction(page);
}

/** Shows a lab view again by its link (a same-document navigation: the session's results stay). */
export async function showView(page: Page, view: LabView, extraHash = ''): Promise<void> {
  await page.goto(LAB_VIEWS[view] + extraHash);
  const tab = { imageSingle: 'Image attacks', imageSweep: 'Image attacks', text: 'Text attacks', extraction: 'Model extraction', audit: 'Your model' }[view];
  await expect(page.getByRole('navigation', { name: 'labs' }).getByRole('button', { name: tab })).toHaveAttribute('aria-current', 'page');
  if (view === 'imageSingle') await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
}
