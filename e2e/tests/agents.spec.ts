import type { AdminConversationResponse, AgentListResponse } from '@prex/protocol';
import { expect, test, type Page } from '@playwright/test';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  // The demo tenant ships two agents: support (the default) and sales (backend/seed/demo-agents.yaml).
  stack = await startStack({ example: 'inline' });
});
test.afterAll(async () => {
  await stack?.close();
});

/** Points the inline example's `<prex-chat>` at an agent (changing the attribute remounts the pane). */
const pickAgent = (page: Page, agent: string) =>
  page.evaluate((name) => document.querySelector('prex-chat')!.setAttribute('agent', name), agent);

/**
 * Asks a question; returns what the widget sent and which agent wrote the answer, as the tenant's
 * conversation view records it (the stream's meta chunk says the same, but a finished SSE body is
 * not kept by the browser's devtools protocol).
 */
async function agentOfAnswer(page: Page, widget: Widget, question: string) {
  const sent = page.waitForRequest((r) => new URL(r.url()).pathname === '/v1/chat' && r.method() === 'POST');
  const answers = await widget.messages('assistant').count();
  await widget.ask(question);
  const request = (await sent).postDataJSON() as unknown;
  await expect(widget.messages('assistant')).toHaveCount(answers + 1);
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const sessionId = await page.evaluate(() => localStorage.getItem('prex:pk_demo_northwind:session')!.split('.')[0]!);
  const [{ messages }, { agents }] = await Promise.all([
    stack.admin<AdminConversationResponse>('GET', `/v1/admin/conversations/${sessionId}`),
    stack.admin<AgentListResponse>('GET', '/v1/admin/agents'),
  ]);
  const agentId = messages.filter((m) => m.role === 'assistant').at(-1)?.agentId;
  return { request, agent: agents.find((a) => a.id === agentId)?.name };
}

test('<prex-chat agent="sales"> sends the agent with every question and the sales agent answers', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await pickAgent(page, 'sales');
  const first = await agentOfAnswer(page, widget, 'How do I get a refund?');
  expect(first).toEqual({ request: { text: 'How do I get a refund?', agent: 'sales' }, agent: 'sales' });
  const second = await agentOfAnswer(page, widget, 'And how long does it take?');
  expect(second).toEqual({ request: { text: 'And how long does it take?', agent: 'sales' }, agent: 'sales' });
});

test('without the option the default agent answers', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  const answer = await agentOfAnswer(page, widget, 'How do I get a refund?');
  expect(answer).toEqual({ request: { text: 'How do I get a refund?' }, agent: 'support' });
});

test('an unknown agent is a clear error in the pane, naming it', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await pickAgent(page, 'salez');
  await widget.ask('Hello?');
  await expect(page.getByTestId('prex-error')).toContainText('salez');
});
