import { readFile } from 'node:fs/promises';
import type { AdminCustomer } from '@prex/protocol';
import { expect, test, type Page } from '@playwright/test';
import { axe } from '../axe.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ smtp: true });
});
test.afterAll(async () => {
  await stack?.close();
});

const EMAIL = 'jo@example.com';
const KEY = 'prex:pk_demo_northwind';

/** The code in the n-th code mail to `to` (counting from 1), as the loopback SMTP server received it. */
async function codeFromMail(to: string, n: number): Promise<string> {
  const codeMails = () => stack.smtp!.messages.filter((m) => m.to.includes(to) && /code/i.test(m.subject));
  await expect.poll(() => codeMails().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
  const mail = codeMails()[n - 1]!;
  const code = /\b(\d{6})\b/.exec(mail.subject)?.[1];
  expect(code, `a 6-digit code in "${mail.subject}"`).toBeTruthy();
  expect(mail.text).toContain(code!);
  return code!;
}

async function openAccount(page: Page, item: 'account' | 'email' = 'account') {
  await page.getByTestId('prex-menu-button').click();
  await page.getByTestId(`prex-menu-${item}`).click();
  await expect(page.getByTestId('prex-account')).toBeVisible();
}

test('verify the email, edit the profile, email the conversation, download and delete my data', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  const firstSession = await page.evaluate((k) => localStorage.getItem(`${k}:session`), KEY);

  // Verify: email → code from the mail → profile card
  await openAccount(page);
  const email = page.getByLabel('Email address');
  await expect(email).toBeFocused();
  expect((await axe(page)).bad).toEqual([]);
  await email.fill(EMAIL);
  await page.getByTestId('prex-send-code').click();
  const code = page.getByLabel('6-digit code');
  await expect(code).toBeFocused();
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(page.getByTestId('prex-account-status')).toHaveText(`We sent a 6-digit code to ${EMAIL}. It is valid for 10 minutes.`);
  await expect(page.getByTestId('prex-resend-code')).toBeDisabled();
  const verifyCode = await codeFromMail(EMAIL, 1);
  // a wrong code first: the alert says how many tries are left, the field points at it
  await code.fill(verifyCode === '000000' ? '111111' : '000000');
  await code.press('Enter');
  await expect(page.getByTestId('prex-account-error')).toHaveText(/attempts left/);
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  expect((await axe(page)).bad).toEqual([]);
  await code.fill(verifyCode);
  await code.press('Enter');
  await expect(page.getByTestId('prex-profile')).toBeVisible();
  await expect(page.getByTestId('prex-account-status')).toHaveText('Your email is verified.');
  await expect(page.getByTestId('prex-profile-email')).toHaveText(EMAIL);
  expect((await axe(page)).bad).toEqual([]);
  expect(await widget.dangerousNodes()).toEqual([]);

  // Profile: the name and interests are saved on the customer
  await page.getByLabel('Name').fill('Jo Doe');
  await page.getByLabel('Interests (separated by commas)').fill('hiking, tea');
  await page.getByTestId('prex-profile-save').click();
  await expect(page.getByTestId('prex-account-status')).toHaveText('Saved.');
  const { customers } = await stack.admin<{ customers: AdminCustomer[] }>('GET', `/v1/admin/customers?email=${encodeURIComponent(EMAIL)}`);
  expect(customers.map((c) => [c.email, c.name, c.interests])).toEqual([[EMAIL, 'Jo Doe', ['hiking', 'tea']]]);

  // Email me this conversation
  await page.getByTestId('prex-email-conversation').click();
  await expect(page.getByTestId('prex-account-status')).toHaveText(/^We sent this conversation to j\*+@example\.com\.$/);
  const transcript = await stack.smtp!.waitFor((m) => m.to.includes(EMAIL) && /conversation/i.test(m.subject), 15_000);
  expect(transcript.text).toContain('How do I get a refund?');

  // Download my data: a fresh code of purpose export, then a JSON file
  await page.getByTestId('prex-export').click();
  await expect(page.getByTestId('prex-account-status')).toHaveText(`To download your data, enter the code we just sent to ${EMAIL}.`);
  const exportCode = await codeFromMail(EMAIL, 2);
  await page.getByLabel('6-digit code').fill(exportCode);
  const download = page.waitForEvent('download');
  await page.getByTestId('prex-submit-code').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile((await file.path())!, 'utf8')) as { customer: { email: string }; conversations: { messages: { text: string }[] }[] };
  expect(exported.customer.email).toBe(EMAIL);
  expect(exported.conversations.flatMap((c) => c.messages.map((m) => m.text))).toContain('How do I get a refund?');
  await expect(page.getByTestId('prex-account-status')).toHaveText('Your data was downloaded.');

  // Delete my data: confirm, a fresh code of purpose delete, then a fresh anonymous widget
  await page.getByTestId('prex-delete').click();
  await expect(page.getByTestId('prex-confirm-delete')).toContainText('It cannot be undone.');
  await expect(page.getByTestId('prex-delete-confirm')).toBeFocused();
  expect((await axe(page)).bad).toEqual([]);
  await page.getByTestId('prex-delete-confirm').click();
  const deleteCode = await codeFromMail(EMAIL, 3);
  await page.getByLabel('6-digit code').fill(deleteCode);
  await page.getByTestId('prex-submit-code').click();
  await expect(page.getByTestId('prex-account-status')).toHaveText('Your data was deleted.');
  await expect(page.getByTestId('prex-verify-form')).toBeVisible();
  const after = await stack.admin<{ customers: AdminCustomer[] }>('GET', `/v1/admin/customers?email=${encodeURIComponent(EMAIL)}`);
  expect(after.customers).toEqual([]);
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(`${k}:session`), KEY)).not.toBe(firstSession);
  const kept = await page.evaluate((k) => JSON.parse(localStorage.getItem(`${k}:sessions`) ?? '[]') as string[], KEY);
  expect(kept).not.toContain(firstSession);
  await page.getByTestId('prex-back').click();
  await expect(widget.messages()).toHaveCount(0);
  expect(await widget.dangerousNodes()).toEqual([]);
});

test('"Email me this conversation" before verifying leads through verification, then sends it', async ({ page }) => {
  const widget = new Widget(page);
  const address = 'sam@example.com';
  await page.goto(stack.hostUrl);
  await widget.open();
  await widget.ask('How do I get a refund?');
  await expect(widget.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await openAccount(page, 'email');
  await expect(page.getByTestId('prex-account-status')).toHaveText('Verify your email first; then we send you this conversation.');
  await page.getByLabel('Email address').fill(address);
  await page.getByLabel('Email address').press('Enter');
  await page.getByLabel('6-digit code').fill(await codeFromMail(address, 1));
  await page.getByLabel('6-digit code').press('Enter');
  await expect(page.getByTestId('prex-account-status')).toHaveText(/^We sent this conversation to s\*+@example\.com\.$/);
  const mail = await stack.smtp!.waitFor((m) => m.to.includes(address) && /conversation/i.test(m.subject), 15_000);
  expect(mail.text).toContain('How do I get a refund?');
});

test('a conversation from another device joins the history list after verifying', async ({ browser }) => {
  const address = 'kim@example.com';
  // "phone": a conversation, verified
  const phone = await browser.newPage();
  const onPhone = new Widget(phone);
  await phone.goto(stack.hostUrl);
  await onPhone.open();
  await onPhone.ask('How do I get a refund?');
  await expect(onPhone.lastAnswer()).toHaveAttribute('data-status', 'complete');
  await openAccount(phone);
  await phone.getByLabel('Email address').fill(address);
  await phone.getByLabel('Email address').press('Enter');
  await phone.getByLabel('6-digit code').fill(await codeFromMail(address, 1));
  await phone.getByLabel('6-digit code').press('Enter');
  await expect(phone.getByTestId('prex-profile')).toBeVisible();

  // "laptop": a fresh visitor verifies the same address and sees the phone's conversation
  const laptop = await browser.newPage();
  const onLaptop = new Widget(laptop);
  await laptop.goto(stack.hostUrl);
  await onLaptop.open();
  await openAccount(laptop);
  await laptop.getByLabel('Email address').fill(address);
  await laptop.getByLabel('Email address').press('Enter');
  await laptop.getByLabel('6-digit code').fill(await codeFromMail(address, 2));
  await laptop.getByLabel('6-digit code').press('Enter');
  await expect(laptop.getByTestId('prex-profile')).toBeVisible();
  await laptop.getByTestId('prex-back').click();
  await onLaptop.fromMenu('prex-history-button');
  const conversation = laptop.getByTestId('prex-conversation').filter({ hasText: /refund/i });
  await expect(conversation).toHaveCount(1);
  await conversation.click();
  await expect(onLaptop.messages('user').first()).toContainText('How do I get a refund?');
  await phone.close();
  await laptop.close();
});

test('identify with a forged signature: an error event, and the visitor stays anonymous', async ({ page }) => {
  const widget = new Widget(page);
  const warnings: string[] = [];
  page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
  await page.goto(stack.hostUrl);
  await page.waitForFunction(() => typeof (window as unknown as { Prex?: unknown }).Prex === 'function');
  const error = page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const prex = (window as unknown as { Prex: (...a: unknown[]) => void }).Prex;
        prex('on', 'error', resolve);
        prex('identify', { userId: 'u_42', email: 'u42@example.com' }, 'f'.repeat(64));
      }),
  );
  await widget.open();
  expect(await error).toMatchObject({ code: 'invalid_signature' });
  expect(warnings.some((w) => w.includes('[Prex]') && /signature/i.test(w))).toBe(true);
  const me = await page.evaluate(async (api) => {
    const token = localStorage.getItem('prex:pk_demo_northwind:session');
    const res = await fetch(`${api}/v1/customers/me`, { headers: { 'x-prex-key': 'pk_demo_northwind', authorization: `Bearer ${token}` } });
    return res.json() as Promise<{ level: string; customer: unknown }>;
  }, stack.apiUrl);
  expect(me).toEqual({ level: 'anonymous', customer: null, phoneVerification: false });
});
