import { expect, test } from '@playwright/test';
import { axePage } from '../axe.js';
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


test('a visitor asks for a person: the conversation appears live, staff reply and type, the visitor sees both; a private note never reaches the widget; e resolves', async ({ browser }) => {
  const staffContext = await browser.newContext();
  const visitorContext = await browser.newContext();
  const console_ = new Console(await staffContext.newPage(), stack.apiUrl);
  const visitorPage = await visitorContext.newPage();
  const widget = new Widget(visitorPage);

  await console_.goto();
  await console_.signIn(stack.owner.email, stack.owner.password);
  await expect(console_.liveState).toHaveText('Live');
  const openBefore = Number(await console_.status('open').locator('.count').textContent());

  // The visitor, in another browser, asks for a person.
  await visitorPage.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('I want to talk to a human, please.');
  await expect(visitorPage.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(visitorPage);

  // No reload: the inbox hears it through its event stream.
  const row = console_.row(sessionId);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('unread')).toBeVisible();
  await expect(console_.status('open').locator('.count')).toHaveText(String(openBefore + 1));

  await row.click();
  await expect(console_.conversation).toHaveAttribute('data-status', 'open');
  await expect(console_.threadMessages('visitor').first()).toContainText('I want to talk to a human');
  await expect(row.getByTestId('unread')).toHaveCount(0);

  // Typing shows in the widget; the reply arrives there live, under the staff member's name.
  await console_.composer.fill('Hello');
  await expect(visitorPage.getByTestId('prex-staff-typing')).toBeVisible();
  await console_.reply('Hi, this is the support team. How can I help?');
  const answer = widget.messages('assistant').last();
  await expect(answer).toHaveAttribute('data-author', 'human');
  await expect(widget.answerText(answer)).toHaveText('Hi, this is the support team. How can I help?');
  await expect(console_.threadMessages('staff')).toHaveCount(1);

  // A private note shows in the console, never in the widget (nor after the visitor reloads).
  await console_.note('Customer sounds upset — offer a refund.');
  await expect(console_.page.getByTestId('thread-note')).toContainText('offer a refund');
  await visitorPage.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(widget.messages('assistant').last()).toContainText('How can I help?');
  await expect(widget.pane).not.toContainText('offer a refund');

  // The visitor writes again: the open thread updates by itself.
  await widget.ask('My order never arrived');
  await expect(console_.threadMessages('visitor').last()).toContainText('My order never arrived');

  // "e" resolves: the widget is told the person left, and the bot answers again.
  await console_.page.locator('body').click({ position: { x: 5, y: 5 } });
  await console_.page.keyboard.press('e');
  await expect(console_.conversation).toHaveAttribute('data-status', 'resolved');
  await expect(visitorPage.getByTestId('prex-handoff-open')).toHaveCount(0);

  await staffContext.close();
  await visitorContext.close();
});

test('keyboard: j/k move through the list, r starts a reply; axe finds nothing serious', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const ids: string[] = [];
  for (const question of ['I need a human agent about my bill', 'Please connect me to a human agent']) {
    const page = await visitorContext.newPage();
    const widget = new Widget(page);
    await page.goto(stack.hostUrl);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await widget.open();
    await widget.ask(question);
    await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
    ids.push(await sessionIdOf(page));
    await page.close();
  }
  const context = await browser.newContext();
  const console_ = new Console(await context.newPage(), stack.apiUrl);
  await console_.goto();
  await console_.signIn(stack.owner.email, stack.owner.password);
  await expect(console_.row(ids[1]!)).toBeVisible();

  // Filtered by the classifier's label: both asked for a person; none is a complaint.
  await console_.page.getByTestId('label-filter').selectOption('complaint');
  await expect(console_.row(ids[1]!)).toHaveCount(0);
  await console_.page.getByTestId('label-filter').selectOption('human_request');
  await expect(console_.row(ids[0]!)).toBeVisible();
  await expect(console_.row(ids[1]!)).toBeVisible();
  await console_.page.getByTestId('label-filter').selectOption('');
  // And by agent: the demo's default agent (support) had them, not sales.
  await console_.page.getByTestId('agent-filter').selectOption({ label: 'sales' });
  await expect(console_.row(ids[1]!)).toHaveCount(0);
  await console_.page.getByTestId('agent-filter').selectOption({ label: 'support' });
  await expect(console_.row(ids[1]!)).toBeVisible();
  await console_.page.getByTestId('agent-filter').selectOption('');

  // Newest first: j opens the first row, j the next, k back.
  const first = await console_.rows().nth(0).getAttribute('data-session-id');
  const second = await console_.rows().nth(1).getAttribute('data-session-id');
  await console_.page.keyboard.press('j');
  await expect(console_.page).toHaveURL(new RegExp(`/console/inbox/${first}$`));
  await console_.page.keyboard.press('j');
  await expect(console_.page).toHaveURL(new RegExp(`/console/inbox/${second}$`));
  await console_.page.keyboard.press('k');
  await expect(console_.page).toHaveURL(new RegExp(`/console/inbox/${first}$`));
  await expect(console_.conversation).toBeVisible();
  await console_.page.keyboard.press('r');
  await expect(console_.composer).toBeFocused();
  // Typed into the composer, "e" is text, not a shortcut.
  await console_.page.keyboard.type('e');
  await expect(console_.composer).toHaveValue('e');
  await expect(console_.conversation).toHaveAttribute('data-status', 'open');

  const { bad } = await axePage(console_.page);
  expect(bad).toEqual([]);
  await context.close();
  await visitorContext.close();
});

test('canned replies: saved on their page, inserted with "/" in the composer', async ({ browser }) => {
  const context = await browser.newContext();
  const console_ = new Console(await context.newPage(), stack.apiUrl);
  await console_.goto('/console/canned-replies');
  await console_.signIn(stack.owner.email, stack.owner.password);
  await console_.page.getByLabel('Shortcut').fill('refund');
  await console_.page.getByLabel('Text').fill('You can ask for a refund within 30 days from your account page.');
  await console_.page.getByRole('button', { name: 'Save' }).click();
  await expect(console_.page.getByTestId('canned-reply')).toContainText('/refund');
  // A second one with the same shortcut is refused in words.
  await console_.page.getByLabel('Shortcut').fill('refund');
  await console_.page.getByLabel('Text').fill('Another');
  await console_.page.getByRole('button', { name: 'Save' }).click();
  await expect(console_.page.getByRole('alert')).toContainText(/refund/);

  const visitor = await browser.newPage();
  const widget = new Widget(visitor);
  await visitor.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('Can a human help me with my refund?');
  await expect(visitor.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(visitor);

  await console_.page.getByRole('link', { name: 'Inbox' }).click();
  await console_.row(sessionId).click();
  await console_.composer.fill('/ref');
  await expect(console_.page.getByTestId('canned-suggestions')).toContainText('/refund');
  await console_.composer.press('Tab');
  await expect(console_.composer).toHaveValue('You can ask for a refund within 30 days from your account page.');
  await context.close();
  await visitor.close();
});

test('copilot: "Draft reply" streams an answer from the knowledge base into the composer, with its sources; nothing reaches the visitor until it is sent', async ({ browser }) => {
  const visitor = await browser.newPage();
  const widget = new Widget(visitor);
  await visitor.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('I want to speak to a person');
  await expect(visitor.getByTestId('prex-handoff-open')).toBeVisible();
  // While a person has the conversation the bot stays silent; the draft answers this.
  await widget.ask('How do I get a refund?');
  await expect(widget.messages('user')).toHaveCount(2);
  const sessionId = await sessionIdOf(visitor);
  // Only the handover's words: the bubble opened for the second question goes once staff have it.
  const answersBefore = 1;
  await expect(widget.messages('assistant')).toHaveCount(answersBefore);

  const context = await browser.newContext();
  const console_ = new Console(await context.newPage(), stack.apiUrl);
  await console_.goto(`/console/inbox/${sessionId}`);
  await console_.signIn(stack.owner.email, stack.owner.password);
  await expect(console_.threadMessages('visitor').last()).toContainText('How do I get a refund?');
  await console_.page.getByTestId('draft-reply').click();
  await expect(console_.composer).toHaveValue(/refund/i);
  await expect(console_.page.getByTestId('draft-sources')).toBeVisible();
  await expect(widget.messages('assistant')).toHaveCount(answersBefore);

  // Staff edit the draft, then send it.
  const draft = await console_.composer.inputValue();
  await console_.composer.fill(`Hi! ${draft}`);
  await console_.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(widget.messages('assistant')).toHaveCount(answersBefore + 1);
  await expect(widget.lastAnswer()).toContainText('Hi!');
  await context.close();
  await visitor.close();
});
