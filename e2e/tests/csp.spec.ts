import { expect, test } from '@playwright/test';
import { startStack, strictCsp, type Stack } from '../stack.js';
import { watchCsp } from '../csp-watch.js';
import { Widget } from '../pane.js';

/**
 * examples/strict-csp, served with the exact policy docs/embedding.md gives hosts:
 * default-src 'self'; script-src 'self' <prex>; style-src 'self'; connect-src 'self' <prex>.
 * A whole chat must complete with zero CSP violations and zero console errors.
 */
let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ example: 'strict-csp', headers: ({ apiUrl }) => ({ 'Content-Security-Policy': strictCsp(apiUrl) }) });
});
test.afterAll(async () => {
  await stack?.close();
});

test('the widget works under a strict CSP with zero violations, theme applied through CSSOM', async ({ page }) => {
  const watch = await watchCsp(page);

  const response = await page.goto(stack.hostUrl);
  expect(response?.headers()['content-security-policy']).toBe(strictCsp(stack.apiUrl));
  const widget = new Widget(page);
  await expect(widget.launcher).toBeVisible();
  // the host-page theme override (boot) reached the launcher through an adopted stylesheet
  await expect(widget.launcher).toHaveAttribute('aria-label', 'Billing help');
  await expect(widget.launcher).toHaveCSS('background-color', 'rgb(15, 118, 110)');

  await widget.open();
  await expect(page.getByTestId('prex-title')).toHaveText('Billing help');
  await expect(widget.input).toBeFocused();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toContainText(/refund/i);
  // CSSOM custom properties (allowed by style-src 'self') carry the accent into the pane
  await expect(page.getByTestId('prex-send').or(page.getByTestId('prex-close')).first()).toBeVisible();
  const accent = await widget.pane.evaluate((el) => getComputedStyle(el).getPropertyValue('--prex-accent').trim());
  expect(accent).toBe('#0f766e');
  await expect(page.getByTestId('host-events')).toContainText('ready');
  await expect(page.getByTestId('host-events')).toContainText('open');

  await widget.pane.getByTestId('prex-close').click();
  await expect(widget.pane).toBeHidden();

  expect(await watch.violations()).toEqual([]);
  expect(watch.errors).toEqual([]);

  // Control: the policy is enforced and the listener sees violations (an inline <style> is refused).
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { outline: 1px solid red }';
    document.head.append(style);
  });
  await expect.poll(async () => (await watch.violations()).length).toBeGreaterThan(0); // (once per policy: header and meta)
});
