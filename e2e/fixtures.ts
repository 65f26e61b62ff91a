import { test as base, expect, type Page } from '@playwright/test';

/** Every request the page and its workers make, and every console error, collected for assertions. */
export interface PageWatch {
  requests: string[];
  consoleErrors: string[];
}

const LOCAL_ORIGIN = /^(https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/|blob:|data:)/;

export const test = base.extend<{ watch: PageWatch; leaveWithoutAsking: void }>({
  // The app asks before leaving while a job runs or unsaved results exist; a test that navigates away means it.
  leaveWithoutAsking: [
    async ({ page }, use) => {
      page.on('dialog', (dialog) => {
        if (dialog.type() === 'beforeunload') void dialog.accept();
      });
      await use();
    },
    { auto: true },
  ],
  watch: async ({ page, context }, use) => {
    const watch: PageWatch = { requests: [], consoleErrors: [] };
    context.on('request', (request) => watch.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') watch.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => watch.consoleErrors.push(`page error: ${error.message}`));
    await use(watch);
    // After every test: nothing left this machine, and nothing went wrong in the console.
    expect(watch.requests.filter((url) => !LOCAL_ORIGIN.test(url)), 'requests that left localhost').toEqual([]);
    expect(watch.consoleErrors, 'console errors').toEqual([]);
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}
