import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const OFF_TOPIC = 'What is the airspeed velocity of an unladen swallow?';
const today = () => new Date().toISOString().slice(0, 10);

/** A visitor in a browser of their own asks one question and waits for the whole answer. */
async function visitorAsks(browser: import('@playwright/test').Browser, question: string): Promise<Widget> {
  const widget = new Widget(await (await browser.newContext()).newPage());
  await widget.page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask(question);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  return widget;
}

/** The value shown under a figure's name. */
const figure = (page: Page, name: string) =>
  page.getByTestId('figures').locator('div').filter({ has: page.locator('dt').getByText(name, { exact: true }) }).locator('dd');

test('the owner sees how support is going: outcomes, ratings, the content gap, a table view and a CSV', async ({ browser }) => {
  // One question answered from the knowledge base and liked; one off-topic, declined and disliked.
  const pleased = await visitorAsks(browser, 'How do I get a refund?');
  await pleased.lastAnswer().getByTestId('prex-feedback-up').click();
  await expect(pleased.lastAnswer().getByTestId('prex-feedback-thanks')).toBeVisible();
  const puzzled = await visitorAsks(browser, OFF_TOPIC);
  await expect(puzzled.answerText()).toContainText(/couldn.t find/i);
  await puzzled.lastAnswer().getByTestId('prex-feedback-down').click();
  await puzzled.lastAnswer().getByTestId('prex-feedback-comment').fill('Nothing about swallows');
  await puzzled.lastAnswer().getByTestId('prex-feedback-submit').click();
  await expect(puzzled.lastAnswer().getByTestId('prex-feedback-thanks')).toBeVisible();

  const context = await browser.newContext({ acceptDownloads: true });
  const console_ = new Console(await context.newPage(), stack.apiUrl);
  const page = console_.page;
  await console_.goto('/console/analytics');
  await console_.signIn(stack.owner.email, stack.owner.password);
  await expect(page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible();

  await expect(figure(page, 'Conversations')).toHaveText('2');
  await expect(figure(page, 'Resolved by the bot')).toHaveText('1 50%');
  await expect(figure(page, 'Unanswered')).toHaveText('1 50%');
  await expect(figure(page, 'Handed over')).toHaveText('0 0%');
  await expect(figure(page, 'Ratings')).toHaveText('👍 1 · 👎 1');

  // The content gap and the comment.
  const gaps = page.getByTestId('content-gaps');
  await expect(gaps.getByRole('row').filter({ hasText: OFF_TOPIC })).toContainText(`${OFF_TOPIC}1`);
  await expect(page.getByRole('listitem').filter({ hasText: 'Nothing about swallows' })).toBeVisible();

  // The chart's numbers as a table: read by screen readers always, shown on demand.
  const table = page.getByRole('table', { name: 'Conversations per day, by day' });
  await expect(table).toHaveClass('visually-hidden');
  await page.getByRole('button', { name: 'Show table' }).first().click();
  await expect(table).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(today()) })).toHaveText(`${today()}101`);
  await expect(page.getByRole('heading', { name: 'Usage and cost' })).toBeVisible();

  expect((await axePage(page)).bad).toEqual([]);
  // The charts use the console's colour variables: dark mode stays readable.
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await axePage(page)).bad).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });

  // The per-day table as CSV.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await readFile(await (await download).path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('day,conversations,ai_resolved,handed_over,unanswered,model_calls,prompt_tokens,completion_tokens,cost_usd');
  expect(lines).toHaveLength(31);
  expect(lines.at(-1)).toMatch(new RegExp(`^${today()},2,1,0,1,`));

  // A reversed range is refused with the reason.
  await page.getByLabel('From').fill('2026-03-10');
  await page.getByLabel('To').fill('2026-03-01');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('before from');
  await expect(page.getByTestId('figures')).toHaveCount(0);

  await context.close();
  await pleased.page.context().close();
  await puzzled.page.context().close();
});
