import { expect, test, type Page } from '@playwright/test';
import { startTwilioServer, type RunningTwilioServer } from '@prex/testing';
import { axe } from '../axe.js';
import { Widget } from '../pane.js';
import { startStack, type Stack } from '../stack.js';

/**
 * Phone verification in the account panel: the real backend texts the code with the real `twilio`
 * client to the loopback Twilio server, the visitor types the code from that text message.
 */

const ACCOUNT = { accountSid: `AC${'e5'.repeat(16)}`, authToken: 'e'.repeat(32), phoneNumber: '+14155550900' };
const PHONE = '+14155551234';

let twilioApi: RunningTwilioServer;
let stack: Stack;
test.beforeAll(async () => {
  twilioApi = await startTwilioServer({ accounts: { [ACCOUNT.accountSid]: ACCOUNT.authToken } });
  stack = await startStack({ smtp: true, env: { PREX_TWILIO_API_BASE_URL: twilioApi.url } });
});
test.afterAll(async () => {
  await stack?.close();
  await twilioApi?.close();
});

async function openAccount(page: Page) {
  await page.getByTestId('prex-menu-button').click();
  await page.getByTestId('prex-menu-account').click();
  await expect(page.getByTestId('prex-account')).toBeVisible();
}

/** The code of the n-th text message to `to` (counting from 1), as the Twilio stand-in received it. */
async function codeFromSms(to: string, n: number): Promise<string> {
  const texts = () => twilioApi.messages.filter((m) => m.to === to);
  await expect.poll(() => texts().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(n);
  const sms = texts()[n - 1]!;
  expect(sms.from).toBe(ACCOUNT.phoneNumber);
  return /\b(\d{6})\b/.exec(sms.body)![1]!;
}

test('no SMS number: the account panel offers email verification alone', async ({ page }) => {
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await openAccount(page);
  await expect(page.getByTestId('prex-verify-form')).toBeVisible();
  await expect(page.getByTestId('prex-phone-form')).toHaveCount(0);
});

test('verify my phone by a texted code, beside the email; the profile shows it', async ({ page }) => {
  await stack.admin('PUT', '/v1/admin/sms/settings', ACCOUNT);
  const widget = new Widget(page);
  await page.goto(stack.hostUrl);
  await widget.open();
  await openAccount(page);
  await expect(page.getByTestId('prex-verify-form')).toBeVisible();
  const phone = page.getByLabel('Mobile number, with country code');
  await expect(phone).toHaveAttribute('type', 'tel');
  expect((await axe(page)).bad).toEqual([]);

  // Not a phone number: said at once, nothing texted.
  await phone.fill('12345');
  await page.getByTestId('prex-send-sms-code').click();
  await expect(page.getByTestId('prex-account-error')).toHaveText(/country code/);
  expect(twilioApi.messages).toHaveLength(0);

  await phone.fill('+1 (415) 555-1234');
  await page.getByTestId('prex-send-sms-code').click();
  const code = page.getByLabel('6-digit code');
  await expect(code).toBeFocused();
  await expect(page.getByTestId('prex-account-status')).toHaveText(`We texted a 6-digit code to ${PHONE}. It is valid for 10 minutes.`);
  await expect(page.getByTestId('prex-code-back')).toHaveText('Use another number');
  const texted = await codeFromSms(PHONE, 1);
  await code.fill(texted === '000000' ? '111111' : '000000');
  await code.press('Enter');
  await expect(page.getByTestId('prex-account-error')).toHaveText(/attempts left/);
  await code.fill(texted);
  await code.press('Enter');
  await expect(page.getByTestId('prex-account-status')).toHaveText(`Your phone number ${PHONE} is verified.`);
  await expect(page.getByTestId('prex-verified-phone')).toHaveText(`Verified phone: ${PHONE}`);
  await expect(page.getByTestId('prex-phone-form')).toHaveCount(0);
  // Email verification stays on offer beside it; verified, the profile card keeps the phone.
  await page.getByLabel('Email address').fill('texter@example.com');
  await page.getByTestId('prex-send-code').click();
  await expect.poll(() => stack.smtp!.messages.some((m) => m.to.includes('texter@example.com')), { timeout: 15_000 }).toBe(true);
  const emailCode = /\b(\d{6})\b/.exec(stack.smtp!.messages.find((m) => m.to.includes('texter@example.com'))!.subject)![1]!;
  await page.getByLabel('6-digit code').fill(emailCode);
  await page.getByLabel('6-digit code').press('Enter');
  await expect(page.getByTestId('prex-profile')).toBeVisible();
  await expect(page.getByTestId('prex-verified-phone')).toHaveText(`Verified phone: ${PHONE}`);
  expect((await axe(page)).bad).toEqual([]);
});
