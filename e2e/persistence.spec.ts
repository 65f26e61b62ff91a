import { expect, test } from './fixtures';

test('a reload keeps a pasted email and finished results; leaving during a job asks first', async ({ page }) => {
  await page.goto('/#lab=text');
  const email = 'Subject: your prize\n\nClaim your FREE prize now, click here to win cash!';
  await page.getByLabel('message text').fill(email);
  await page.reload();
  await expect(page.getByLabel('message text')).toHaveValue(email);
  // The status bar speaks of the worker of the lab in view: the text lab's own, once it has scored the message.
  await expect(page.getByTestId('backend')).toContainText(/text worker: (wasm|cpu|webgl)/, { timeout: 30_000 });

  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm&n=30&budgets=0,0.2');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByTestId('sweep-results')).toContainText('30 test digits');
  const table = await page.getByRole('table', { name: 'sweep results' }).textContent();
  await page.reload();
  await expect(page.getByTestId('sweep-results')).toContainText('30 test digits');
  expect(await page.getByRole('table', { name: 'sweep results' }).textContent()).toBe(table);
  // The gallery's images came back as images.
  await expect(page.locator('.gallery figure').first()).toBeVisible();

  // A job in progress: reloading asks before leaving (the fixture accepts; here we count the question).
  await page.getByLabel('number of test digits').fill('2000');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect(page.getByRole('region', { name: 'jobs' })).toBeVisible();
  const asked = page.waitForEvent('dialog');
  await page.reload();
  expect((await asked).type()).toBe('beforeunload');
});
