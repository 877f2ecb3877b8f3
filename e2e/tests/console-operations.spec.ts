import { expect, test } from '@playwright/test';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The Operations page as a workspace owner uses it: every dependency checked (the real SMTP relay
 * and model on loopback), this workspace's ingestion job, the instance's recent lines, and the
 * configuration with no secret in it. Agents never see it.
 */

const SESSION_SECRET = 'e2e-operations-session-secret-0123456789abcdef';
/** The model key the stack configures (stack.ts) with a scripted model. */
const MODEL_KEY = 'test-key';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ smtp: true, llm: { text: 'unused' }, env: { PREX_SESSION_SECRET: SESSION_SECRET } });
});
test.afterAll(async () => {
  await stack?.close();
});

test('the owner sees health, jobs, log lines and the configuration with every secret redacted; the page is axe clean', async ({ browser }) => {
  await stack.admin('POST', '/v1/admin/jobs', { documents: [{ externalId: 'ops-guide', content: '# Operations guide\n\nRestart the relay first.' }] });

  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto();
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByRole('link', { name: 'Operations' }).click();
  const page = owner.page;
  await expect(page.getByRole('heading', { name: 'Operations', level: 1 })).toBeVisible();

  const health = (name: string) => page.locator(`[data-testid="health-row"][data-name="${name}"]`);
  await expect(health('database')).toHaveAttribute('data-state', 'ok');
  await expect(health('database')).toContainText(/OK\s*answers; \d+ migrations applied/);
  await expect(health('mail')).toContainText('the SMTP relay accepted a connection');
  await expect(health('mail')).toHaveAttribute('data-state', 'ok');
  await expect(health('model')).toHaveAttribute('data-state', 'ok');
  await expect(health('embeddings')).toHaveAttribute('data-state', 'off');
  await expect(health('embeddings')).toContainText('no embeddings model configured');

  await expect(page.getByTestId('job')).toHaveCount(1);
  await expect(page.getByTestId('job')).toContainText('of 1');
  await expect(page.getByText('From this instance only')).toBeVisible();
  const setting = (table: string, name: string) => page.getByTestId(table).getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')} `) });
  await expect(setting('config', 'llm.apiKey')).toHaveText('llm.apiKeyset (hidden)');
  await expect(setting('config', 'session.secret')).toHaveText('session.secretset (hidden)');
  await expect(setting('config', 'llm.model')).toHaveText('llm.modelscripted');
  await expect(setting('runtime', 'answers')).toHaveText('answersby the model scripted');

  // No secret the instance or the workspace holds is anywhere in the page, visible or not.
  const everything = `${await page.content()}\n${await page.locator('body').innerText()}`;
  for (const secret of [SESSION_SECRET, MODEL_KEY, stack.secretKey, stack.owner.password]) expect(everything).not.toContain(secret);

  // Checked again on demand.
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Checked / })).toBeVisible();

  expect((await axePage(page)).bad).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await axePage(page)).bad).toEqual([]);
  await page.context().close();
});

test('an agent sees no Operations, and the page answers them with the server’s refusal', async ({ browser }) => {
  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto('/console/team');
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByLabel('Email').fill('otto@northwind.example');
  await owner.page.getByRole('form', { name: 'Invite someone' }).getByLabel('Role').selectOption('agent');
  await owner.page.getByRole('button', { name: 'Send invitation' }).click();
  const invitation = await stack.smtp!.waitFor((m) => m.to.includes('otto@northwind.example'), 15_000);
  const link = /https?:\/\/[^\s"<>]+\/console\/accept-invite#token=[A-Za-z0-9_-]+/.exec(invitation.text)![0];
  await owner.page.context().close();

  const agent = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await agent.page.goto(link);
  await agent.page.getByLabel('Choose a password').fill('otto watches the queue');
  await agent.page.getByLabel('Same password again').fill('otto watches the queue');
  await agent.page.getByRole('button', { name: 'Create my account' }).click();
  await expect(agent.page.getByRole('status')).toContainText('otto@northwind.example is ready');
  await agent.page.getByRole('link', { name: 'Sign in' }).click();
  await agent.signIn('otto@northwind.example', 'otto watches the queue');
  await expect(agent.page.getByRole('link', { name: 'Inbox' })).toBeVisible();
  await expect(agent.page.getByRole('link', { name: 'Operations' })).toHaveCount(0);

  await agent.goto('/console/operations');
  await expect(agent.page.getByRole('alert').first()).toContainText('owner or admin');
  await expect(agent.page.getByTestId('health-row')).toHaveCount(0);
  await expect(agent.page.getByTestId('config')).toHaveCount(0);
  await agent.page.context().close();
});
