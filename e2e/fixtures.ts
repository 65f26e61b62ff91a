import { test as base, expect, type BrowserContext, type ConsoleMessage, type Page } from '@playwright/test';
import { CSP_REPORT_PATH } from '../vite.config';

/** Every request the page and its workers make, and every console error, collected for assertions. */
export interface PageWatch {
  requests: string[];
  consoleErrors: string[];
}

const LOCAL_ORIGIN = /^(https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/|blob:|data:)/;

/**
 * Every Content-Security-Policy violation in any page or worker of a browser context: the reports the policy sends
 * to the app's server (report-uri: the only way Chromium tells of a violation inside a worker, such as a pthread of
 * the wasm backend), and in pages, the browser's console report and `securitypolicyviolation` events (the exported
 * HTML report, opened from disk, has a policy without report-uri).
 */
export function watchContentSecurityPolicy(context: BrowserContext): string[] {
  const violations: string[] = [];
  context.on('request', (request) => {
    if (new URL(request.url()).pathname !== CSP_REPORT_PATH) return;
    const report = (JSON.parse(request.postData() ?? '{}') as { 'csp-report'?: Record<string, unknown> })['csp-report'] ?? {};
    violations.push(
      `${report['violated-directive']} blocked ${report['blocked-uri'] || 'inline code'} in ${report['document-uri']} (${report['source-file'] ?? '?'}:${report['line-number'] ?? '?'})`,
    );
  });
  const record = (where: string) => (message: ConsoleMessage) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${where}: ${message.text()}`);
  };
  const watchPage = (page: Page) => page.on('console', record(`page ${page.url()}`));
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  void context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return violations;
}

export const test = base.extend<{ watch: PageWatch; contentSecurityPolicy: string[]; leaveWithoutAsking: void }>({
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
  // Automatic: every test of every spec fails on a violation, whether or not it names this fixture.
  contentSecurityPolicy: [
    async ({ context }, use) => {
      const violations = watchContentSecurityPolicy(context);
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
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
    expect(
      watch.requests.filter((url) => !LOCAL_ORIGIN.test(url)),
      'requests that left localhost',
    ).toEqual([]);
    expect(watch.consoleErrors, 'console errors').toEqual([]);
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}
