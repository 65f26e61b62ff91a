import { screenshot, test } from './fixtures';
import { runEveryLab, showView, type LabView } from './labs';

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 860 },
  { width: 1920, height: 1080 },
];
const VIEWS: LabView[] = ['imageSingle', 'imageSweep', 'text', 'extraction', 'audit'];

test('every lab, with results, at phone, laptop and projector sizes', async ({ page }) => {
  test.setTimeout(400_000);
  await runEveryLab(page);
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    for (const view of VIEWS) {
      await showView(page, view);
      await page.waitForTimeout(300);
      await screenshot(page, `layout-${viewport.width}-${view}`);
    }
  }
  // Presentation mode on the projector: text at 140%.
  for (const view of VIEWS) {
    await showView(page, view, '&zoom=140');
    await page.waitForTimeout(300);
    await screenshot(page, `layout-1920-presentation-${view}`);
  }
});
