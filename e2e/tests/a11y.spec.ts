import { expect, test, type Page } from '@playwright/test';
import { startStack, type Stack } from '../stack.js';
import { axe } from '../axe.js';
import { Widget } from '../pane.js';

/** A model answer with the Markdown the pane renders (list, table, code, link) and a citation. */
const ANSWER =
  'You can get a **refund** within 30 days [1]:\n\n1. Open `Settings`\n2. Choose *Billing*\n\n' +
  '| Plan | Window |\n|---|---|\n| Monthly | 30 days |\n\n```sh\nnorthwind refund\n```\n\nSee [the guide](https://help.northwind.example/refunds).';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: { text: ANSWER.split(/(?<=\s)/) } });
});
test.afterAll(async () => {
  await stack?.close();
});

async function conversation(page: Page, widget: Widget) {
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText().locator('table')).toBeVisible();
  await expect(widget.lastAnswer().getByTestId('prex-source')).toHaveCount(1);
  await expect(page.getByTestId('prex-feedback-up')).toBeVisible();
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no serious or critical violations in the open pane (${scheme})`, async ({ page }) => {
    const widget = new Widget(page);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await conversation(page, widget);
    if (scheme === 'dark') {
      await page.evaluate(() => (window as unknown as { Prex: (c: string, a: unknown) => void }).Prex('update', { theme: { colorScheme: 'dark' } }));
    }
    await expect(widget.pane).toHaveAttribute('data-scheme', scheme);
    const { checked, bad } = await axe(page);
    // It did look at the pane: contrast, names and ARIA were checked on its nodes.
    expect(checked).toEqual(expect.arrayContaining(['color-contrast', 'button-name', 'aria-allowed-attr', 'link-name', 'label']));
    expect(bad).toEqual([]);

    // The history view too.
    await widget.fromMenu('prex-history-button');
    await expect(page.getByTestId('prex-conversation')).toHaveCount(1);
    expect((await axe(page)).bad).toEqual([]);
  });
}

test('the finished answer is announced once in a polite live region, not token by token', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const announcer = page.getByTestId('prex-announcer');
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByTestId('prex-messages')).toHaveAttribute('aria-live', 'off');
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(announcer).toContainText('Answer: You can get a refund within 30 days');
  await expect(announcer).not.toContainText('**');
});

test('reduced motion: no animations run in the pane', async ({ page }) => {
  const widget = new Widget(page);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(stack.hostUrl);
  await widget.open();
  expect(await widget.pane.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
});
