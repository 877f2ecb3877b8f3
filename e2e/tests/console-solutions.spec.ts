import { expect, test } from '@playwright/test';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const QUESTION = 'Do you ship paper notebooks to Iceland?';
const ANSWER = 'Yes: paper notebooks ship to Iceland with DHL in 5 to 7 working days, customs included.';

test('staff answer, resolve and save the answer as a solution; the next visitor asking the same gets it, cited', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const widget = new Widget(visitor);
  await visitor.goto(stack.hostUrl);
  await widget.open();
  await widget.ask(`I want to talk to a human. ${QUESTION}`);
  await expect(visitor.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(visitor);

  const context = await browser.newContext();
  const console_ = new Console(await context.newPage(), stack.apiUrl);
  await console_.goto(`/console/inbox/${sessionId}`);
  await console_.signIn(stack.owner.email, stack.owner.password);
  await console_.reply(ANSWER);
  await expect(widget.lastAnswer()).toContainText('DHL');

  // Resolving offers the last answer as a solution, with the visitor's words as the question.
  await console_.conversation.getByRole('button', { name: 'Resolve', exact: true }).click();
  const form = console_.page.getByTestId('save-solution');
  await expect(form.getByLabel('Question')).toHaveValue(new RegExp(QUESTION.replace('?', '\\?')));
  await expect(form.getByLabel('Answer')).toHaveValue(ANSWER);
  await form.getByLabel('Question').fill(QUESTION);
  await form.getByRole('button', { name: 'Save solution' }).click();
  await expect(console_.page.getByTestId('solution-saved')).toBeVisible();

  // It is listed, editable, with its versions.
  await console_.page.getByRole('link', { name: 'Solutions' }).first().click();
  const saved = console_.page.getByTestId('solution').filter({ hasText: QUESTION });
  await expect(saved).toContainText(ANSWER);
  await expect(saved).toContainText('Version 1');

  // A new visitor asking the same is answered from the solution, with a citation to it.
  const next = new Widget(await (await browser.newContext()).newPage());
  await next.page.goto(stack.hostUrl);
  await next.open();
  await next.ask(QUESTION);
  await expect(next.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(next.answerText()).toContainText('DHL');
  await expect(next.lastAnswer().getByTestId('prex-source').first()).toContainText(QUESTION);

  // Deleted: the bot no longer uses it.
  console_.page.once('dialog', (d) => void d.accept());
  await saved.getByRole('button', { name: 'Delete' }).click();
  await expect(saved).toHaveCount(0);
  await next.ask(QUESTION);
  await expect(next.messages('assistant')).toHaveCount(2);
  await expect(next.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(next.answerText()).not.toContainText('DHL');

  await context.close();
  await visitorContext.close();
  await next.page.context().close();
});
