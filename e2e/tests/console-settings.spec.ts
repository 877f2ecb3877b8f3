import { expect, test } from '@playwright/test';
import { CUSTOMER_ADMIN_ROUTES, TENANT_ADMIN_ROUTE, type CustomerSettingsResponse, type TenantSettingsResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { DEMO_KEY, startStack, type Stack } from '../stack.js';

/**
 * The Settings page as a workspace owner uses it: a new site allowed (the widget then loads there),
 * the snippet copied, handoff notices addressed, the secret key rotated (shown once; the old one refused at once). Agents
 * never see it.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ smtp: true });
});
test.afterAll(async () => {
  await stack?.close();
});

const tenantWith = (secretKey: string) => fetch(`${stack.backendUrl}${TENANT_ADMIN_ROUTE}`, { headers: { authorization: `Bearer ${secretKey}` } });

test('the owner allows a site, copies the snippet and rotates the secret key; the page is axe clean', async ({ browser }) => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto();
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByRole('link', { name: 'Settings' }).click();
  await expect(owner.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const page = owner.page;

  // Not an origin: the server's message says what one is.
  await page.getByLabel('Origin', { exact: true }).fill('shop.example');
  await page.getByRole('button', { name: 'Add origin' }).click();
  await expect(page.getByRole('alert')).toContainText('such as https://shop.example');

  // The foreign copy of the host page is refused until its origin is allowed.
  const foreign = new URL(stack.foreignUrl).origin;
  const configFrom = (origin: string) => fetch(`${stack.backendUrl}/v1/widget/config`, { headers: { 'x-prex-key': DEMO_KEY, origin } });
  expect((await configFrom(foreign)).status).toBe(403);
  await page.getByLabel('Origin', { exact: true }).fill(foreign);
  await page.getByRole('button', { name: 'Add origin' }).click();
  await expect(page.getByTestId('allowed-origin').filter({ hasText: foreign })).toBeVisible();
  const seen = await stack.admin<TenantSettingsResponse>('GET', TENANT_ADMIN_ROUTE);
  expect(seen.allowedOrigins).toContain(foreign);
  expect((await configFrom(foreign)).status).toBe(200);
  const visitor = new Widget(await (await browser.newContext()).newPage());
  await visitor.page.goto(stack.foreignUrl);
  await visitor.open();
  await expect(visitor.input).toBeEnabled();
  await expect(visitor.page.getByTestId('prex-error')).toHaveCount(0);
  await visitor.page.context().close();

  // The snippet, copied as it is shown.
  const snippet = page.getByTestId('embed-snippet');
  await expect(snippet).toHaveText(`<script src="${stack.apiUrl}/loader.js" data-prex-key="${DEMO_KEY}" async></script>`);
  await page.getByRole('button', { name: 'Copy embed snippet' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Embed snippet copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.textContent());

  // Handoff notices go to the team's address; the admin API keeps it with the customer settings.
  await page.getByLabel('Tell this address when a conversation is handed to a person').fill('oncall@northwind.example');
  await page.getByRole('button', { name: 'Save emails' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Notification emails saved' })).toBeVisible();
  const customerSettings = await stack.admin<CustomerSettingsResponse>('GET', CUSTOMER_ADMIN_ROUTES.settings);
  expect(customerSettings.settings.handoffEmails.to).toBe('oncall@northwind.example');

  const axe = await axePage(page);
  expect(axe.bad).toEqual([]);

  // Rotation at once: the new key is shown this one time and works; the old one is refused.
  expect((await tenantWith(stack.secretKey)).status).toBe(200);
  await page.getByLabel('Older keys keep working').selectOption('0');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Rotate secret key' }).click();
  const shown = page.getByTestId('secret-key');
  await expect(shown).toHaveText(/^sk_[0-9a-f]{12}_[0-9a-f]{64}$/);
  await expect(page.getByTestId('new-secret-key')).toContainText('Older keys stop working now');
  const newKey = (await shown.textContent())!;
  expect((await tenantWith(newKey)).status).toBe(200);
  expect((await tenantWith(stack.secretKey)).status).toBe(401);
  expect((await axePage(page)).bad).toEqual([]);

  // Shown once: after a reload it is nowhere on the page.
  await page.reload();
  await expect(page.getByTestId('embed-snippet')).toBeVisible();
  await expect(page.getByTestId('secret-key')).toHaveCount(0);
  expect(await page.content()).not.toContain(newKey);
  await context.close();
});

test('an agent sees no Settings, and the page answers them with the server’s refusal', async ({ browser }) => {
  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto('/console/team');
  await owner.signIn(stack.owner.email, stack.owner.password);
  await owner.page.getByLabel('Email').fill('agnes@northwind.example');
  await owner.page.getByRole('form', { name: 'Invite someone' }).getByLabel('Role').selectOption('agent');
  await owner.page.getByRole('button', { name: 'Send invitation' }).click();
  const invitation = await stack.smtp!.waitFor((m) => m.to.includes('agnes@northwind.example'), 15_000);
  const link = /https?:\/\/[^\s"<>]+\/console\/accept-invite#token=[A-Za-z0-9_-]+/.exec(invitation.text)![0];
  await owner.page.context().close();

  const agent = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await agent.page.goto(link);
  await agent.page.getByLabel('Choose a password').fill('agnes answers every ticket');
  await agent.page.getByLabel('Same password again').fill('agnes answers every ticket');
  await agent.page.getByRole('button', { name: 'Create my account' }).click();
  await expect(agent.page.getByRole('status')).toContainText('agnes@northwind.example is ready');
  await agent.page.getByRole('link', { name: 'Sign in' }).click();
  await agent.signIn('agnes@northwind.example', 'agnes answers every ticket');
  await expect(agent.page.getByRole('link', { name: 'Inbox' })).toBeVisible();
  await expect(agent.page.getByRole('link', { name: 'Settings' })).toHaveCount(0);

  await agent.goto('/console/settings');
  await expect(agent.page.getByRole('alert')).toContainText('owner or admin');
  await expect(agent.page.getByTestId('embed-snippet')).toHaveCount(0);
  await agent.page.context().close();
});
