import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect, screenshot, test } from './fixtures';

/** The numbers of a finished single attack: labels, confidences and norms, as the page shows them. */
async function outcomeNumbers(page: Page): Promise<string> {
  const outcome = page.getByTestId('attack-outcome');
  await expect(outcome).toBeVisible({ timeout: 90_000 });
  // Everything but the time taken.
  const facts = (await outcome.locator('.outcome-facts').textContent())?.replace(/Time.*$/, '');
  return [await outcome.locator('figcaption').allTextContents(), facts].flat().join(' | ');
}

test('the image lab: a non-default setup survives a reload, and its copied link reproduces the same numbers in a fresh page', async ({ page, browser }) => {
  await page.goto('/#lab=image&model=mnist-cnn');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  // A setup made with the form, not typed into the URL.
  await page.getByLabel('test digit index').fill('7');
  await page.getByLabel('attack', { exact: true }).selectOption('pgd');
  await page.locator('#single-pgd-eps').fill('0.15');
  await page.locator('#single-pgd-max_iter').fill('12');
  await page.locator('#single-pgd-num_random_init').fill('1');
  await page.getByLabel('seed').fill('9');
  await expect(page).toHaveURL(/seed=9/);
  await page.reload();
  await expect(page.getByLabel('test digit index')).toHaveValue('7');
  await expect(page.getByLabel('attack', { exact: true })).toHaveValue('pgd');
  await expect(page.locator('#single-pgd-eps')).toHaveValue('0.15');
  await expect(page.locator('#single-pgd-max_iter')).toHaveValue('12');
  await expect(page.locator('#single-pgd-num_random_init')).toHaveValue('1');
  await expect(page.getByLabel('seed')).toHaveValue('9');
  // Defaults stay out of the link.
  expect(new URL(page.url()).hash).not.toMatch(/model=|view=|budgets=/);

  await page.getByRole('button', { name: /^Run PGD/ }).click();
  const here = await outcomeNumbers(page);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.getByTestId('spec-link').inputValue();
  expect(link).toContain('#lab=image');

  // A fresh browser context: no session storage, nothing but the link.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  await other.getByRole('button', { name: /^Run PGD/ }).click();
  expect(await outcomeNumbers(other)).toBe(here);
  await fresh.close();
});

test("a locked ε edited beyond its lock in the URL is refused with a message; editing the form's DOM cannot lift it", async ({ page }) => {
  await page.goto('/#lab=image&model=mnist-cnn&attack=fgsm&params=eps:0.5&lock=eps:0.1,attack');
  const problems = page.getByTestId('spec-problems');
  await expect(problems).toContainText('Budget ε (eps) is locked at 0.1 by this setup; 0.5 was refused.');
  const eps = page.locator('#single-fgsm-eps');
  await expect(eps).toHaveValue('0.1');
  await expect(eps).toBeDisabled();
  await expect(page.getByLabel('attack', { exact: true })).toBeDisabled();
  await expect(page).toHaveURL(/lock=eps(%3A|:)0\.1(%2C|,)attack(%3A|:)fgsm/);
  await screenshot(page, 'spec-locked');

  // Editing the page's DOM cannot lift the lock: the store keeps the locked value (and the worker checks every run
  // against the locks it is sent: src/core/spec/labSpec.test.ts).
  await eps.evaluate((input: HTMLInputElement) => {
    input.disabled = false;
  });
  await eps.fill('0.4');
  await expect(page).not.toHaveURL(/eps(%3A|:)0\.4/);
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  await expect(page.getByTestId('linf')).toBeVisible({ timeout: 60_000 });
  expect(Number(await page.getByTestId('linf').textContent())).toBeLessThanOrEqual(0.1 + 1e-4);

  // A sweep beyond the locked ε: its budgets are capped when read, and the page says so.
  await page.goto('/#lab=image&model=mnist-cnn&view=sweep&sweep=fgsm&n=10&budgets=0,0.1,0.3&lock=eps:0.1');
  await expect(page.getByTestId('spec-problems')).toContainText('budgets 0.3 were refused');
  await expect(page.getByLabel('budgets')).toHaveValue('0,0.1');
});

test('hidden controls are absent from the page and from the tab order', async ({ page }) => {
  await page.goto('/#lab=image&model=mnist-cnn&hide=seed,attack,model,eps,view,backend');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  await expect(page.getByLabel('seed')).toHaveCount(0);
  await expect(page.getByLabel('attack', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('model', { exact: true })).toHaveCount(0);
  await expect(page.locator('#single-fgsm-eps')).toHaveCount(0);
  await expect(page.getByRole('tablist', { name: 'image lab view' })).toHaveCount(0);
  await expect(page.getByLabel('backend', { exact: true })).toBeHidden();
  // Tab through the whole page: no focus lands on a hidden control.
  const focused: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => `${document.activeElement?.id ?? ''}|${document.activeElement?.getAttribute('aria-label') ?? ''}`));
  }
  expect(focused.filter((f) => /single-fgsm-eps|\|seed$|\|attack$|\|model$|\|backend$/.test(f))).toEqual([]);
  await screenshot(page, 'spec-hidden');
});

test('Download setup and Open setup carry a lab whole; a bad setup file is refused whole, with the field named', async ({ page }, testInfo) => {
  await page.goto('/#lab=image&model=mnist-cnn&view=sweep&sweep=fgsm&n=25&budgets=0,0.2&lock=n');
  await expect(page.getByLabel('number of test digits')).toHaveValue('25');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download setup' }).click();
  const path = testInfo.outputPath('setup.json');
  await (await download).saveAs(path);
  const file = JSON.parse(readFileSync(path, 'utf8')) as { kind: string; lab: string; values: Record<string, unknown>; locks: Record<string, unknown> };
  expect(file).toMatchObject({
    kind: 'adversarial-playground/lab-spec',
    lab: 'image',
    values: { view: 'sweep', sweep: 'fgsm', n: 25, budgets: '0,0.2', model: 'mnist-cnn', seed: 42 },
    locks: { n: 25 },
  });

  // Elsewhere, the file brings the lab back.
  await page.goto('/#lab=text');
  await page.getByLabel('open setup').setInputFiles(path);
  await expect(page).toHaveURL(/lab=image/);
  await expect(page.getByLabel('number of test digits')).toHaveValue('25');
  await expect(page.getByLabel('number of test digits')).toBeDisabled();
  await expect(page.getByLabel('budgets')).toHaveValue('0,0.2');

  // A file with a bad value changes nothing and names the field.
  const bad = { ...file, values: { ...file.values, n: 5000 } };
  await page.getByLabel('open setup').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.getByTestId('spec-problems')).toContainText('bad.json: Test digits (n): must be <= 2000.');
  await expect(page.getByLabel('number of test digits')).toHaveValue('25');
});

test('the audit lab keeps its suite, seed and model address through a reload', async ({ page }) => {
  await page.goto('/#lab=audit');
  await page.getByLabel('suite', { exact: true }).selectOption('standard');
  await page.getByLabel('seed').fill('77');
  await page.getByLabel('model URL').fill('https://example.org/model.json');
  await expect(page).toHaveURL(/seed=77/);
  await page.reload();
  await expect(page.getByLabel('suite', { exact: true })).toHaveValue('standard');
  await expect(page.getByLabel('seed')).toHaveValue('77');
  await expect(page.getByLabel('model URL')).toHaveValue('https://example.org/model.json');
});

test('the extraction lab keeps its catalog setup through a reload, and a locked budget holds', async ({ page }) => {
  await page.goto('/#lab=extraction&model=mnist-cnn');
  await page.getByLabel('strategy').selectOption('jacobian');
  await page.getByLabel('output mode').selectOption('label');
  await page.getByLabel('query budget').fill('600');
  await page.getByLabel('queries per round').fill('200');
  await expect(page).toHaveURL(/budget=600/);
  await page.reload();
  await expect(page.getByLabel('strategy')).toHaveValue('jacobian');
  await expect(page.getByLabel('output mode')).toHaveValue('label');
  await expect(page.getByLabel('query budget')).toHaveValue('600');
  await expect(page.getByLabel('queries per round')).toHaveValue('200');

  await page.goto('/#lab=extraction&model=mnist-cnn&budget=5000&lock=budget:400,strategy');
  await expect(page.getByTestId('spec-problems')).toContainText('Query budget (budget) is locked at 400 by this setup; 5000 was refused.');
  await expect(page.getByLabel('query budget')).toHaveValue('400');
  await expect(page.getByLabel('query budget')).toBeDisabled();
  await expect(page.getByLabel('strategy')).toBeDisabled();
});

test('the text lab keeps its recipe, defense and view through a reload; a locked constraint holds', async ({ page }) => {
  await page.goto('/#lab=text');
  await page.locator('input[data-transformation="leet"]').check();
  await page.getByLabel('Max share of words').fill('0.25');
  await page.locator('input[name="defense"]').nth(2).check();
  await expect(page).toHaveURL(/share=0\.25/);
  await page.reload();
  await expect(page.locator('input[data-transformation="leet"]')).toBeChecked();
  await expect(page.getByLabel('Max share of words')).toHaveValue('0.25');
  await expect(page.locator('input[name="defense"]').nth(2)).toBeChecked();
  await page.getByRole('tab', { name: 'Batch over test spam' }).click();
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Batch over test spam' })).toHaveAttribute('aria-selected', 'true');

  await page.goto('/#lab=text&share=0.5&lock=share:0.05,t&hide=defense');
  await expect(page.getByTestId('spec-problems')).toContainText('Max share of words (share) is locked at 0.05 by this setup; 0.5 was refused.');
  await expect(page.getByLabel('Max share of words')).toHaveValue('0.05');
  await expect(page.getByLabel('Max share of words')).toBeDisabled();
  await expect(page.locator('input[data-transformation="swap"]')).toBeDisabled();
  await expect(page.locator('input[name="defense"]').first()).toBeHidden();
});
