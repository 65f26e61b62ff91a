import { readFileSync } from 'node:fs';
import { expect, screenshot, test } from './fixtures';

// A real spam email from the generated test split, pasted as a user would.
const testSplit = JSON.parse(readFileSync('public/data/spam/test.json', 'utf8')) as { text: string; label: number }[];
const spamEmail = testSplit.filter((e) => e.label === 1)[3].text;

test('paste a spam email, attack it: the label flips to ham and the diff view shows the changes', async ({ page }) => {
  await page.goto('/#lab=text');
  const message = page.getByLabel('message text');
  await message.fill(spamEmail);
  await expect(page.getByTestId('live-verdict')).toHaveText('spam', { timeout: 60_000 });

  await page.getByRole('button', { name: 'Attack this message' }).click();
  await expect(page.getByTestId('attack-verdict')).toContainText('Label flipped: spam → ham', { timeout: 60_000 });
  expect(Number(await page.getByTestId('queries').textContent())).toBeLessThanOrEqual(100);
  const diff = page.getByLabel('diff view');
  expect(await diff.locator('ins').count()).toBeGreaterThan(0);
  await screenshot(page, 'text-attack');

  // The perturbed text goes back into the editor, and the live score agrees with the attack.
  await page.getByRole('button', { name: 'Edit the perturbed text' }).click();
  await expect(page.getByTestId('live-verdict')).toHaveText('ham');
});

test('Unicode attack: homoglyphs marked with code points; the normalizer undoes them', async ({ page }) => {
  await page.goto('/#lab=text');
  await page.getByLabel('message text').fill('Cheap viagra, cheap cialis! Buy now, free shipping, click here to order.');
  for (const name of ['Good-word swap', 'Good words', 'Synonym swap', 'Swap']) await page.getByLabel(name, { exact: true }).uncheck();
  await page.getByLabel('Homoglyph', { exact: true }).check();
  await page.getByLabel('Max share of words').fill('1');
  await page.getByRole('button', { name: 'Attack this message' }).click();
  await expect(page.getByTestId('attack-verdict')).toBeVisible({ timeout: 60_000 });
  const lookAlike = page.getByLabel('diff view').locator('.char-look-alike').first();
  await expect(lookAlike).toHaveAttribute('title', /U\+0[34][0-9A-F]{2} (Cyrillic|Greek) letter that looks like Latin/);
  await screenshot(page, 'text-homoglyphs');
});

test('batch over 20 test spam: TextAttack table, chart per family and setting, CSV export', async ({ page }) => {
  await page.goto('/#lab=text');
  await page.getByRole('tab', { name: 'Batch over test spam' }).click();
  await page.getByLabel('Messages').fill('20');
  await page.getByRole('button', { name: 'Run batch' }).click();
  const rows = page.getByRole('table', { name: 'attack summary' }).locator('tbody tr');
  await expect(rows).toHaveCount(9, { timeout: 180_000 });
  await expect(page.locator('.chart .recharts-line')).toHaveCount(9);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv).toHaveLength(10);
  expect(csv[0]).toContain('attack_success_rate');
  await screenshot(page, 'text-batch');
});
