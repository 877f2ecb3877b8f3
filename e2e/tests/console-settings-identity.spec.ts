import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { CUSTOMER_ADMIN_ROUTES, IDENTITY_SECRET_ENV, ROUTES, type CustomerSettingsResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { DEMO_KEY, startStack, type Stack } from '../stack.js';

/**
 * The Settings page's second half as a workspace owner uses it: signed identities required, the
 * identity secret rotated and copied (shown once), the Node snippet shown on the page run as the
 * tenant's server would run it (its signature is accepted by the widget's identity endpoint), a
 * retention period set, and the publishable key rotated: the old key works during the grace and
 * is refused once it is over.
 */

const run = promisify(execFile);
let stack: Stack;
let scratch: string;
test.beforeAll(async () => {
  stack = await startStack();
  scratch = mkdtempSync(join(tmpdir(), 'prex-snippet-'));
});
test.afterAll(async () => {
  await stack?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const widgetConfig = (key: string) => fetch(`${stack.backendUrl}${ROUTES.widgetConfig}`, { headers: { 'x-prex-key': key } });

/** A visitor's session with the demo key, then the identity the host's server signed. */
async function identify(body: Record<string, string>): Promise<Response> {
  const created = await fetch(`${stack.backendUrl}${ROUTES.sessions}`, { method: 'POST', headers: { 'x-prex-key': DEMO_KEY } });
  const { token } = (await created.json()) as { token: string };
  return fetch(`${stack.backendUrl}${ROUTES.identity}`, {
    method: 'POST',
    headers: { 'x-prex-key': DEMO_KEY, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('the owner requires signed identities, rotates the secret, signs with the shown snippet and sets retention; axe clean', async ({ browser }) => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto('/console/settings');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  await expect(page.getByRole('heading', { name: 'Signed identities' })).toBeVisible();

  // Required: an unsigned identity is refused from now on.
  await page.getByLabel('Require signed identities').check();
  await page.getByRole('button', { name: 'Save identity setting' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Unsigned identities are now refused' })).toBeVisible();
  expect((await stack.admin<CustomerSettingsResponse>('GET', CUSTOMER_ADMIN_ROUTES.settings)).settings.requireSignedIdentity).toBe(true);
  expect((await identify({ userId: 'guest' })).status).toBe(401);

  // The secret is on the page only after a rotation, once, and copies as shown.
  await expect(page.getByTestId('identity-secret')).toHaveCount(0);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Rotate identity secret' }).click();
  const shown = page.getByTestId('identity-secret');
  await expect(shown).toHaveText(/^ids_[A-Za-z0-9_-]{40,}$/);
  await expect(page.getByTestId('new-identity-secret')).toContainText('shown only now');
  const secret = (await shown.textContent())!;
  await page.getByRole('button', { name: 'Copy new identity secret' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'New identity secret copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  expect((await stack.admin<CustomerSettingsResponse>('GET', CUSTOMER_ADMIN_ROUTES.settings)).identitySecret).toBe(secret);

  // The Node HMAC snippet, as shown, run with the secret in its environment: the widget's identity endpoint accepts it.
  await page.getByLabel('Language').selectOption('Node.js');
  await page.getByLabel('Signing method').selectOption('hmac');
  const code = (await page.getByTestId('identity-snippet').textContent())!;
  expect(code).toContain(`process.env.${IDENTITY_SECRET_ENV}`);
  expect(code).not.toContain(secret);
  const file = join(scratch, 'prex-identity.mjs');
  writeFileSync(file, code);
  const script = `import { prexIdentity } from ${JSON.stringify(pathToFileURL(file).href)}; console.log(JSON.stringify(prexIdentity('customer-1001')));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [IDENTITY_SECRET_ENV]: secret } });
  const signed = JSON.parse(stdout) as Record<string, string>;
  const accepted = await identify(signed);
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toMatchObject({ level: 'host', customer: { externalId: 'customer-1001' } });
  // The other snippets are one choice away.
  await page.getByLabel('Language').selectOption('PHP');
  await page.getByLabel('Signing method').selectOption('jwt');
  await expect(page.getByTestId('identity-snippet')).toContainText("JWT::encode($claims, getenv('PREX_IDENTITY_SECRET'), 'HS256')");

  // Retention: a period is kept, with its warning in view (the bounds are the server's: backend/test/settings/staff-retention.test.ts).
  const days = page.getByLabel('Delete conversations with no activity for more than');
  await expect(page.getByText('Deletion is permanent')).toBeVisible();
  await days.fill('30');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Save retention' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Conversations quiet for more than 30 days will be deleted' })).toBeVisible();

  expect((await axePage(page)).bad).toEqual([]);

  // Shown once: after a reload the secret is nowhere on the page; the retention period is.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Signed identities' })).toBeVisible();
  await expect(page.getByTestId('identity-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByLabel('Delete conversations with no activity for more than')).toHaveValue('30');
  await expect(page.getByLabel('Require signed identities')).toBeChecked();
  await context.close();
});

test('the owner rotates the publishable key: the old key works during the grace and is refused after it', async ({ browser }) => {
  const owner = new Console(await (await browser.newContext()).newPage(), stack.apiUrl);
  await owner.goto('/console/settings');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  const key = page.getByTestId('publishable-key');
  await expect(key).toHaveText(DEMO_KEY);

  // With an hour's grace: a new key in the snippet, the old one listed and still loading the widget.
  await page.getByLabel('The old publishable key keeps working').selectOption('3600');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Rotate publishable key' }).click();
  await expect(key).not.toHaveText(DEMO_KEY);
  const second = (await key.textContent())!;
  expect(second).toMatch(/^pk_[0-9a-f]{32}$/);
  await expect(page.getByTestId('embed-snippet')).toContainText(`data-prex-key="${second}"`);
  await expect(page.getByTestId('previous-publishable-key')).toContainText(`${DEMO_KEY} still works until`);
  expect((await widgetConfig(DEMO_KEY)).status).toBe(200);
  expect((await widgetConfig(second)).status).toBe(200);

  // Then at once (no grace): every earlier key's grace ends now and only the newest key opens the widget.
  await page.getByLabel('The old publishable key keeps working').selectOption('0');
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Rotate publishable key' }).click();
  await expect(key).not.toHaveText(second);
  const third = (await key.textContent())!;
  await expect(page.getByTestId('previous-publishable-key')).toHaveCount(0);
  expect((await widgetConfig(DEMO_KEY)).status).toBe(401);
  expect((await widgetConfig(second)).status).toBe(401);
  expect((await widgetConfig(third)).status).toBe(200);
  expect((await axePage(page)).bad).toEqual([]);
  await page.context().close();
});
