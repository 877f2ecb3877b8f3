import { expect, test } from '@playwright/test';
import { SignJWT } from 'jose';
import { CHANNEL_API_ROUTES, CHANNEL_API_TOKEN, CHANNEL_SECRET_ENV, SMS_ROUTES, type ChannelMessageResponse, type SmsSettingsResponse } from '@prex/protocol';
import { axePage } from '../axe.js';
import { Console } from '../console.js';
import { startStack, type Stack } from '../stack.js';

/**
 * The Settings page's channels as a workspace owner uses them: a channel secret made, shown once
 * and copied, a gateway token signed with it (as the page's snippet signs one) accepted by the
 * channels API; and the tenant's Twilio number saved with a manager's number, the auth token
 * never coming back to the page.
 */

const ANSWER = 'Returns are free within 30 days.';
let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ llm: { text: ANSWER } });
});
test.afterAll(async () => {
  await stack?.close();
});

/** A gateway's token, signed exactly as the snippet on the page signs it. */
const gatewayToken = (secret: string, issuer: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(CHANNEL_API_TOKEN.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));

const sendMessage = (token: string) =>
  fetch(`${stack.backendUrl}${CHANNEL_API_ROUTES.message}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ conversationKey: '+15551230000', text: 'Can I return my order?' }),
  });

test('the owner creates a channel secret, copies it, and a gateway token signed with it is accepted; axe clean', async ({ browser }) => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto('/console/settings');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  await expect(page.getByRole('heading', { name: 'Channels API' })).toBeVisible();
  await expect(page.getByTestId('channel-secret-state')).toHaveText('No channel secret yet.');
  await expect(page.getByTestId('channel-secret')).toHaveCount(0);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Create channel secret' }).click();
  const shown = page.getByTestId('channel-secret');
  await expect(shown).toHaveText(/^chs_[A-Za-z0-9_-]{40,}$/);
  await expect(page.getByTestId('new-channel-secret')).toContainText('shown only now');
  const secret = (await shown.textContent())!;
  const issuer = (await page.getByTestId('channel-issuer').textContent())!;
  expect(issuer).toMatch(/^ten_/);
  await expect(page.getByTestId('channel-audience')).toHaveText(CHANNEL_API_TOKEN.audience);
  await page.getByRole('button', { name: 'Copy channel secret' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Channel secret copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // The snippet signs with the same claims the test signs with, and holds no secret.
  const snippet = page.getByTestId('channel-snippet');
  await expect(snippet).toContainText(`.setIssuer("${issuer}")`);
  await expect(snippet).toContainText(`.setAudience("${CHANNEL_API_TOKEN.audience}")`);
  await expect(snippet).toContainText(`process.env.${CHANNEL_SECRET_ENV}`);
  expect(await snippet.textContent()).not.toContain(secret);

  const accepted = await sendMessage(await gatewayToken(secret, issuer));
  expect(accepted.status).toBe(200);
  expect(((await accepted.json()) as ChannelMessageResponse).answer?.text).toContain(ANSWER);
  expect((await sendMessage(await gatewayToken('chs_not-the-secret', issuer))).status).toBe(401);

  expect((await axePage(page)).bad).toEqual([]);

  // Shown once: after a reload the page says a secret exists and offers a rotation, never the secret.
  await page.reload();
  await expect(page.getByTestId('channel-secret-state')).toContainText('A channel secret exists');
  await expect(page.getByRole('button', { name: 'Rotate channel secret' })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await context.close();
});

test('the owner saves the SMS number with a manager number: both are there after a reload, the auth token never is', async ({ browser }) => {
  const context = await browser.newContext();
  const owner = new Console(await context.newPage(), stack.apiUrl);
  await owner.goto('/console/settings');
  await owner.signIn(stack.owner.email, stack.owner.password);
  const page = owner.page;
  const token = '0123456789abcdef'.repeat(2);
  await expect(page.getByRole('heading', { name: 'SMS', exact: true })).toBeVisible();
  await expect(page.getByTestId('sms-webhook-url')).toContainText('/v1/channels/twilio/');

  await page.getByLabel('Twilio phone number').fill('+14155550100');
  await page.getByLabel('Account SID').fill(`AC${'d4'.repeat(16)}`);
  await page.getByLabel('Auth token').fill(token);
  // A wrong manager number is refused in words, and nothing is saved.
  await page.getByLabel('Manager numbers').fill('555-0101');
  await page.getByRole('button', { name: 'Save SMS settings' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'E.164' })).toBeVisible();

  // A manager's name (after the number) signs their SMS replies.
  await page.getByLabel('Manager numbers').fill('+14155550101 Dana Scully\n+14155550102');
  await page.getByRole('button', { name: 'Save SMS settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'SMS settings saved' })).toBeVisible();
  const stored = await stack.admin<SmsSettingsResponse>('GET', SMS_ROUTES.settings);
  expect(stored).toMatchObject({ phoneNumber: '+14155550100', managerNumbers: ['+14155550101', '+14155550102'], managerNames: { '+14155550101': 'Dana Scully' } });

  expect((await axePage(page)).bad).toEqual([]);

  await page.reload();
  await expect(page.getByLabel('Twilio phone number')).toHaveValue('+14155550100');
  await expect(page.getByLabel('Manager numbers')).toHaveValue('+14155550101 Dana Scully\n+14155550102');
  await expect(page.getByLabel('Auth token')).toHaveValue('');
  await expect(page.getByTestId('sms-token-state')).toContainText('set');
  expect(await page.content()).not.toContain(token);
  await context.close();
});
