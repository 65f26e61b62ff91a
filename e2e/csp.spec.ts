import { test as plain } from '@playwright/test';
import { CONTENT_SECURITY_POLICY, CSP_REPORT_PATH } from '../vite.config';
import { expect, watchContentSecurityPolicy } from './fixtures';

// Without the automatic check of ./fixtures: this test breaks the policy on purpose, to see the check catch it.
plain('the app is served with its Content-Security-Policy, and violations in a page and in a worker are caught', async ({ browser }) => {
  const context = await browser.newContext();
  const violations = watchContentSecurityPolicy(context);
  const page = await context.newPage();
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'; report-uri ${CSP_REPORT_PATH}`);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CONTENT_SECURITY_POLICY);
  expect(violations).toEqual([]);
  // An injected inline script is blocked and reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.append(script);
  });
  await expect.poll(() => violations.join('\n')).toContain('script-src-elem blocked inline');
  expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false);
  // A worker's violation reaches the server's report endpoint: here a blob: worker (which inherits the page's policy)
  // connects where connect-src does not allow.
  await page.evaluate(() => {
    new Worker(URL.createObjectURL(new Blob(["fetch('http://example.invalid/model.json').catch(() => undefined)"], { type: 'text/javascript' })));
  });
  await expect.poll(() => violations.join('\n')).toContain('connect-src blocked http://example.invalid/model.json in blob');
  await context.close();
});
