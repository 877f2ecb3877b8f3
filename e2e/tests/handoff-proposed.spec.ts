import type { AdminEscalationsResponse } from '@prex/protocol';
import type { ChatCompletionRequest, Responder } from '@prex/testing';
import { expect, test, type Page } from '@playwright/test';
import { Widget } from '../pane.js';
import { startStack, type Stack, sessionIdOf } from '../stack.js';

const REASON = 'The customer asked twice about a refund and is still stuck.';
const FOLLOW_UP = 'I can bring in a person from our team — please confirm below.';

const hasToolResult = (request: ChatCompletionRequest) => (request.messages ?? []).some((m) => m.role === 'tool');

/**
 * The scripted model: asked fresh, it calls handoff_to_human; asked again with the tool's result in
 * the messages, it tells the visitor briefly. (The e2e stack labels messages by rules, so every
 * request this server sees is an answer call.)
 */
const model: Responder = (request) =>
  hasToolResult(request) ? { text: FOLLOW_UP } : { toolCalls: [{ name: 'handoff_to_human', arguments: { reason: REASON } }] };

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: model });
});
test.afterAll(async () => {
  await stack?.close();
});

/** The visitor's session id, from the token the widget keeps (`<sessionId>.<tenantId>.<exp>.<mac>`). */

/** This session's escalations with the given status, as the team's admin API lists them. */
async function escalationsOf(sessionId: string, status: string) {
  const { escalations } = await stack.admin<AdminEscalationsResponse>('GET', `/v1/admin/escalations?status=${status}`);
  return escalations.filter((e) => e.sessionId === sessionId);
}

/** Asks a question, waits for the scripted answer, and checks the proposal is shown and filed (but not open). */
async function proposeHandoff(page: Page, widget: Widget): Promise<{ sessionId: string; escalationId: string }> {
  const before = stack.llm!.completionRequests.length;
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await expect(widget.answerText()).toHaveText(FOLLOW_UP);

  // the model was asked twice: the tool call, then the follow-up with the tool's result
  const requests = stack.llm!.completionRequests.slice(before);
  expect(requests).toHaveLength(2);
  expect(hasToolResult(requests[0]!.body!)).toBe(false);
  const toolMessage = requests[1]!.body!.messages!.find((m) => m.role === 'tool')!;
  const toolOutcome = JSON.parse(String(toolMessage.content)) as { status: string; result: { escalationId: string; status: string } };
  expect(toolOutcome).toMatchObject({ status: 'needs-confirmation', result: { status: 'proposed', escalationId: expect.any(String) } });
  const toolResult = toolOutcome.result;

  // the confirmation, below the answer
  const proposal = page.getByTestId('prex-handoff-proposed');
  await expect(proposal).toContainText('Shall I connect you with our team?');
  await expect(page.getByTestId('prex-handoff-yes')).toHaveText('Yes, connect me');
  await expect(page.getByTestId('prex-handoff-no')).toHaveText('No thanks');
  const answerBox = (await widget.lastAnswer().boundingBox())!;
  const proposalBox = (await proposal.boundingBox())!;
  expect(proposalBox.y).toBeGreaterThanOrEqual(answerBox.y + answerBox.height - 1);
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0);

  // filed as a proposal: nobody is paged yet
  const sessionId = await sessionIdOf(page);
  const proposed = await escalationsOf(sessionId, 'proposed');
  expect(proposed.map((e) => [e.id, e.source, e.reason])).toEqual([[toolResult.escalationId, 'tool', REASON]]);
  expect(await escalationsOf(sessionId, 'open')).toEqual([]);
  return { sessionId, escalationId: toolResult.escalationId };
}

const confirmResponse = (page: Page, escalationId: string) =>
  page.waitForResponse((r) => new URL(r.url()).pathname === `/v1/handoff/${escalationId}/confirm` && r.request().method() === 'POST');

test('the model proposes a handoff; it opens only once the visitor says "Yes, connect me"', async ({ page }) => {
  const widget = new Widget(page);
  const { sessionId, escalationId } = await proposeHandoff(page, widget);

  const confirmed = confirmResponse(page, escalationId);
  await page.getByTestId('prex-handoff-yes').click();
  const response = await confirmed;
  expect(response.status()).toBe(200);
  expect(response.request().postDataJSON()).toEqual({ accept: true });

  await expect(page.getByTestId('prex-handoff-open')).toHaveText('Our team has your conversation and will reply here.');
  await expect(page.getByTestId('prex-handoff-yes')).toHaveCount(0);
  await expect(page.getByTestId('prex-handoff-no')).toHaveCount(0);
  await expect(widget.input).toBeFocused();

  const open = await escalationsOf(sessionId, 'open');
  expect(open.map((e) => [e.id, e.source])).toEqual([[escalationId, 'tool']]);
  expect(await escalationsOf(sessionId, 'proposed')).toEqual([]);
});

test('the visitor says "No thanks": the proposal is declined, nothing opens and no team notice shows', async ({ page }) => {
  const widget = new Widget(page);
  const { sessionId, escalationId } = await proposeHandoff(page, widget);

  const answered = confirmResponse(page, escalationId);
  await page.getByTestId('prex-handoff-no').click();
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(response.request().postDataJSON()).toEqual({ accept: false });

  await expect(page.getByTestId('prex-handoff-proposed')).toHaveCount(0);
  await expect(page.getByTestId('prex-handoff-yes')).toHaveCount(0);
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0);
  await expect(widget.input).toBeFocused();

  expect((await escalationsOf(sessionId, 'declined')).map((e) => e.id)).toEqual([escalationId]);
  expect(await escalationsOf(sessionId, 'open')).toEqual([]);
  expect(await escalationsOf(sessionId, 'proposed')).toEqual([]);

  // and after a reload the backend has nothing active for this conversation
  await page.reload();
  await expect(widget.pane).toBeVisible(); // an open pane stays open across a reload
  await expect(widget.answerText()).toHaveText(FOLLOW_UP);
  await expect(page.getByTestId('prex-handoff-open')).toHaveCount(0);
  await expect(page.getByTestId('prex-handoff-proposed')).toHaveCount(0);
});
