import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { expect, test } from './fixtures';

test('an adversarial image downloads as PNG and raw bytes; a sweep exports its provenance and its adversarial images', async ({ page }) => {
  await page.goto('/#lab=image&view=single&model=mnist-cnn&digit=0&attack=fgsm&params=eps:0.2');
  await page.getByRole('button', { name: 'Run FGSM / FGM' }).click();
  await expect(page.getByTestId('attack-outcome')).toBeVisible();
  const png = page.waitForEvent('download');
  await page.getByRole('button', { name: 'PNG', exact: true }).click();
  const image = PNG.sync.read(readFileSync((await (await png).path())!));
  const raw = page.waitForEvent('download');
  await page.getByRole('button', { name: 'raw uint8' }).click();
  const bytes = readFileSync((await (await raw).path())!);
  expect([image.width, image.height, bytes.length]).toEqual([28, 28, 784]);
  // The PNG and the raw file hold the same pixels (gray: R = G = B).
  for (let i = 0; i < 784; i++) expect(image.data[4 * i]).toBe(bytes[i]);

  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm&n=20&budgets=0,0.3');
  await page.getByLabel(/keep the adversarial images/).check();
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-results')).toContainText('20 test digits');
  const json = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const exported = JSON.parse(readFileSync((await (await json).path())!, 'utf8'));
  expect(exported.tool.name).toBe('adversarial-playground');
  expect(exported.weightsSha256[0]).toMatch(/^[0-9a-f]{64}$/);
  expect(exported.resolvedParams.fgsm).toEqual({ norm: 'inf', targeted: false });
  const tar = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the adversarial images (.tar)' }).click();
  const listed = execFileSync('tar', ['-tvf', (await (await tar).path())!], { encoding: 'utf8' });
  expect(listed).toMatch(/ 15680 .* fgsm-eps0\.3\.u8/);
  expect(listed).toMatch(/ 20 .* labels\.u8/);
});
