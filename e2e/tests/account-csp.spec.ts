import { expect, test } from '@playwright/test';
import { watchCsp } from '../csp-watch.js';
import { Widget } from '../pane.js';
import { startStack, strictCsp, type Stack } from '../stack.js';

/**
 * The handoff and the account panel (a lazy chunk with its own stylesheet, a blob download)
 * under the exact strict policy docs/embedding.md gives hosts: zero violations, zero errors.
 */
let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ example: 'strict-csp', smtp: true, headers: ({ apiUrl }) => ({ 'Content-Security-Policy': strictCsp(apiUrl) }) });
});
test.afterAll(async () => {
  await stack?.close();
});

test('account panel, data download and handoff work under a strict CSP with zero violations', async ({ page }) => {
  const watch = await watchCsp(page);
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');

  // the lazy account chunk loads from the Prex origin and styles itself with an adopted sheet
  const chunk = page.waitForResponse((r) => /\/widget\/chunks\/account-panel-[\w-]+\.js$/.test(r.url()));
  await page.getByTestId('prex-menu-button').click();
  await page.getByTestId('prex-menu-account').click();
  expect((await chunk).status()).toBe(200);
  const email = page.getByLabel('Email address');
  await expect(email).toBeFocused();
  await expect(email).toHaveCSS('border-radius', '10px');
  await email.fill('csp@example.com');
  await email.press('Enter');
  await expect.poll(() => stack.smtp!.messages.filter((m) => m.to.includes('csp@example.com')).length, { timeout: 15_000 }).toBe(1);
  const code = /\b(\d{6})\b/.exec(stack.smtp!.messages.at(-1)!.subject)![1]!;
  await page.getByLabel('6-digit code').fill(code);
  await page.getByLabel('6-digit code').press('Enter');
  await expect(page.getByTestId('prex-profile')).toBeVisible();

  await page.getByTestId('prex-export').click();
  await expect.poll(() => stack.smtp!.messages.filter((m) => m.to.includes('csp@example.com')).length, { timeout: 15_000 }).toBe(2);
  await page.getByLabel('6-digit code').fill(/\b(\d{6})\b/.exec(stack.smtp!.messages.at(-1)!.subject)![1]!);
  const download = page.waitForEvent('download');
  await page.getByTestId('prex-submit-code').click();
  expect(JSON.parse(await (await download).createReadStream().then(async (s) => {
    let text = '';
    for await (const chunk of s) text += String(chunk);
    return text;
  })).customer.email).toBe('csp@example.com');

  // the handoff from the menu
  await page.getByTestId('prex-back').click();
  await page.getByTestId('prex-menu-button').click();
  await page.getByTestId('prex-menu-human').click();
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();

  expect(await watch.violations()).toEqual([]);
  expect(watch.errors).toEqual([]);
});
