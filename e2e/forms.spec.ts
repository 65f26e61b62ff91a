import { expect, test } from './fixtures';

test('number fields keep what is typed, show errors next to themselves and block Run', async ({ page }) => {
  await page.goto('/#lab=image&view=sweep&model=mnist-cnn&sweep=fgsm&n=2000');
  const digits = page.getByLabel('number of test digits');
  // Clearing the field and typing 50 gives 50 (it used to snap to 1 on the empty field and become 150).
  await digits.fill('');
  await expect(page.locator('.field-error')).toHaveText('Test digits is empty: give a value.');
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeDisabled();
  await digits.pressSequentially('50');
  await expect(digits).toHaveValue('50');
  await expect(page).toHaveURL(/n=50(&|$)/);
  await expect(page.locator('.field-error')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeEnabled();
  // Out of range: shown, not clamped, and Run is blocked.
  await digits.fill('5000');
  await expect(page.locator('.field-error')).toHaveText('Test digits must be between 1 and 2000; got 5000.');
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeDisabled();
  await expect(page).toHaveURL(/n=50(&|$)/);
  await digits.fill('200');

  // A budget larger than the attacks accept is refused.
  await page.getByLabel('budgets').fill('0, 0.1, 1e9');
  await expect(page.getByRole('alert').filter({ hasText: 'too large a budget' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeDisabled();

  // One example: an empty ε is an error, not a silent 0.3.
  await page.goto('/#lab=image&view=single&model=mnist-cnn&attack=fgsm&params=eps:0.1');
  await expect(page.getByTestId('predicted-label')).toHaveText(/^[0-9]$/);
  const eps = page.locator('#single-fgsm-eps');
  await expect(eps).toHaveValue('0.1');
  await eps.fill('');
  await expect(page.locator('.field-error')).toHaveText('Budget ε is empty: give a value.');
  await expect(page.getByRole('button', { name: 'Run FGSM / FGM' })).toBeDisabled();
  await expect(page).toHaveURL(/params=eps(:|%3A)0\.1/);
  await eps.fill('0.2');
  await expect(page.getByRole('button', { name: 'Run FGSM / FGM' })).toBeEnabled();
});

test('switching labs adds a history entry: Back returns to the previous lab, not out of the app', async ({ page }) => {
  await page.goto('/#lab=image&model=mnist-cnn');
  const nav = page.getByRole('navigation', { name: 'labs' });
  await nav.getByRole('button', { name: 'Text attacks' }).click();
  await expect(nav.getByRole('button', { name: 'Text attacks' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('button', { name: 'Model extraction' }).click();
  await page.goBack();
  await expect(nav.getByRole('button', { name: 'Text attacks' })).toHaveAttribute('aria-current', 'page');
  await page.goBack();
  await expect(nav.getByRole('button', { name: 'Image attacks' })).toHaveAttribute('aria-current', 'page');
  await page.goForward();
  await expect(nav.getByRole('button', { name: 'Text attacks' })).toHaveAttribute('aria-current', 'page');
});
