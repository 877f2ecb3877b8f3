import { expect, test } from '@playwright/test';
import { SignJWT } from 'jose';
import { CUSTOMER_ADMIN_ROUTES, type CustomerSettingsResponse } from '@prex/protocol';
import { Console } from '../console.js';
import { Widget } from '../pane.js';
import { sessionIdOf, startStack, type Stack } from '../stack.js';

/**
 * Custom attributes end to end: the host page identifies its signed-in user with a token whose
 * attributes claim holds the plan (signed by the host's server) and with a company beside it (not
 * signed), the visitor asks for a person, and the staff member sees both beside the conversation,
 * the plan marked verified and the company unverified.
 */

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.close();
});

test("the host page's attributes (plan, company) show in the staff console beside the conversation, marked verified or not", async ({ browser }) => {
  // Signed as the host's server would sign it: an HS256 JWT with the identity secret, the plan in its attributes claim.
  const { identitySecret } = await stack.admin<CustomerSettingsResponse>('GET', CUSTOMER_ADMIN_ROUTES.settings);
  const signature = await new SignJWT({ attributes: { plan: 'Pro' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('cus-acme-7')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(identitySecret));

  const visitorContext = await browser.newContext();
  const visitorPage = await visitorContext.newPage();
  const widget = new Widget(visitorPage);
  await visitorPage.goto(stack.hostUrl);
  await visitorPage.waitForFunction(() => typeof (window as unknown as { Prex?: unknown }).Prex === 'function');
  await visitorPage.evaluate((sig) => {
    const prex = (window as unknown as { Prex: (...a: unknown[]) => void }).Prex;
    prex('identify', { userId: 'cus-acme-7', name: 'Grace Hopper', attributes: { company: 'Acme' } }, sig);
  }, signature);
  await widget.open();
  await widget.ask('I want to talk to a human, please.');
  await expect(visitorPage.getByTestId('prex-handoff-open')).toBeVisible();
  const sessionId = await sessionIdOf(visitorPage);

  const staffContext = await browser.newContext();
  const console_ = new Console(await staffContext.newPage(), stack.apiUrl);
  await console_.goto(`/console/inbox/${sessionId}`);
  await console_.signIn(stack.owner.email, stack.owner.password);
  await expect(console_.conversation).toBeVisible();
  const card = console_.page.getByTestId('customer-card');
  await expect(card).toContainText('Grace Hopper');
  const attributes = card.getByTestId('customer-attributes');
  // Each key beside its value, as the host page said it, and whether the host's server signed it.
  await expect(attributes.locator('dt')).toHaveText(['plan', 'company']);
  await expect(attributes.locator('dd .value')).toHaveText(['Pro', 'Acme']);
  await expect(attributes.locator('dd .badge')).toHaveText(['✓ verified', 'unverified']);
  await expect(card.getByText(/Unverified attributes came from the visitor's browser/)).toBeVisible();

  await staffContext.close();
  await visitorContext.close();
});
