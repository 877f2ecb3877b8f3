import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page, type Route } from '@playwright/test';
import type { Responder } from '@prex/testing';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/** A host page whose tag carries data-prex-color and data-prex-position. */
const BRANDED = fileURLToPath(new URL('./fixtures/branded', import.meta.url));

/**
 * The widget's finish (issue 17), as a visitor meets it in Chromium: each test measures what the
 * visitor sees (computed styles, boxes, text, painted pixels) against the real backend.
 */

const queued: string[] = [];
const responder: Responder = () => ({ text: (queued.shift() ?? 'You can get a refund within 30 days [1].').split(/(?<= )/) });
/** The loopback model's next answer (questions must stay on topic, or the model is not asked). */
const reply = (text: string) => queued.push(text);

const TEAL = 'rgb(15, 118, 110)'; // the demo tenant's accent, #0f766e
const INDIGO = 'rgb(79, 70, 229)'; // the default accent
const DEFAULT_GREETING = 'Hi! Ask me anything about our product.';
const TENANT_GREETING = 'Hi! Ask me about plans, billing, sync, sharing or anything else in Northwind Notes.';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: responder });
});
test.afterAll(async () => {
  await stack?.close();
});
test.beforeEach(() => {
  queued.length = 0;
});
test.use({ viewport: { width: 1280, height: 800 } });

/** Holds the tenant's config response until `release` is called (a slow network, on demand). */
async function holdConfig(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let asked!: () => void;
  const requested = new Promise<void>((r) => (asked = r));
  await page.route(/\/v1\/widget\/config/, async (route: Route) => {
    asked();
    await released;
    await route.continue();
  });
  return { requested, release };
}

const box = async (l: Locator) => (await l.boundingBox())!;

/** How much ink a locator's pixels carry against a background colour (sum of per-pixel coverage). */
async function ink(page: Page, l: Locator, background: string): Promise<number> {
  const png = (await l.screenshot({ animations: 'disabled' })).toString('base64');
  return page.evaluate(
    async ({ png, background }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const bg = background.match(/\d+/g)!.map(Number);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) {
        sum += Math.max(Math.abs(px[i]! - bg[0]!), Math.abs(px[i + 1]! - bg[1]!), Math.abs(px[i + 2]! - bg[2]!)) / 255;
      }
      return sum;
    },
    { png, background },
  );
}

/** The focused element, looking inside shadow roots. */
const deepFocus = (page: Page) =>
  page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a ? `${a.tagName.toLowerCase()}${a.getAttribute('data-testid') ? `#${a.getAttribute('data-testid')}` : ''}` : null;
  });

test.describe('a page whose tag carries the brand', () => {
  let branded: Stack;
  test.beforeAll(async () => {
    branded = await startStack({ root: BRANDED });
  });
  test.afterAll(async () => {
    await branded?.close();
  });

  test('1. a first-time visitor sees the tenant\'s colour and side at once, before any request to Prex', async ({ page }) => {
    const widget = new Widget(page);
    const prexRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(branded.apiUrl) && !r.url().endsWith('/loader.js')) prexRequests.push(new URL(r.url()).pathname);
    });
    await page.goto(branded.hostUrl);
    await expect(widget.launcher).toBeVisible();
    await expect(widget.launcher).toHaveCSS('background-color', TEAL);
    const launcher = await box(widget.launcher);
    expect(launcher.x + launcher.width / 2).toBeLessThan(1280 / 2); // on the left
    expect(prexRequests).toEqual([]); // no config fetch, no pane: the tag carried it

    // The pane's header is the brand's from its first frame too, even while the config is slow.
    const config = await holdConfig(page);
    await widget.launcher.click();
    await config.requested;
    await expect(widget.pane).toBeVisible();
    await expect(page.locator('.prex-header')).toHaveCSS('background-color', TEAL);
    config.release();
    await expect(page.getByTestId('prex-title')).toHaveText('Northwind Notes help');
    await expect(widget.launcher).toHaveCSS('background-color', TEAL);
  });
});

test('2. the default greeting never shows in place of the tenant\'s while its config is on the way', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  const config = await holdConfig(page);
  await widget.launcher.click();
  await config.requested;
  await expect(widget.input).toBeVisible();
  await expect(widget.pane).not.toContainText(DEFAULT_GREETING);
  await expect(page.getByTestId('prex-greeting')).toHaveCount(0);
  await expect(page.getByTestId('prex-title')).not.toHaveText('Support');
  config.release();
  await expect(page.getByTestId('prex-greeting')).toHaveText(TENANT_GREETING);
  await expect(widget.pane).not.toContainText(DEFAULT_GREETING);
});

test('3. the header title is shown in full at desktop width; a longer one wraps instead of being cut', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const title = page.getByTestId('prex-title');
  await expect(title).toHaveText('Northwind Notes help');
  const fits = () => title.evaluate((el) => ({ w: el.scrollWidth <= el.clientWidth, h: el.scrollHeight <= el.clientHeight, lines: Math.round(el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)) }));
  expect(await fits()).toEqual({ w: true, h: true, lines: 1 });
  await page.evaluate(() => (window as unknown as { Prex: (c: string, a: unknown) => void }).Prex('update', { theme: { title: 'Northwind Notes billing and account help' } }));
  await expect(title).toHaveText('Northwind Notes billing and account help');
  expect(await fits()).toEqual({ w: true, h: true, lines: 2 });
  // the header's buttons are still all there and inside the pane
  const pane = await box(widget.pane);
  for (const id of ['prex-menu-button', 'prex-close']) {
    const b = await box(page.getByTestId(id));
    expect(b.x + b.width).toBeLessThanOrEqual(pane.x + pane.width);
  }
});

test('4. citations: [1] is a link to its source card; cards show title and section in full, the passage on focus or hover', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  reply('You can get a refund within 30 days of the charge [1]. Open Settings, then Billing.');
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const answer = widget.lastAnswer();
  const cite = widget.answerText().getByTestId('prex-cite');
  await expect(cite).toHaveCount(1);
  await expect(cite).toHaveText('[1]'); // copied as the answer says it; the brackets are not drawn
  expect(await widget.answerText().evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[data-testid="prex-cite"]').forEach((c) => c.remove());
    return copy.textContent;
  })).not.toContain('[1]'); // no marker left as plain text
  await expect(cite).toHaveAccessibleName(/^Source 1: \S/);

  const card = answer.getByTestId('prex-source').first();
  const title = card.locator('.prex-source-title');
  const section = card.locator('.prex-source-section');
  await expect(title).not.toBeEmpty();
  await expect(section).not.toBeEmpty();
  for (const part of [title, section]) {
    expect(await part.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
  }
  const t = await box(title);
  const s = await box(section);
  expect(s.y).toBeGreaterThanOrEqual(t.y + t.height - 1); // the section on its own line, under the title
  expect(await card.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(30); // two lines, not a 1-line pill
  const fontSize = await title.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(13);

  // The quoted passage: hidden at rest, shown when the marker leads keyboard focus to the card.
  const quote = answer.getByTestId('prex-source-quote').first();
  await expect(quote).toBeHidden();
  await cite.focus();
  await page.keyboard.press('Enter');
  expect(await deepFocus(page)).toMatch(/#prex-source$/);
  await expect(quote).toBeVisible();
  await expect(quote).not.toBeEmpty();
  // a screen reader hears the passage as the card's description
  await expect(card).toHaveAccessibleDescription(((await quote.textContent()) ?? '').replace(/\s+/g, ' ').trim());
  // …and on hover, once the focus is elsewhere
  await widget.input.focus();
  await expect(quote).toBeHidden();
  await card.hover();
  await expect(quote).toBeVisible();
  expect(await widget.dangerousNodes()).toEqual([]);
});

test('5. a paragraph after a numbered list is its own paragraph, not glued into the last item', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  reply('To get a refund:\n\n1. Open Settings.\n2. Choose Billing.\n3. Tell us briefly why, then confirm.\nYou will get an email within a day.');
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const text = widget.answerText();
  await expect(text.locator('ol > li')).toHaveText(['Open Settings.', 'Choose Billing.', 'Tell us briefly why, then confirm.']);
  const after = text.locator('ol + p');
  await expect(after).toHaveText('You will get an email within a day.');
  // it starts at the text's left edge, like the first paragraph, not indented under the list
  expect(Math.round((await box(after)).x)).toBe(Math.round((await box(text.locator('p').first())).x));
});

test('6. the "Talk to a human" strip leaves the answer above it in view, and is outlined in the accent colour', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const long = 'You can get a refund within 30 days of any charge. Open Settings, then Billing, and press Request refund. '.repeat(4);
  for (let i = 0; i < 2; i++) {
    reply(long);
    await widget.ask('How do I get a refund?');
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  }
  const list = page.getByTestId('prex-messages');
  expect(await list.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true); // the list scrolls
  await widget.ask('What is the airspeed velocity of an unladen swallow?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const ask = page.getByTestId('prex-handoff-ask');
  await expect(ask).toBeVisible();
  const last = widget.lastAnswer();
  await expect
    .poll(async () => {
      const l = await box(list);
      const m = await box(last);
      return m.y + m.height <= l.y + l.height + 0.5;
    })
    .toBe(true);
  await expect(ask).toHaveCSS('border-top-color', TEAL);
});

test('7. thumbs up just thanks; thumbs down asks, and the box goes when the visitor moves on; staff replies have no thumbs', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const first = widget.lastAnswer();
  await first.getByTestId('prex-feedback-up').click();
  await expect(first.getByTestId('prex-feedback-thanks')).toBeVisible();
  await expect(page.getByTestId('prex-feedback-comment')).toHaveCount(0);

  await widget.ask('How do I get a refund for an annual plan?');
  await expect(widget.messages('assistant')).toHaveCount(2);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const second = widget.lastAnswer();
  await second.getByTestId('prex-feedback-down').click();
  await expect(second.getByTestId('prex-feedback-comment')).toBeVisible();
  await expect(second.getByTestId('prex-feedback-comment')).toHaveAttribute('aria-label', /could be better/);
  await widget.ask('How long does a refund take?');
  await expect(widget.messages('user')).toHaveCount(3);
  await expect(page.getByTestId('prex-feedback-comment')).toHaveCount(0);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');

  // a staff reply is a person talking, not an answer to rate
  await widget.fromMenu('prex-menu-human');
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await page.evaluate(() => localStorage.getItem('prex:pk_demo_northwind:session')!.split('.')[0]!);
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'Hi, Sam here. I have refunded the charge.' });
  const staff = widget.messages('assistant').last();
  await expect(staff).toHaveAttribute('data-author', 'human', { timeout: 20_000 });
  await expect(widget.answerText(staff)).toHaveText('Hi, Sam here. I have refunded the charge.');
  await expect(staff.getByTestId('prex-feedback')).toHaveCount(0);
  await expect(widget.messages('assistant').nth(0).getByTestId('prex-feedback')).toHaveCount(1);
});

test('8a. the menu icon carries as much ink as the icons beside it', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await expect(page.getByTestId('prex-title')).toHaveText('Northwind Notes help');
  await widget.input.focus(); // no hover or focus ring on the header's buttons
  const header = await page.locator('.prex-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  const more = await ink(page, page.getByTestId('prex-menu-button').locator('svg'), header);
  const close = await ink(page, page.getByTestId('prex-close').locator('svg'), header);
  expect(more / close).toBeGreaterThan(0.45);
});

test('8b/c. answers use the width of the pane, and the greeting has the avatar it is indented for', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  reply('You can get a refund within 30 days of any charge. Open Settings, then Billing, and press Request refund. We send an email once it is done.');
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const list = page.getByTestId('prex-messages');
  const inner = await list.evaluate((el) => el.clientWidth - parseFloat(getComputedStyle(el).paddingLeft) - parseFloat(getComputedStyle(el).paddingRight));
  const bubble = await box(widget.lastAnswer().locator('.prex-bubble'));
  expect(bubble.width / inner).toBeGreaterThan(0.85);

  const greeting = page.getByTestId('prex-greeting');
  const avatar = greeting.locator('.prex-avatar');
  await expect(avatar).toBeVisible();
  const a = await box(avatar);
  const g = await box(greeting.locator('.prex-bubble'));
  expect(a.x + a.width).toBeLessThanOrEqual(g.x);
  expect(Math.round(g.x)).toBe(Math.round((await box(widget.lastAnswer().locator('.prex-bubble'))).x));
});

test('8d. the composer belongs to the chat: hidden in the history and account views', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await expect(widget.input).toBeVisible();
  await widget.fromMenu('prex-history-button');
  await expect(page.getByTestId('prex-history')).toBeVisible();
  await expect(page.getByTestId('prex-composer')).toHaveCount(0);
  await page.getByTestId('prex-back').click();
  await expect(widget.input).toBeVisible();
  await widget.fromMenu('prex-menu-account');
  await expect(page.getByTestId('prex-account')).toBeVisible();
  await expect(page.getByTestId('prex-composer')).toHaveCount(0);
  // the view fills the space the composer left
  const pane = await box(widget.pane);
  const view = await box(page.getByTestId('prex-account'));
  expect(view.y + view.height).toBeGreaterThan(pane.y + pane.height - 4);
});

test('8e. an open pane stays open across a reload and a page change in this tab, without taking the focus', async ({ page, context }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  reply('You can get a refund within 30 days.');
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await page.reload();
  await expect(widget.pane).toBeVisible();
  await expect(widget.launcher).toHaveAttribute('aria-expanded', 'true');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  expect(await deepFocus(page)).toBe('body'); // the page keeps its focus

  await page.goto(`${stack.hostUrl}index.html?page=2`);
  await expect(widget.pane).toBeVisible();

  // closed stays closed
  await widget.pane.getByTestId('prex-close').click();
  await expect(widget.pane).toBeHidden();
  await page.reload();
  await expect(widget.launcher).toBeVisible();
  await expect(widget.launcher).toHaveAttribute('aria-expanded', 'false');
  await expect(widget.pane).toHaveCount(0);

  // per tab: another tab of the site starts closed
  await widget.open();
  const other = await context.newPage();
  await other.goto(stack.hostUrl);
  await expect(new Widget(other).launcher).toHaveAttribute('aria-expanded', 'false');
  await expect(new Widget(other).pane).toHaveCount(0);
});
