import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { AGENT_ROUTES, ROUTES, type AgentResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { DEMO_KEY, startStack, type Stack } from '../stack.js';

/**
 * The Agents page as a workspace owner uses it: an agent edited and saved (a bad value refused in
 * words), the agents exported as YAML and brought back changed, a persona drafted from the team's
 * replies and applied only on click, and a try-it chat answering from the help center with its
 * source. No model is configured: Prex answers extractively, with citations. The demo workspace
 * ships two agents, support (the default) and sales (backend/seed/demo-agents.yaml).
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

const agentViaAdmin = (name: string) => stack.admin<AgentResponse>('GET', AGENT_ROUTES.agent.replace(':name', name));

async function openAgents(page: Page): Promise<Page> {
  const console_ = new Console(page, stack.apiUrl);
  await console_.goto();
  await console_.signIn(stack.owner.email, stack.owner.password);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Agents' }).click();
  await expect(page.getByRole('heading', { name: 'Agents', level: 1 })).toBeVisible();
  return page;
}

const pick = (page: Page, name: string) => page.getByRole('navigation', { name: 'Agents' }).getByRole('button', { name: new RegExp(`^${name}( \\(default\\))?$`) }).click();

test('the owner edits an agent and sees it saved; a bad value is refused in words; the page is axe clean', async ({ page }) => {
  await openAgents(page);
  await pick(page, 'sales');
  await expect(page.getByRole('heading', { name: 'sales', level: 2 })).toBeVisible();

  await page.getByLabel('Temperature (0–2)').fill('5');
  await page.getByRole('button', { name: 'Save agent' }).click();
  await expect(page.getByRole('alert')).toContainText('temperature must be between 0 and 2');
  expect((await agentViaAdmin('sales')).temperature).toBe(0.4);

  await page.getByLabel('Instructions').fill('Ask about team size first. Quote catalog prices exactly.');
  await page.getByLabel('Temperature (0–2)').fill('0.7');
  await page.getByLabel('Knowledge tags (comma-separated)').fill('pricing, plans');
  await page.getByLabel('Look up the verified customer').check();
  await page.getByRole('button', { name: 'Save agent' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect.poll(async () => (await agentViaAdmin('sales')).temperature).toBe(0.7);
  expect(await agentViaAdmin('sales')).toMatchObject({
    instructions: 'Ask about team size first. Quote catalog prices exactly.',
    knowledgeFilter: { tags: ['pricing', 'plans'] },
    tools: ['lookup_customer', 'search_products', 'handoff_to_human'],
  });

  // Saved, not just typed: a fresh load shows it.
  await page.reload();
  await pick(page, 'sales');
  await expect(page.getByLabel('Instructions')).toHaveValue('Ask about team size first. Quote catalog prices exactly.');
  await expect(page.getByLabel('Temperature (0–2)')).toHaveValue('0.7');

  const axe = await axePage(page);
  expect(axe.bad).toEqual([]);
});

test('YAML export then import: a changed field survives the round trip; a bad document is refused in words', async ({ page }) => {
  await openAgents(page);
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export agents.yaml' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('agents.yaml');
  const yaml = readFileSync((await download.path())!, 'utf8');
  expect(yaml).toContain('name: sales');

  const edited = yaml.replace(/(- name: sales\n(?:.*\n)*?\s+persona: )(?:.*\n(?:\s{6,}.*\n)*)/, '$1Round trip persona of sales.\n');
  expect(edited).toContain('persona: Round trip persona of sales.');
  const paste = page.getByLabel('Or paste the YAML');
  await paste.fill(edited);
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await expect(page.getByTestId('import-result')).toContainText('sales: changes (persona)');
  expect((await agentViaAdmin('sales')).persona).not.toBe('Round trip persona of sales.');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toContainText('Imported:');
  await pick(page, 'sales');
  await expect(page.getByLabel('Persona', { exact: true })).toHaveValue('Round trip persona of sales.');
  expect((await agentViaAdmin('sales')).persona).toBe('Round trip persona of sales.');

  await paste.fill('agents:\n  - name: sales\n    temperature: 9\n');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-error')).toContainText('agents.0.temperature (agent sales): temperature must be between 0 and 2');
  await paste.fill('agents: [\n  - name: sales\n');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-error')).toContainText('Invalid YAML');
  expect((await agentViaAdmin('sales')).temperature).not.toBe(9);
});

test('a persona drafted from the team’s replies is shown beside the current one and applied only on click', async ({ page }) => {
  // The team's replies in a conversation (what a persona draft learns from).
  const hostOrigin = new URL(stack.hostUrl).origin;
  const session = await fetch(`${stack.backendUrl}${ROUTES.sessions}`, { method: 'POST', headers: { 'x-prex-key': DEMO_KEY, origin: hostOrigin } });
  const { sessionId } = (await session.json()) as { sessionId: string };
  for (const text of ['Hi Ana,\n\nThanks for writing! I have moved your notes back.\n\nCheers,\nSam', 'Hi Tom,\n\nHappy to help! Your export is ready.\n\nCheers,\nSam']) {
    await stack.admin('POST', `/v1/admin/conversations/${sessionId}/replies`, { text });
  }

  await openAgents(page);
  await pick(page, 'support');
  const before = (await agentViaAdmin('support')).persona;
  await page.getByRole('button', { name: 'Draft a persona' }).click();
  const draft = page.getByTestId('persona-draft');
  await expect(draft).not.toBeEmpty();
  await expect(page.getByTestId('current-persona')).toHaveText(before);
  const draftText = (await draft.textContent())!;
  expect(draftText).not.toBe(before);
  // Drafted, not applied.
  expect((await agentViaAdmin('support')).persona).toBe(before);
  await expect(page.getByLabel('Persona', { exact: true })).toHaveValue(before);

  await page.getByRole('button', { name: 'Apply draft' }).click();
  await expect(page.getByLabel('Persona', { exact: true })).toHaveValue(draftText);
  await expect(page.getByTestId('persona-draft')).toHaveCount(0);
  expect((await agentViaAdmin('support')).persona).toBe(draftText);
});

test('the try-it chat streams the agent’s answer with its source', async ({ page }) => {
  await openAgents(page);
  await pick(page, 'support');
  await page.getByLabel('Question').fill('How long does a refund take to arrive?');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByTestId('try-it-assistant').last();
  await expect(answer).toContainText('5 to 10 business days');
  await expect(answer.getByTestId('try-it-sources')).toContainText('Billing and refunds');
  await expect(page.getByTestId('try-it-user')).toHaveText('How long does a refund take to arrive?');

  // A follow-up carries the chat so far.
  const sent = page.waitForRequest((r) => r.url().endsWith('/v1/staff/agents/support/try'));
  await page.getByLabel('Question').fill('And can I pay by bank transfer?');
  await page.getByRole('button', { name: 'Ask' }).click();
  const body = (await sent).postDataJSON() as { history: Array<{ role: string }> };
  expect(body.history.map((t) => t.role)).toEqual(['user', 'assistant']);
  await expect(page.getByTestId('try-it-assistant')).toHaveCount(2);
  await expect(page.getByTestId('try-it-assistant').last()).toContainText('bank transfer');

  const axe = await axePage(page);
  expect(axe.bad).toEqual([]);
});

test('the owner deletes an agent after a confirmation naming it; the default is not offered; a failure is said in words', async ({ page }) => {
  const exists = async (name: string) => (await fetch(`${stack.backendUrl}${AGENT_ROUTES.agent.replace(':name', name)}`, { headers: { authorization: `Bearer ${stack.secretKey}` } })).status;
  await openAgents(page);
  const agentList = page.getByRole('navigation', { name: 'Agents' });
  await agentList.getByLabel("New agent's name").fill('returns');
  await agentList.getByRole('button', { name: 'Create agent' }).click();
  await expect(page.getByRole('heading', { name: 'returns', level: 2 })).toBeVisible();

  // Dismissed: nothing is deleted.
  const messages: string[] = [];
  page.once('dialog', (dialog) => {
    messages.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Delete agent' }).click();
  await expect.poll(() => messages.length).toBe(1);
  expect(messages[0]).toContain('Delete the agent “returns”?');
  expect(await exists('returns')).toBe(200);

  // Accepted: gone from the page and from the server.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete agent' }).click();
  await expect(agentList.getByRole('button', { name: 'returns', exact: true })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'returns', level: 2 })).toHaveCount(0);
  expect(await exists('returns')).toBe(404);

  // The default agent cannot be deleted: the page says how instead of offering the button.
  await pick(page, 'support');
  await expect(page.getByRole('heading', { name: 'support', level: 2 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete agent' })).toHaveCount(0);
  await expect(page.getByText('The default agent cannot be deleted: make another agent the default first.')).toBeVisible();

  // Deleted elsewhere meanwhile: the server's refusal is shown in words.
  await agentList.getByLabel("New agent's name").fill('returns2');
  await agentList.getByRole('button', { name: 'Create agent' }).click();
  await expect(page.getByRole('heading', { name: 'returns2', level: 2 })).toBeVisible();
  await stack.admin('DELETE', AGENT_ROUTES.agent.replace(':name', 'returns2'));
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete agent' }).click();
  await expect(page.getByRole('alert')).toContainText('No agent named "returns2"');

  const axe = await axePage(page);
  expect(axe.bad).toEqual([]);
});
