import { expect, test } from './fixtures';
import { LAB_VIEWS, openView, type LabView } from './labs';

const PHONE = { width: 390, height: 844 };

test.describe('on a 390 x 844 phone', () => {
  test.use({ viewport: PHONE });

  test('no lab scrolls sideways, and every lab tab is on screen', async ({ page }) => {
    for (const view of Object.keys(LAB_VIEWS) as LabView[]) {
      await openView(page, view);
      const { scrollWidth, viewportWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        viewportWidth: window.innerWidth,
      }));
      expect(scrollWidth, `page width of ${view}`).toBeLessThanOrEqual(viewportWidth);
      for (const tab of await page.getByRole('navigation', { name: 'labs' }).getByRole('button').all()) {
        const box = (await tab.boundingBox())!;
        expect(box.x, `${await tab.textContent()} starts on screen`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${await tab.textContent()} ends on screen`).toBeLessThanOrEqual(PHONE.width);
      }
    }
  });

  test('the model card is folded away, and the Run button is on the first screen', async ({ page }) => {
    await openView(page, 'imageSingle');
    const card = page.getByLabel('model card mnist-cnn');
    await expect(card).toBeHidden();
    const run = page.getByRole('button', { name: 'Run FGSM / FGM' });
    const box = (await run.boundingBox())!;
    expect(await page.evaluate(() => scrollY)).toBe(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(PHONE.height);
    // The card opens on demand.
    await page.getByText('Model and model card', { exact: true }).click();
    await expect(card).toBeVisible();
  });
});

test.describe('the text lab on a phone', () => {
  test.use({ viewport: PHONE });

  test('Attack is on the first screen, its settings folded above it and one tap away', async ({ page }) => {
    await openView(page, 'text');
    const attack = page.getByRole('button', { name: 'Attack this message' });
    const box = (await attack.boundingBox())!;
    expect(await page.evaluate(() => scrollY)).toBe(0);
    expect(box.y + box.height, `Attack ends at ${box.y + box.height} px`).toBeLessThan(PHONE.height);
    await expect(page.getByLabel('Max share of words')).toBeHidden();
    await page.getByText('Attack settings', { exact: true }).click();
    await expect(page.getByLabel('Max share of words')).toBeVisible();
  });
});

test('on a laptop the model card is open', async ({ page }) => {
  await openView(page, 'imageSingle');
  await expect(page.getByLabel('model card mnist-cnn')).toBeVisible();
});

test.describe('on a 1920 x 1080 projector', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the Presentation toggle enlarges the text, and the link keeps it', async ({ page }) => {
    await openView(page, 'imageSingle');
    const fontSize = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await fontSize('body')).toBeLessThan(18);
    await page.getByRole('checkbox', { name: 'Presentation' }).check();
    await expect(page).toHaveURL(/zoom=140/);
    expect(await fontSize('body')).toBeGreaterThanOrEqual(18);
    // The small print of the lab (13 px before) grows too: everything is sized relative to the root.
    expect(await fontSize('.attack-description p')).toBeGreaterThanOrEqual(18);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await page.reload();
    await expect(page.getByRole('checkbox', { name: 'Presentation' })).toBeChecked();
    expect(await fontSize('body')).toBeGreaterThanOrEqual(18);
  });
});
