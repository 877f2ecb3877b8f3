import { expect, test, type FrameLocator, type Locator } from '@playwright/test';
import type { AdminThemeResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The Theme page as a workspace owner uses it: the real widget beside the form follows every
 * change (accent, the visitor's dark page, a phone's width), a colour pair under the contrast rule
 * is explained and cannot be saved, and a saved theme is what the next visitor's page shows.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const style = (el: Locator, property: 'backgroundColor' | 'color') => () => el.evaluate((node, p) => getComputedStyle(node)[p], property);

test('the owner edits the theme with the real widget as preview, is stopped by low contrast, and saves it for the next visitor', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The preview talks to no backend route (no visitor session, nothing in analytics) and breaks no CSP.
  const previewCalls: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => {
    if (r.frame() !== page.mainFrame() && new URL(r.url()).pathname.startsWith('/v1/')) previewCalls.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });

  const owner = new Console(page, stack.apiUrl);
  await owner.goto();
  await owner.signIn(stack.owner.email, stack.owner.password);
  await page.getByRole('link', { name: 'Theme' }).click();
  await expect(page.getByRole('heading', { name: 'Theme', level: 1 })).toBeVisible();

  const preview: FrameLocator = page.frameLocator('[data-testid="theme-preview"]');
  const pane = preview.getByTestId('prex-pane');
  const header = pane.locator('.prex-header');
  // The real pane, open in the preview with the stored theme (the demo's teal accent and title).
  await expect(pane).toBeVisible();
  await expect(page.getByLabel('Accent colour', { exact: true })).toHaveValue('#0f766e');
  await expect.poll(style(header, 'backgroundColor')).toBe('rgb(15, 118, 110)');
  await expect(preview.getByTestId('prex-title')).toHaveText('Northwind Notes help');
  // Mounted open without taking the focus from the console's form.
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('IFRAME');

  // The accent, as it is typed: the pane's header and the loader's launcher follow.
  await page.getByLabel('Accent colour', { exact: true }).fill('#b45309');
  await expect.poll(style(header, 'backgroundColor')).toBe('rgb(180, 83, 9)');
  await expect.poll(style(preview.locator('prex-launcher button[aria-haspopup=dialog]'), 'backgroundColor')).toBe('rgb(180, 83, 9)');
  await page.getByLabel('Title', { exact: true }).fill('Northwind help');
  await expect(preview.getByTestId('prex-title')).toHaveText('Northwind help');
  // Tenant CSS goes through the pane's own filter in the preview, as on a visitor's page.
  await page.getByLabel(/^Custom CSS/).fill('.prex-title { text-transform: uppercase }');
  await expect.poll(() => preview.getByTestId('prex-title').evaluate((el) => getComputedStyle(el).textTransform)).toBe('uppercase');

  // 'auto' follows the visitor's page: the switch shows it dark, then light again.
  await page.getByLabel('Colour scheme').selectOption('auto');
  await page.getByRole('group', { name: 'Page' }).getByRole('button', { name: 'Dark' }).click();
  await expect.poll(style(pane, 'backgroundColor')).toBe('rgb(17, 24, 39)');
  await page.getByRole('group', { name: 'Page' }).getByRole('button', { name: 'Light' }).click();
  await expect.poll(style(pane, 'backgroundColor')).toBe('rgb(255, 255, 255)');

  // A phone's width: the pane fills the screen.
  await page.getByRole('group', { name: 'Screen' }).getByRole('button', { name: 'Mobile' }).click();
  const fillsTheScreen = () => pane.evaluate((el) => ({ phone: innerWidth <= 480, full: Math.round(el.getBoundingClientRect().width) === innerWidth }));
  await expect.poll(fillsTheScreen).toEqual({ phone: true, full: true });
  await page.getByRole('group', { name: 'Screen' }).getByRole('button', { name: 'Desktop' }).click();
  await expect.poll(() => pane.evaluate((el) => Math.round(el.getBoundingClientRect().width))).toBe(380);

  // Grey on grey: the rule, the ratio, and no saving.
  await page.getByLabel('Colour scheme').selectOption('light');
  await page.getByLabel('Background colour', { exact: true }).fill('#777777');
  await page.getByLabel('Text colour', { exact: true }).fill('#888888');
  await expect(page.getByTestId('contrast-text')).toHaveText(/^Text on background: 1\.\d:1 — needs 4\.5:1$/);
  await expect(page.getByRole('alert')).toContainText('textColor #888888 on backgroundColor #777777 has a contrast ratio of');
  await expect(page.getByRole('button', { name: 'Save theme' })).toBeDisabled();

  // Readable colours: allowed again, and the preview shows them.
  await page.getByLabel('Background colour', { exact: true }).fill('#fffbeb');
  await page.getByLabel('Text colour', { exact: true }).fill('#1f2937');
  await expect(page.getByTestId('contrast-text')).toHaveText(/^Text on background: \d+\.\d:1 — meets 4\.5:1$/);
  await expect.poll(style(pane, 'backgroundColor')).toBe('rgb(255, 251, 235)');
  // Cleared, the text colour is the scheme's again in the preview.
  await page.getByLabel('Text colour', { exact: true }).fill('');
  await expect.poll(style(pane, 'color')).toBe('rgb(17, 24, 39)');
  await page.getByLabel('Text colour', { exact: true }).fill('#1f2937');
  await expect.poll(style(pane, 'color')).toBe('rgb(31, 41, 55)');

  expect((await axePage(page)).bad).toEqual([]);

  await page.getByRole('button', { name: 'Save theme' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Theme saved' })).toBeVisible();
  const stored = await stack.admin<AdminThemeResponse>('GET', '/v1/admin/theme');
  expect(stored.stored).toMatchObject({ accentColor: '#b45309', backgroundColor: '#fffbeb', textColor: '#1f2937', title: 'Northwind help', colorScheme: 'light', customCss: '.prex-title{text-transform:uppercase}' });

  expect(previewCalls).toEqual([]);
  expect(cspErrors).toEqual([]);

  // The next visitor page load draws the saved theme.
  const visitor = new Widget(await (await browser.newContext()).newPage());
  await visitor.page.goto(stack.hostUrl);
  await visitor.open();
  await expect.poll(style(visitor.pane.locator('.prex-header'), 'backgroundColor')).toBe('rgb(180, 83, 9)');
  await expect.poll(style(visitor.pane, 'backgroundColor')).toBe('rgb(255, 251, 235)');
  await expect(visitor.page.getByTestId('prex-title')).toHaveText('Northwind help');
  await expect.poll(() => visitor.page.getByTestId('prex-title').evaluate((el) => getComputedStyle(el).textTransform)).toBe('uppercase');
  await visitor.page.context().close();
  await context.close();
});
