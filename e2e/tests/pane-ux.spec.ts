import { expect, test, type Page } from '@playwright/test';
import type { Responder } from '@prex/testing';
import { startStack, type Stack } from '../stack.js';
import { Widget } from '../pane.js';

/**
 * Classic XSS payloads, each returned by the loopback model as an answer. The pane renders
 * Markdown as DOM nodes it builds itself, so none may run or leave a dangerous node behind.
 */
const XSS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 2">',
  '[click me](javascript:window.__xss=3)',
  '[click me](JaVaScRiPt:window.__xss=4)',
  '[click me]( javascript:window.__xss=5 )',
  '[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9Njwvc2NyaXB0Pg==)',
  '<svg onload="window.__xss = 7"><script>window.__xss = 7</script></svg>',
  '&lt;script&gt;window.__xss = 8&lt;/script&gt; &#x3C;img src=x onerror=window.__xss=8&#x3E;',
  '<a href="javascript:window.__xss=9">link</a>',
  '<javascript:window.__xss=10>',
  '[outer [inner](javascript:window.__xss=11)](https://ok.example/)',
  '![img](javascript:window.__xss=12) ![x](https://x.invalid/a.png" onerror="window.__xss=12)',
  '<iframe src="javascript:window.__xss=13"></iframe>',
  '[x](https://ok.example/" onmouseover="window.__xss=14)',
  '<details open ontoggle="window.__xss=15">x</details>',
  '```html\n<script>window.__xss = 16</script>\n```',
  '[x](vbscript:msgbox(17))',
  '[x](&#106;avascript:window.__xss=18)',
  '<style>*{display:none}</style><link rel=stylesheet href=//evil.example/x.css>',
  '<math><mi xlink:href="javascript:window.__xss=20">x</mi></math>',
  '[x](//evil.example/21)',
  '| <img src=x onerror=window.__xss=22> | b |\n|---|---|\n| [x](javascript:window.__xss=22) | <b onmouseover=window.__xss=22>c</b> |',
  '<https://ok.example/"><script>window.__xss=23</script>>',
  '[x](java\nscript:window.__xss=24)',
  '**<img src=x onerror=window.__xss=25>** _<svg/onload=window.__xss=25>_ `<script>window.__xss=25</script>`',
  '- [x](javascript:window.__xss=26)\n- <object data="javascript:window.__xss=26"></object>',
  '[x](data:image/svg+xml,<svg onload=window.__xss=27>)',
  '<form action="javascript:window.__xss=28"><button>go</button></form>',
  '[x]: javascript:window.__xss=29\n[x]',
  '<base href="javascript:window.__xss=30//">[rel](/relative)',
];

const MARKDOWN =
  'Here is **how** to get a *refund*:\n\n1. Open `Settings`\n2. Choose **Billing**\n\n' +
  '| Plan | Refund window |\n|:--|--:|\n| Monthly | 30 days |\n| Annual | pro rata |\n\n' +
  '```sh\nnorthwind refund --last\n```\n\nSee [the guide](https://help.northwind.example/refunds) or mail support@northwind.example.';

/**
 * Tests queue the model's next replies (the questions themselves must stay on topic, or the
 * backend's relevance floor answers without asking the model).
 */
const queued: { text: string[]; delayMs?: number }[] = [];
const responder: Responder = () => queued.shift() ?? { text: 'You can get a refund within 30 days [1].'.split(/(?<= )/) };
const reply = (text: string, delayMs?: number) =>
  queued.push({ text: text.split(/(?<=[\s*`|\]])/), ...(delayMs ? { delayMs } : {}) });

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: responder });
});
test.afterAll(async () => {
  await stack?.close();
});

async function watchForScript(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return {
    ran: async () => ({ flag: await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null), dialogs }),
  };
}

test('XSS corpus: no payload from the model runs or leaves a dangerous node in the pane', async ({ page }) => {
  test.setTimeout(180_000);
  const widget = new Widget(page);
  const watch = await watchForScript(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  for (let i = 0; i < XSS.length; i++) {
    reply(XSS[i]!);
    await widget.ask('How do I get a refund?');
    await expect(widget.messages('assistant')).toHaveCount(i + 1);
    await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
    expect(await widget.dangerousNodes(), `payload ${i}: ${XSS[i]}`).toEqual([]);
    // Hovering and clicking every link the answer has must not run anything either.
    for (const a of await widget.answerText().locator('a').all()) {
      expect(await a.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    }
  }
  // The payloads are shown as text (the visitor sees what the model said).
  await expect(widget.messages('assistant').nth(0).getByTestId('prex-message-text')).toContainText('<script>window.__xss = 1</script>');
  await expect(widget.messages('assistant').nth(2).getByTestId('prex-message-text')).toHaveText('click me');
  await page.waitForTimeout(300);
  expect(await watch.ran()).toEqual({ flag: null, dialogs: [] });
});

test('answers render Markdown (lists, table, code with copy, safe links) and stream without raw markers', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.hostUrl });
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const texts = await widget.recordAnswerTexts();
  reply(MARKDOWN, 15);
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const answer = widget.answerText();
  await expect(answer.locator('strong').first()).toHaveText('how');
  await expect(answer.locator('ol > li')).toHaveText(['Open Settings', 'Choose Billing']);
  await expect(answer.locator('th')).toHaveText(['Plan', 'Refund window']);
  await expect(answer.locator('tbody tr')).toHaveCount(2);
  await expect(answer.locator('pre code')).toHaveText('northwind refund --last');
  await expect(answer.locator('a[href="https://help.northwind.example/refunds"]')).toHaveAttribute('rel', /noopener/);
  await expect(answer.locator('a[href="mailto:support@northwind.example"]')).toHaveCount(0); // bare e-mail stays text

  // While streaming, the visitor never saw a raw emphasis marker or half a link. How many frames
  // catch the stream depends on the machine's speed: it is enough that it streamed in (more than one
  // state was shown), and every state shown is checked.
  const seen = await texts();
  expect(seen.length).toBeGreaterThan(1);
  for (const t of seen) expect(t).not.toMatch(/\*\*|\]\(|```/);

  await widget.lastAnswer().getByTestId('prex-copy').click();
  await expect(widget.lastAnswer().getByTestId('prex-copy')).toHaveAttribute('aria-label', 'Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('northwind refund --last');
});

test('feedback: thumbs down with a comment is stored for the answer', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const id = await widget.lastAnswer().getAttribute('data-message-id');

  const first = page.waitForResponse((r) => r.url().endsWith(`/v1/chat/${id}/feedback`));
  await widget.lastAnswer().getByTestId('prex-feedback-down').click();
  expect((await first).status()).toBe(200);
  await expect(widget.lastAnswer().getByTestId('prex-feedback-down')).toHaveAttribute('aria-pressed', 'true');
  await widget.lastAnswer().getByTestId('prex-feedback-comment').fill('Please mention annual plans');
  const second = page.waitForResponse((r) => r.url().endsWith(`/v1/chat/${id}/feedback`));
  await widget.lastAnswer().getByTestId('prex-feedback-submit').click();
  const res = await second;
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ messageId: id, rating: 'down', comment: 'Please mention annual plans' });
  await expect(widget.lastAnswer().getByTestId('prex-feedback-thanks')).toBeVisible();
});

test('new conversation and the history list of earlier ones', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund? first conversation');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await widget.fromMenu('prex-new-chat');
  await expect(widget.messages()).toHaveCount(0);
  await expect(widget.input).toBeFocused();
  await widget.ask('How do I get a refund? second conversation');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');

  await widget.fromMenu('prex-history-button');
  const items = page.getByTestId('prex-conversation');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('second conversation');
  await expect(items.nth(0)).toHaveAttribute('aria-current', 'true');
  await expect(items.nth(1)).toContainText('first conversation');
  await expect(items.nth(1)).toContainText('2 messages');
  await items.nth(1).click();
  await expect(widget.messages('user')).toHaveCount(1);
  await expect(widget.messages('user').first()).toContainText('first conversation');

  // The choice survives a reload (it is the current session now).
  await page.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(widget.messages('user').first()).toContainText('first conversation');
});

test('keyboard only: open from the launcher, focus moves in, Escape closes and focus returns', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await expect(widget.launcher).toBeVisible();
  await widget.launcher.focus();
  await page.keyboard.press('Enter');
  await expect(widget.pane).toBeVisible();
  await expect(widget.input).toBeFocused();
  await page.keyboard.type('How do I get a refund?');
  await page.keyboard.press('Enter');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(page.getByTestId('prex-announcer')).toContainText('refund');
  // Tab reaches the answer's feedback buttons.
  await widget.lastAnswer().getByTestId('prex-feedback-up').focus();
  await page.keyboard.press('Enter');
  await expect(widget.lastAnswer().getByTestId('prex-feedback-up')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Escape');
  await expect(widget.pane).toBeHidden();
  const focused = await page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.tagName.toLowerCase() + ':' + (a?.getAttribute('aria-expanded') ?? '');
  });
  expect(focused).toBe('button:false');
});

test('voice input appears where SpeechRecognition exists and fills the message', async ({ page }) => {
  await page.addInitScript(() => {
    class FakeRecognition {
      lang = '';
      interimResults = false;
      continuous = false;
      onresult: ((e: unknown) => void) | null = null;
      onend: (() => void) | null = null;
      onerror: (() => void) | null = null;
      start() {
        (window as unknown as { __lang: string }).__lang = this.lang;
        setTimeout(() => this.onresult?.({ results: [[{ transcript: 'how do I get a refund' }]] }), 50);
        setTimeout(() => this.onend?.(), 100);
      }
      stop() {
        this.onend?.();
      }
    }
    for (const name of ['SpeechRecognition', 'webkitSpeechRecognition']) {
      Object.defineProperty(window, name, { value: FakeRecognition, configurable: true, writable: true });
    }
  });
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await page.getByTestId('prex-voice').click();
  await expect(widget.input).toHaveValue('how do I get a refund');
  await expect(page.getByTestId('prex-voice')).toHaveAttribute('aria-pressed', 'false');
  expect(await page.evaluate(() => (window as unknown as { __lang: string }).__lang)).toBe('en');
});

test('voice input is hidden where the browser has no speech recognition', async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as unknown as Record<string, unknown>).webkitSpeechRecognition;
    delete (window as unknown as Record<string, unknown>).SpeechRecognition;
  });
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await expect(widget.input).toBeVisible();
  await expect(page.getByTestId('prex-voice')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 700 }, hasTouch: true, isMobile: true });
  test('the pane is full screen, follows the visual viewport, and its input does not zoom', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    const box = await widget.pane.boundingBox();
    const vv = await page.evaluate(() => ({ w: window.visualViewport!.width, h: window.visualViewport!.height }));
    expect(box).toMatchObject({ x: 0, y: 0 });
    expect(Math.round(box!.width)).toBe(Math.round(vv.w));
    expect(Math.round(box!.height)).toBe(Math.round(vv.h));
    expect(await widget.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    // The visual viewport shrinking (on-screen keyboard) shrinks the pane with it.
    await widget.pane.evaluate((el) => el.style.setProperty('--prex-vvh', '400px'));
    await expect.poll(async () => Math.round((await widget.pane.boundingBox())!.height)).toBe(400);
    await expect(widget.input).toBeInViewport();
  });
});

test.describe('in German', () => {
  test.use({ locale: 'de-DE' });
  test('the pane follows the browser language', async ({ page }) => {
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await widget.open();
    await expect(widget.input).toHaveAttribute('aria-label', 'Nachricht');
    await expect(widget.input).toHaveAttribute('placeholder', 'Stellen Sie eine Frage…');
    await expect(page.getByTestId('prex-close')).toHaveAttribute('aria-label', 'Chat schließen');
  });
});
