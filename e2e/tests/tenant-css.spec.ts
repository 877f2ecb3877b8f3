import { expect, test, type Page } from '@playwright/test';
import { startStack, type Stack } from '../stack.js';
import { Widget } from '../pane.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

/** A host no part of the test serves: any request to it is a visitor's IP leaking to a third party. */
const OUTSIDE = 'http://outside.invalid';

/** Tenant CSS that makes Chromium fetch from OUTSIDE through every image-set() spelling the old deny-list let through. */
const hostileCss = (tag: string) =>
  [
    `.prex-pane{cursor:image-set(url(${OUTSIDE}/${tag}-cursor.png) 1x), auto}`,
    `.prex-header{background-image:-webkit-image-set(url(${OUTSIDE}/${tag}-webkit-bg.png) 1x)}`,
    `.prex-title{cursor:-webkit-image-set("${OUTSIDE}/${tag}-webkit-cursor.png" 1x), pointer}`,
    `.prex-header{mask-image:image-set("${OUTSIDE}/${tag}-mask.png" 1x)}`,
    `.prex-pane{background:#fff image-set("${OUTSIDE}/${tag}-bg.png" 1x)}`,
  ].join('\n');

/** Every request that leaves for a host other than the test's own, answered here with a 1x1 PNG. */
async function watchOutside(page: Page): Promise<string[]> {
  const outside: string[] = [];
  const ownOrigins = new Set([new URL(stack.hostUrl).origin, new URL(stack.foreignUrl).origin, new URL(stack.apiUrl).origin]);
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith('http') && !ownOrigins.has(url.origin)) outside.push(url.href);
  });
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  await page.route(`${OUTSIDE}/**`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: png }));
  return outside;
}

/** Hovers the pane's parts so cursor images, if any survived, are needed now. */
async function hoverPane(widget: Widget): Promise<void> {
  for (const part of [widget.pane, widget.page.getByTestId('prex-title'), widget.input]) await part.hover();
}

test('the check can see a leak: the same CSS adopted unfiltered into a shadow root fetches from the outside host', async ({ page }) => {
  const outside = await watchOutside(page);
  await page.goto(stack.hostUrl);
  await page.evaluate((css) => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<div class="prex-pane" style="width:200px;height:200px"><div class="prex-header" style="height:50px"><h2 class="prex-title">t</h2></div></div>';
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  }, hostileCss('control'));
  await page.locator('.prex-title').hover();
  await expect.poll(() => outside.length).toBeGreaterThan(0);
  expect(outside.every((url) => url.startsWith(`${OUTSIDE}/control-`))).toBe(true);
});

test('tenant CSS with image-set() and -webkit-image-set() fetches nothing from outside hosts; the allowed rules still apply', async ({ page }) => {
  const outside = await watchOutside(page);
  // The admin API refuses this sheet (400 naming the property), so it cannot be stored any more;
  // the widget config is rewritten on its way to the browser to play a sheet stored before the
  // allow-list, or a hostile backend: the widget's own filter must hold alone.
  await page.route(`${stack.apiUrl}/v1/widget/config`, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { theme: Record<string, unknown> };
    body.theme.customCss = `${hostileCss('widget')}\n.prex-title{letter-spacing:3px}`;
    await route.fulfill({ response, json: body });
  });
  await expect(stack.admin('PUT', '/v1/admin/theme', { customCss: hostileCss('admin') })).rejects.toThrow(/→ 400: .*customCss: tenant CSS cursor: .*image-set/);

  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await expect(page.getByTestId('prex-title')).toHaveCSS('letter-spacing', '3px');
  await hoverPane(widget);
  await page.waitForLoadState('networkidle');
  expect(outside).toEqual([]);
});
