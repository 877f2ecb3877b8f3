import type { AdminEscalationsResponse } from '@prex/protocol';
import { expect, test } from '@playwright/test';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const EVENTS = '/v1/conversations/current/events';

test('with a person on the conversation, staff typing, their replies (counted on the badge while the pane is closed) and the resolve arrive by push; then the bot answers again', async ({ page }) => {
  const widget = new Widget(page);
  // Every request that could fetch a staff reply or the handoff's state the old way (polling).
  const pulls: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/v1/sessions/current/messages' || path === '/v1/handoff/current') pulls.push(path);
  });
  await page.goto(stack.hostUrl);
  await widget.open();
  const streamOpened = page.waitForResponse((r) => new URL(r.url()).pathname === EVENTS);
  await widget.ask('I want to talk to a human, please.');
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  const stream = await streamOpened;
  expect(stream.status()).toBe(200);
  expect(stream.headers()['content-type']).toMatch(/^text\/event-stream/);
  const pullsBefore = pulls.length;

  const sessionId = await sessionIdOf(page);
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/typing`, { staffName: 'Sam' });
  await expect(page.getByTestId('prex-staff-typing')).toHaveText('Sam is typing…');

  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'Hi, Sam here. How can I help?', staffName: 'Sam' });
  const reply = widget.messages('assistant').last();
  await expect(reply).toHaveAttribute('data-author', 'human');
  await expect(widget.answerText(reply)).toHaveText('Hi, Sam here. How can I help?');
  await expect(reply.getByTestId('prex-author')).toHaveText('Sam');
  await expect(page.getByTestId('prex-staff-typing')).toHaveCount(0);

  // The visitor's answer goes to Sam; the bot stays silent.
  await widget.ask('Thanks, it works now');
  await expect(widget.messages('user').last()).toHaveAttribute('data-message-id', /^msg_/);
  await expect(widget.messages('assistant')).toHaveCount(2);

  // The visitor closes the pane and goes on browsing: Sam's next reply counts on the launcher's badge.
  await page.keyboard.press('Escape');
  await expect(widget.pane).toBeHidden();
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'Anything else I can do?', staffName: 'Sam' });
  await expect(page.locator('prex-launcher button[aria-haspopup=dialog] > b')).toHaveText('1');
  await widget.launcher.click();
  await expect(widget.answerText(widget.messages('assistant').last())).toHaveText('Anything else I can do?');
  await expect(page.locator('prex-launcher button[aria-haspopup=dialog] > b')).toBeHidden();

  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  const escalation = escalations.find((e) => e.sessionId === sessionId)!;
  await stack.admin('PATCH', `/v1/admin/escalations/${escalation.id}`, { status: 'resolved' });
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0);
  // Reply, typing and resolve all came over the one stream: nothing was fetched for them.
  expect(pulls.slice(pullsBefore)).toEqual([]);

  await widget.ask('How do I get a refund?');
  await expect(widget.messages('assistant')).toHaveCount(4);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.lastAnswer()).toContainText(/refund/i);
  await expect(widget.lastAnswer()).toHaveAttribute('data-author', 'bot');
});
