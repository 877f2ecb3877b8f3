import type { AdminEscalationsResponse } from '@prex/protocol';
import { expect, test } from '@playwright/test';
import { axe } from '../axe.js';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

/** The visitor's session id, from the token the widget keeps (`<sessionId>.<tenantId>.<exp>.<mac>`). */

test('nothing found → "Talk to a human" → the team\'s reply appears in the open pane, and after a reload', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await page.waitForFunction(() => typeof (window as unknown as { Prex?: unknown }).Prex === 'function');
  const handoffEvents = page.evaluate(
    () => new Promise<unknown>((resolve) => (window as unknown as { Prex: (...a: unknown[]) => void }).Prex('on', 'handoff', resolve)),
  );
  await widget.open();
  await widget.ask('What is the airspeed velocity of an unladen swallow?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toContainText(/couldn.t find/i);

  // offered: the knowledge base had nothing
  const ask = page.getByTestId('prex-handoff-ask');
  await expect(ask).toHaveText('Talk to a human');
  const escalated = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/handoff' && r.request().method() === 'POST');
  await ask.click();
  expect((await escalated).status()).toBe(201);
  await expect(page.getByTestId('prex-handoff-open')).toHaveText('Our team has your conversation and will reply here.');
  await expect(ask).toHaveCount(0);
  await expect(widget.input).toBeFocused();
  await handoffEvents;

  // the team sees it…
  const sessionId = await sessionIdOf(page);
  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  expect(escalations.map((e) => [e.sessionId, e.source])).toEqual([[sessionId, 'visitor']]);

  // …and replies; the open pane shows it without a reload, labelled as from the team
  await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text: 'Hi, this is Sam from Northwind. Swallows are out of scope, but I can help with orders.' });
  const reply = widget.messages('assistant').last();
  await expect(reply).toHaveAttribute('data-author', 'human', { timeout: 20_000 });
  await expect(widget.answerText(reply)).toHaveText('Hi, this is Sam from Northwind. Swallows are out of scope, but I can help with orders.');
  await expect(reply.getByTestId('prex-author')).toHaveText('Support agent');
  await expect(page.getByTestId('prex-announcer')).toHaveText(/^Support agent: Hi, this is Sam/);
  expect(await widget.dangerousNodes()).toEqual([]);

  // a reload restores both: the notice (GET /v1/handoff/current) and the reply (history)
  await page.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  await expect(widget.messages('assistant').last()).toHaveAttribute('data-author', 'human');

  // once the team resolves it, the notice goes away (the pane keeps polling only while it is open)
  await stack.admin('PATCH', `/v1/admin/escalations/${escalations[0]!.id}`, { status: 'resolved' });
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0, { timeout: 20_000 });
});

test('the menu\'s "Talk to a human" works at any time, once', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  const menu = page.getByTestId('prex-menu-button');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  expect((await axe(page)).bad).toEqual([]);
  await page.getByTestId('prex-menu-human').click();
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  await expect(menu).toBeFocused();
  await menu.click();
  await expect(page.getByTestId('prex-menu')).toBeVisible();
  expect((await axe(page)).bad).toEqual([]);
  await expect(page.getByTestId('prex-menu-human')).toHaveCount(0);
  // Escape closes the menu, not the pane
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('prex-menu')).toHaveCount(0);
  await expect(widget.pane).toBeVisible();
  await expect(menu).toBeFocused();

  const sessionId = await sessionIdOf(page);
  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  expect(escalations.filter((e) => e.sessionId === sessionId)).toHaveLength(1);
});

test('asking for a person in words hands the conversation over at once (the stream says "open")', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('I want to talk to a human, please.');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  await expect(page.getByTestId('prex-handoff-ask')).toHaveCount(0);
  const sessionId = await sessionIdOf(page);
  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  expect(escalations.filter((e) => e.sessionId === sessionId).map((e) => e.source)).toEqual(['classifier']);
});

test('while a person has the conversation the bot stays silent; once staff resolve it, the bot answers again', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('I want to talk to a human, please.');
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();
  await expect(widget.messages('assistant')).toHaveCount(1);

  await widget.ask('Thanks, it works now');
  // Delivered to staff: the visitor's message is stored (it gets its id) and no bot bubble follows.
  const delivered = widget.messages('user').last();
  await expect(delivered).toHaveAttribute('data-status', 'complete');
  await expect(delivered).toHaveAttribute('data-message-id', /^msg_/);
  await expect(widget.input).toBeEnabled();
  await expect(widget.messages('assistant')).toHaveCount(1);
  await expect(page.getByTestId('prex-handoff-open')).toBeVisible();

  const sessionId = await sessionIdOf(page);
  const conversation = await stack.admin<{ messages: Array<{ role: string; text: string }> }>('GET', `/v1/admin/conversations/${sessionId}`);
  expect(conversation.messages.at(-1)).toMatchObject({ role: 'user', text: 'Thanks, it works now' });

  // The same after a reload (the pane stays open across it): the visitor's words, no empty answer.
  await page.reload();
  await expect(widget.pane).toBeVisible();
  await expect(widget.messages('user')).toHaveCount(2);
  await expect(widget.messages('assistant')).toHaveCount(1);

  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', '/v1/admin/escalations?status=open');
  const escalation = escalations.find((e) => e.sessionId === sessionId)!;
  await stack.admin('PATCH', `/v1/admin/escalations/${escalation.id}`, { status: 'resolved' });
  await widget.ask('How do I get a refund?');
  await expect(widget.messages('assistant')).toHaveCount(2);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.lastAnswer()).toContainText(/refund/i);
});
