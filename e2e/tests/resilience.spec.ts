import { expect, test } from '@playwright/test';
import { startStack, type Stack } from '../stack.js';
import { Widget } from '../pane.js';

/** A long, known answer from the loopback model, streamed word by word with a pause between words. */
const MODEL_ANSWER =
  'You can ask for a refund within 30 days of any charge [1]. Open Settings, then Billing, choose the ' +
  'charge and press Request refund; the money returns to your card in five to ten business days [1]. ' +
  'Annual plans are refunded pro rata after the first month, and you keep your notes either way.';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: { text: MODEL_ANSWER, delayMs: 40 } });
});
test.afterAll(async () => {
  await stack?.close();
});

test('an answer streams in token by token from the model, with its citation', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const lengths = await widget.recordAnswerLengths();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toHaveText(MODEL_ANSWER);
  expect((await lengths()).length).toBeGreaterThan(10);
  await expect(widget.lastAnswer().getByTestId('prex-source')).toHaveCount(1);
});

test('cutting the network mid-answer: it reconnects and completes with the exact full text', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const requestsBefore = stack.llm!.completionRequests.length;
  await widget.ask('How do I get a refund?');

  const text = widget.answerText();
  await expect(text).toContainText('within 30 days');
  expect(MODEL_ANSWER.startsWith((await text.textContent()) ?? '')).toBe(true);
  stack.proxy.setOffline(true);
  expect(stack.proxy.cutAll()).toBeGreaterThan(0);
  await expect(page.getByTestId('prex-reconnecting')).toBeVisible();
  await page.waitForTimeout(1_000);
  stack.proxy.setOffline(false);

  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  await expect(text).toHaveText(MODEL_ANSWER);
  await expect(page.getByTestId('prex-reconnecting')).toHaveCount(0);
  // The answer was resumed, not asked again.
  expect(stack.llm!.completionRequests.length).toBe(requestsBefore + 1);
});

test('the visitor can stop an answer; the partial answer is kept after a reload', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.answerText()).toContainText('within 30 days');
  await page.getByTestId('prex-stop').click();
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'stopped');
  const partial = (await widget.answerText().textContent()) ?? '';
  expect(partial.length).toBeGreaterThan(0);
  expect(partial.length).toBeLessThan(MODEL_ANSWER.length);
  expect(MODEL_ANSWER.startsWith(partial)).toBe(true);

  await page.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'stopped');
  await expect(widget.answerText()).toHaveText(partial);
  await expect(page.getByTestId('prex-send')).toBeVisible();
});
