import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openView, runEveryLab, runSweep, runTextAttack, showView, type LabView } from './labs';

/** axe-core's serious and critical findings (and heading-order, moderate but a known finding), one line each. */
async function findings(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

test('axe finds nothing serious in any lab, with results on screen', async ({ page }) => {
  test.setTimeout(300_000);
  await runEveryLab(page);
  for (const view of ['imageSingle', 'imageSweep', 'text', 'extraction', 'audit'] as LabView[]) {
    await showView(page, view);
    expect.soft(await findings(page), view).toEqual([]);
  }
  // The text lab's batch view and the drawing tab.
  await showView(page, 'text');
  await page.getByRole('tab', { name: 'Batch over test spam' }).click();
  expect.soft(await findings(page), 'text batch').toEqual([]);
  await showView(page, 'imageSingle');
  await page.getByRole('tab', { name: 'Draw' }).click();
  expect.soft(await findings(page), 'drawing').toEqual([]);
});

test('run from the keyboard: focus stays on a control and the result is announced', async ({ page }) => {
  await openView(page, 'imageSingle');
  const announcer = page.getByTestId('announcer');
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('attack-verdict')).toBeVisible({ timeout: 60_000 });
  await expect(announcer).toContainText(/FGSM \/ FGM (fooled|did not fool)/);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
  await expect(page.getByRole('button', { name: 'Run FGSM / FGM' })).toBeFocused();

  await runTextAttack(page);
  await expect(announcer).toContainText(/Label flipped|Still spam|already calls/);
});

test('sweep rows are chosen with the keyboard', async ({ page }) => {
  await runSweep(page);
  await expect(page.getByTestId('announcer')).toContainText('Sweep finished');
  const row = page.getByRole('button', { name: 'Show fooled examples: FGSM / FGM at ε = 0.1' });
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: /Fooled examples: FGSM \/ FGM at ε = 0\.1/ })).toBeVisible();
});

test('the drawing canvas names its keyboard alternatives, and they work from the keyboard', async ({ page }) => {
  await openView(page, 'imageSingle');
  await page.getByRole('tab', { name: 'Draw' }).click();
  await expect(page.getByLabel('drawing canvas: draw a digit')).toHaveAccessibleDescription(/keyboard.*Test digit.*Upload/);
  await page.getByRole('tab', { name: 'Upload' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('upload an image')).toBeVisible();
  await page.getByRole('tab', { name: 'Test digit' }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByLabel('test digit index')).toBeVisible();
});
