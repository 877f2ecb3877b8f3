import { expect, test } from '@playwright/test';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * A content gap closed in one click: the question the bot declined is on the Analytics page, the
 * owner writes the answer there, and the next visitor asking it is answered from it, cited.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const QUESTION = 'What is the airspeed velocity of an unladen swallow?';
const ANSWER = 'About eleven metres per second for a European swallow; we sell no swallows, only notebooks.';

async function visitorAsks(browser: import('@playwright/test').Browser, question: string): Promise<Widget> {
  const widget = new Widget(await (await browser.newContext()).newPage());
  await widget.page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask(question);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  return widget;
}

test('a declined question gets a solution from the Analytics page, and the next visitor is answered from it', async ({ browser }) => {
  const first = await visitorAsks(browser, QUESTION);
  await expect(first.answerText()).toContainText(/couldn.t find/i);

  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto('/console/analytics');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  const gap = page.getByTestId('content-gaps').getByRole('row').filter({ hasText: QUESTION });
  await expect(gap).toBeVisible();
  await expect(page.getByRole('link', { name: 'add a document' })).toHaveAttribute('href', '/console/knowledge');

  await gap.getByRole('button', { name: 'Write a solution' }).click();
  const form = page.getByTestId('gap-solution-form');
  await expect(form.getByLabel('Question')).toHaveValue(QUESTION);
  await form.getByLabel('Answer').fill(ANSWER);
  expect((await axePage(page)).bad).toEqual([]);
  await form.getByRole('button', { name: 'Save solution' }).click();
  await expect(gap.getByTestId('gap-solution-saved')).toBeVisible();
  await expect(form).toHaveCount(0);

  // Listed with the other solutions.
  await page.getByRole('link', { name: 'Solutions' }).first().click();
  await expect(page.getByTestId('solution').filter({ hasText: QUESTION })).toContainText(ANSWER);

  // The next visitor asking it is answered from the solution, and the answer cites it.
  const next = await visitorAsks(browser, QUESTION);
  await expect(next.answerText()).toContainText('eleven metres per second');
  await expect(next.lastAnswer().getByTestId('prex-source').first()).toContainText(QUESTION);

  await page.context().close();
  await first.page.context().close();
  await next.page.context().close();
});
