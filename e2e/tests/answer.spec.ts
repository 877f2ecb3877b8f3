import { expect, test } from '@playwright/test';
import { startStack, type Stack } from '../stack.js';
import { Widget } from '../pane.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

test('the page loads only the loader until the visitor shows intent', async ({ page }) => {
  const fromPrex: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(stack.apiUrl)) fromPrex.push(new URL(request.url()).pathname);
  });
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await expect(widget.launcher).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(fromPrex).toEqual(['/loader.js']);

  await widget.open();
  expect(fromPrex).toContain('/widget/pane.js');
});

test('a question gets a grounded answer with citations, still there after a reload', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');

  await expect(widget.messages('user')).toHaveCount(1);
  await expect(widget.messages('user').first()).toContainText('How do I get a refund?');
  const answer = widget.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText(answer)).toContainText(/refund/i);

  const sources = answer.getByTestId('prex-source');
  await expect(sources.first()).toBeVisible();
  const href = await sources.first().getAttribute('href');
  expect(href).toMatch(/^https:\/\/help\.northwind\.example\/.*refund/);
  await expect(sources.first()).toHaveAttribute('target', '_blank');
  await expect(sources.first()).toHaveAttribute('rel', /noopener/);
  const answered = await widget.answerText(answer).textContent();

  await page.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(widget.messages()).toHaveCount(2);
  await expect(widget.messages('user').first()).toContainText('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toHaveText(answered ?? '');
  await expect(widget.lastAnswer().getByTestId('prex-source').first()).toHaveAttribute('href', href ?? '');
});

test('a question the knowledge base cannot answer gets an honest reply without sources', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('What is the airspeed velocity of an unladen swallow?');
  const answer = widget.lastAnswer();
  await expect(answer).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText(answer)).toContainText(/couldn.t find/i);
  await expect(answer.getByTestId('prex-source')).toHaveCount(0);
});

/** Computed styles of host elements, as the host page's own CSS makes them. */
async function hostStyles(page: import('@playwright/test').Page) {
  return page.evaluate(() =>
    ['body', '#host-title', '#host-text', '#host-button'].map((selector) => {
      const style = getComputedStyle(document.querySelector(selector)!);
      return {
        selector,
        color: style.color,
        background: style.backgroundColor,
        font: style.fontFamily,
        size: style.fontSize,
        display: style.display,
        margin: style.margin,
      };
    }),
  );
}

test('host CSS does not reach into the widget, and the widget does not change the host page', async ({ page }) => {
  // The page as its own CSS renders it, without Prex.
  await page.route(`${stack.apiUrl}/loader.js`, (route) => route.abort());
  await page.goto(stack.hostUrl);
  const without = await hostStyles(page);
  expect(without.find((s) => s.selector === '#host-text')?.color).toBe('rgb(255, 0, 0)');
  await page.unroute(`${stack.apiUrl}/loader.js`);

  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('Can I use Northwind Notes offline?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  expect(await hostStyles(page)).toEqual(without);

  const hostile = /comic sans/i;
  for (const target of [widget.launcher, widget.input, widget.answerText(), widget.pane]) {
    const style = await target.evaluate((el: Element) => {
      const s = getComputedStyle(el);
      return { color: s.color, font: s.fontFamily, transform: s.textTransform, spacing: s.letterSpacing, border: s.borderTopStyle, background: s.backgroundColor };
    });
    expect(style.font).not.toMatch(hostile);
    expect(style.color).not.toBe('rgb(255, 0, 0)');
    expect(style.transform).toBe('none');
    expect(style.spacing).toBe('normal');
    expect(style.border).not.toBe('dashed');
    expect(style.background).not.toBe('rgb(255, 255, 0)');
  }
  const box = await widget.pane.boundingBox();
  expect(box?.width).toBeGreaterThan(300);
  expect(box?.height).toBeGreaterThan(300);
});

test('the publishable key is refused on a site that is not on the allowed list', async ({ page }) => {
  const widget = new Widget(page);
  const refused = page.waitForResponse((r) => r.url().startsWith(`${stack.apiUrl}/v1/`) && r.status() === 403);
  await page.goto(stack.foreignUrl);
  await widget.open();
  const response = await refused;
  const body = await response.json();
  expect(body.error.code).toBe('forbidden_origin');
  expect(body.error.message).toContain(new URL(stack.foreignUrl).origin);
  await expect(page.getByTestId('prex-error')).toBeVisible();
});
