import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { EXAMPLES_DIR, startStack, type Stack } from '../stack.js';
import { Widget } from '../pane.js';

/** Every example page, end to end in Chromium against the real backend. (strict-csp: csp.spec.ts.) */

async function chat(widget: Widget) {
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toContainText(/refund/i);
}

test.describe('examples/plain-html', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ example: 'plain-html' });
  });
  test.afterAll(() => stack?.close());

  test('the pasted tag: launcher, pane, an answer', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    await chat(widget);
  });

  test('a second, named instance on the same page is separate (own launcher, pane and session)', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await expect(widget.launcher).toBeVisible();
    await page.evaluate((api) => {
      const s = document.createElement('script');
      s.src = `${api}/loader.js`;
      s.setAttribute('data-prex-key', 'pk_demo_northwind');
      s.setAttribute('data-prex-namespace', 'Sales');
      document.head.append(s);
    }, stack.apiUrl);
    const sales = page.locator('prex-launcher[data-prex-namespace="Sales"]');
    await expect(sales.locator('button[aria-haspopup=dialog]')).toBeVisible();
    await expect(page.locator('prex-launcher')).toHaveCount(2);
    await page.evaluate(() => (window as unknown as { Sales: (c: string, a?: unknown) => void }).Sales('update', { theme: { position: 'left', title: 'Sales' } }));
    await sales.locator('button[aria-haspopup=dialog]').click();
    const salesPane = sales.getByTestId('prex-pane');
    await expect(salesPane).toBeVisible();
    await expect(sales.getByTestId('prex-title')).toHaveText('Sales');
    await sales.getByTestId('prex-input').fill('How do I get a refund?');
    await sales.getByTestId('prex-input').press('Enter');
    await expect(sales.locator('[data-testid="prex-message"][data-role="assistant"]').last()).toHaveAttribute('data-status', 'complete');
    // the default instance never opened, and the sessions live under different keys
    await expect(page.locator('prex-launcher[data-prex-namespace="Prex"]').getByTestId('prex-pane')).toHaveCount(0);
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(':session')));
    expect(keys).toEqual(['prex:Sales:pk_demo_northwind:session']);
  });
});

test.describe('launcher badge', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    // a model that takes its time, so the visitor can close the pane while the answer streams
    stack = await startStack({
      llm: { text: 'You can ask for a refund within 30 days of any charge [1]. Open Settings, then Billing, and press Request refund.', delayMs: 60 },
    });
  });
  test.afterAll(() => stack?.close());

  test('an answer that arrives while the pane is closed shows an unread badge on the launcher', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await page.evaluate(() => {
      const w = window as unknown as { __unread: number[]; Prex: (...a: unknown[]) => void };
      w.__unread = [];
      w.Prex('on', 'unread:change', (p: { count: number }) => w.__unread.push(p.count));
    });
    await widget.open();
    await widget.ask('How do I get a refund?');
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'streaming');
    await widget.pane.getByTestId('prex-close').click();
    await expect(widget.pane).toBeHidden();
    const badge = page.locator('prex-launcher button[aria-haspopup=dialog] > b');
    await expect(badge).toBeVisible();
    await expect(badge).toHaveText('1');
    await widget.open();
    await expect(badge).toBeHidden();
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
    expect(await page.evaluate(() => (window as unknown as { __unread: number[] }).__unread)).toEqual([1, 0]);
  });

  test('the page’s own JS API: showNewMessage prefills the composer, isOpen and unreadCount answer, hideLauncher hides the button', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    type P = (...a: unknown[]) => unknown;
    const prex = (...args: unknown[]) => page.evaluate((a) => ((window as unknown as { Prex: P }).Prex)(...a), args);
    expect(await prex('isOpen')).toBe(false);
    expect(await prex('unreadCount')).toBe(0);
    // Before the pane was ever loaded: it loads, opens and shows the text, which the visitor sends.
    await prex('showNewMessage', 'How do I get a refund for order 1042?');
    await expect(widget.input).toHaveValue('How do I get a refund for order 1042?');
    expect(await prex('isOpen')).toBe(true);
    await widget.input.press('Enter');
    await expect(widget.messages('user').last()).toContainText('order 1042');
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'streaming');
    await widget.pane.getByTestId('prex-close').click();
    expect(await prex('isOpen')).toBe(false);
    await expect.poll(() => prex('unreadCount')).toBe(1);
    // Loaded and closed: opens again with the new text.
    await prex('showNewMessage', 'And for order 1043?');
    await expect(widget.input).toHaveValue('And for order 1043?');
    expect(await prex('unreadCount')).toBe(0);

    // A page with its own chat button boots without the launcher and opens the pane itself.
    await prex('shutdown');
    await prex('boot', { publishableKey: 'pk_demo_northwind', apiBase: stack.apiUrl, hideLauncher: true });
    await expect(widget.launcher).toBeHidden();
    await prex('open');
    await expect(widget.pane).toBeVisible();
  });
});

test.describe('examples/spa', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    // Build the Vite app with the workspace's vite (no install step of its own).
    const vite = join(EXAMPLES_DIR, '..', 'packages', 'widget', 'node_modules', 'vite', 'bin', 'vite.js');
    execFileSync(process.execPath, [vite, 'build', join(EXAMPLES_DIR, 'spa'), '--logLevel', 'warn'], { stdio: 'inherit' });
    stack = await startStack({ root: join(EXAMPLES_DIR, 'spa', 'dist') });
  });
  test.afterAll(() => stack?.close());

  const go = async (page: Page, label: string) => {
    await page.getByRole('link', { name: label }).click();
    await expect(page.locator('#route-title')).toHaveText(label);
  };

  test('the widget and its conversation survive client-side route changes that re-render <body>', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    await chat(widget);

    await go(page, 'Pricing');
    await expect(page.locator('prex-launcher')).toHaveCount(1);
    await expect(widget.pane).toBeVisible();
    await expect(widget.messages()).toHaveCount(2);
    await go(page, 'Account');
    await page.goBack();
    await expect(page.locator('#route-title')).toHaveText('Pricing');
    await expect(widget.pane).toBeVisible();
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
    // the page's own buttons drive the JS API; events reached the page across re-renders
    await widget.pane.getByTestId('prex-close').click();
    await expect(widget.pane).toBeHidden();
    await page.locator('#open-help').click();
    await expect(widget.pane).toBeVisible();
    await expect(page.getByTestId('host-events')).toContainText('ready');
    await expect(page.getByTestId('host-events')).toContainText('close');

    // log-out: shutdown removes the widget and its session; log-in boots a fresh one
    await page.locator('#log-out').click();
    await expect(page.locator('prex-launcher')).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem('prex:pk_demo_northwind:session'))).toBeNull();
    await page.locator('#log-in').click();
    await widget.open();
    await expect(widget.messages()).toHaveCount(0);
  });
});

test.describe('examples/inline', () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ example: 'inline' });
  });
  test.afterAll(() => stack?.close());

  test('<prex-chat> places the pane inside the page, open, filling its element', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await expect(widget.pane).toBeVisible();
    await expect(page.locator('prex-launcher')).toHaveCount(0);
    await expect(widget.pane).toHaveCSS('position', 'relative');
    await expect(widget.pane.getByTestId('prex-close')).toBeHidden();
    const box = await page.locator('prex-chat').boundingBox();
    const paneBox = await widget.pane.boundingBox();
    expect(Math.abs(paneBox!.height - box!.height)).toBeLessThan(2);
    expect(Math.abs(paneBox!.y - box!.y)).toBeLessThan(2);
    await chat(widget);
    // Escape does not close an inline pane
    await widget.input.press('Escape');
    await expect(widget.pane).toBeVisible();
  });
});
