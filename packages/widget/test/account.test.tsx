import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Route } from './fakes.js';
import { until } from './fakes.js';
import { apiError, json, mountPane, PK, type Pane } from './harness.js';

let pane: Pane | undefined;
afterEach(() => {
  pane?.handle.destroy();
  pane = undefined;
  document.body.innerHTML = '';
  localStorage.clear();
  vi.restoreAllMocks();
});

const OTHER_DEVICE = 'ses_phone.ten_a.9999999999.mac';
const customer = { id: 'cus_1', email: 'jo@example.com', name: 'Jo', interests: ['hiking'] };
const anonymous = () => json(200, { level: 'anonymous', customer: null });
const verifiedMe = () => json(200, { level: 'email', customer });
const verified = () =>
  json(200, {
    level: 'email',
    customer,
    conversations: [{ sessionId: 'ses_phone', token: OTHER_DEVICE, title: 'Order 1042', messageCount: 4, lastActivityAt: '2026-01-01T00:00:00.000Z' }],
  });
const codeSent = () => json(202, { sent: true, expiresInSeconds: 600 });

/** Mounts, opens the pane and the account panel from the header menu ("profile" or "email"). */
async function openAccount(routes: Record<string, Route>, item: 'account' | 'email' = 'account', locale?: string) {
  pane = mountPane(routes, locale ? { locale } : {});
  pane.handle.open();
  await until(() => !!localStorage.getItem(`prex:${PK}:session`));
  pane.$('prex-menu-button')!.click();
  await until(() => !!pane!.$(`prex-menu-${item}`));
  pane.$(`prex-menu-${item}`)!.click();
  await until(() => !!pane!.$('prex-account') && pane!.$('prex-account')!.dataset.step !== 'loading' && pane!.$('prex-account')!.dataset.step !== undefined);
  return pane;
}
const step = () => pane!.$('prex-account')!.dataset.step;
const status = () => pane!.$('prex-account-status')!.textContent;
const alertText = () => pane!.$('prex-account-error')?.textContent;

async function verifyEmail(p: Pane, code = '123456') {
  p.fill('prex-email-input', 'jo@example.com');
  p.submit('prex-verify-form');
  await until(() => step() === 'code');
  p.fill('prex-code-input', code);
  p.submit('prex-code-form');
}

describe('verify your email', () => {
  it('email → 6-digit code → profile; wrong codes say how many attempts are left; other devices\' conversations join the history', async () => {
    let tries = 0;
    const p = await openAccount({
      'GET /v1/customers/me': anonymous,
      'POST /v1/identity/email/start': codeSent,
      'POST /v1/identity/email/verify': () =>
        ++tries === 1 ? apiError(400, 'invalid_code', 'The code is wrong', { attemptsLeft: 4 }) : verified(),
    });
    expect(step()).toBe('email');
    expect(p.shadow.activeElement).toBe(p.$('prex-email-input'));

    p.fill('prex-email-input', 'not-an-email');
    p.submit('prex-verify-form');
    await until(() => !!alertText());
    expect(alertText()).toBe('Enter a valid email address.');
    expect(p.$('prex-email-input')!.getAttribute('aria-invalid')).toBe('true');
    expect(p.$('prex-email-input')!.getAttribute('aria-describedby')).toBe(p.$('prex-account-error')!.id);
    expect(p.requests.some((r) => r.path === '/v1/identity/email/start')).toBe(false);

    p.fill('prex-email-input', ' jo@example.com ');
    p.submit('prex-verify-form');
    await until(() => step() === 'code');
    expect(p.bodies('POST', '/v1/identity/email/start')).toEqual([{ email: 'jo@example.com', purpose: 'verify' }]);
    expect(status()).toBe('We sent a 6-digit code to jo@example.com. It is valid for 10 minutes.');
    expect(p.$('prex-account-status')!.getAttribute('aria-live')).toBe('polite');
    const code = p.$<HTMLInputElement>('prex-code-input')!;
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(code.getAttribute('inputmode')).toBe('numeric');
    expect(code.closest('label')!.textContent).toContain('6-digit code');
    expect(p.shadow.activeElement).toBe(code);
    const resend = p.$<HTMLButtonElement>('prex-resend-code')!;
    expect(resend.disabled).toBe(true);
    expect(resend.textContent).toMatch(/^Resend code in (30|29) s$/);

    p.fill('prex-code-input', '12');
    p.submit('prex-code-form');
    await until(() => alertText() === 'Enter the 6 digits from the email.');
    expect(p.requests.some((r) => r.path === '/v1/identity/email/verify')).toBe(false);

    p.fill('prex-code-input', '111111');
    p.submit('prex-code-form');
    await until(() => !!alertText()?.includes('attempts'));
    expect(alertText()).toBe('That code is not right. 4 attempts left.');

    p.fill('prex-code-input', '123 456');
    p.submit('prex-code-form');
    await until(() => step() === 'profile');
    expect(p.bodies('POST', '/v1/identity/email/verify')).toEqual([
      { email: 'jo@example.com', code: '111111' },
      { email: 'jo@example.com', code: '123456' },
    ]);
    expect(status()).toBe('Your email is verified.');
    expect(p.$('prex-profile-email')!.textContent).toBe('jo@example.com');
    expect(p.$<HTMLInputElement>('prex-profile-name')!.value).toBe('Jo');
    expect(p.$<HTMLInputElement>('prex-profile-interests')!.value).toBe('hiking');
    // the phone's conversation is now in this device's list, next to the current one
    const kept = JSON.parse(localStorage.getItem(`prex:${PK}:sessions`)!) as string[];
    expect(kept).toContain(OTHER_DEVICE);
    expect(kept).toContain(localStorage.getItem(`prex:${PK}:session`));
  });

  it('explains a used-up code, a rate limit and the server\'s own 400', async () => {
    let start = 0;
    const p = await openAccount({
      'GET /v1/customers/me': anonymous,
      'POST /v1/identity/email/start': () =>
        ++start === 1 ? apiError(400, 'invalid_request', 'email: Invalid email address') : start === 2 ? codeSent() : apiError(429, 'rate_limited', 'Too many codes'),
      'POST /v1/identity/email/verify': () => apiError(400, 'invalid_code', 'The code has expired', { attemptsLeft: 0 }),
    });
    p.fill('prex-email-input', 'jo@exa mple.com'.replace(' ', ''));
    p.submit('prex-verify-form');
    await until(() => !!alertText());
    expect(alertText()).toBe('email: Invalid email address');
    p.submit('prex-verify-form');
    await until(() => step() === 'code');
    p.fill('prex-code-input', '123456');
    p.submit('prex-code-form');
    await until(() => !!alertText());
    expect(alertText()).toBe('This code is no longer valid (expired, already used or tried too often). Request a new one.');
    // "Use another email" goes back; asking again is rate limited
    p.$('prex-code-back')!.click();
    await until(() => step() === 'email');
    p.submit('prex-verify-form');
    await until(() => !!alertText());
    expect(alertText()).toBe('Too many attempts. Please wait a few minutes and try again.');
    expect(step()).toBe('email');
  });

  it('speaks German when the pane does', async () => {
    const p = await openAccount({ 'GET /v1/customers/me': anonymous }, 'account', 'de');
    expect(p.$('prex-account')!.querySelector('h3')!.textContent).toBe('Ihr Konto und Ihre Daten');
    expect(p.$('prex-email-input')!.closest('label')!.textContent).toBe('E-Mail-Adresse');
    expect(p.$('prex-send-code')!.textContent).toBe('Code senden');
  });
});

describe('the verified customer', () => {
  it('edits the profile (PATCH name and interests)', async () => {
    const p = await openAccount({
      'GET /v1/customers/me': verifiedMe,
      'PATCH /v1/customers/me': (init) => json(200, { customer: { ...customer, ...(JSON.parse(init.body as string) as object) } }),
    });
    expect(step()).toBe('profile');
    p.fill('prex-profile-name', ' Jo Doe ');
    p.fill('prex-profile-interests', 'hiking, tea ,, ');
    p.submit('prex-profile');
    await until(() => status() === 'Saved.');
    expect(p.bodies('PATCH', '/v1/customers/me')).toEqual([{ name: 'Jo Doe', interests: ['hiking', 'tea'] }]);
    expect(p.requests.find((r) => r.method === 'PATCH')!.headers.authorization).toMatch(/^Bearer ses_/);
  });

  it('"Email me this conversation" says where it went', async () => {
    const p = await openAccount({
      'GET /v1/customers/me': verifiedMe,
      'POST /v1/conversations/current/email': () => json(202, { sent: true, to: 'j***@example.com' }),
    });
    p.$('prex-email-conversation')!.click();
    await until(() => status() === 'We sent this conversation to j***@example.com.');
    expect(p.bodies('POST', '/v1/conversations/current/email')).toEqual([{}]);
  });

  it('the menu\'s "Email me this conversation" acts while the panel is already open', async () => {
    let sends = 0;
    const p = await openAccount({
      'GET /v1/customers/me': verifiedMe,
      'POST /v1/conversations/current/email': () => (++sends, json(202, { sent: true, to: 'j***@example.com' })),
    });
    expect(step()).toBe('profile');
    for (const n of [1, 2]) {
      p.$('prex-menu-button')!.click();
      await until(() => !!p.$('prex-menu-email'));
      p.$('prex-menu-email')!.click();
      await until(() => sends === n);
    }
    await until(() => status() === 'We sent this conversation to j***@example.com.');
  });

  it('from the menu before verifying: verify first, then the conversation is sent', async () => {
    let sends = 0;
    const p = await openAccount(
      {
        'GET /v1/customers/me': anonymous,
        'POST /v1/identity/email/start': codeSent,
        'POST /v1/identity/email/verify': verified,
        'POST /v1/conversations/current/email': () => (++sends, json(202, { sent: true, to: 'j***@example.com' })),
      },
      'email',
    );
    expect(step()).toBe('email');
    expect(status()).toBe('Verify your email first; then we send you this conversation.');
    expect(sends).toBe(0);
    await verifyEmail(p);
    await until(() => status() === 'We sent this conversation to j***@example.com.');
    expect(sends).toBe(1);
    expect(step()).toBe('profile');
  });

  it('a 403 verification_required from the server leads to verification', async () => {
    const p = await openAccount({
      'GET /v1/customers/me': json.bind(null, 200, { level: 'host', customer: { ...customer, email: null } }),
      'POST /v1/conversations/current/email': () => apiError(403, 'verification_required', 'Verify your email first'),
    }, 'email');
    await until(() => step() === 'email');
    expect(status()).toBe('Verify your email first; then we send you this conversation.');
    expect(alertText()).toBeUndefined();
  });

  it('"Download my data" asks for a fresh code, then saves the export as a JSON file', async () => {
    const exported = { profile: { email: 'jo@example.com' }, conversations: [{ sessionId: 'ses_1', messages: [] }], emailEvents: [] };
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:https://host.example/1'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    const p = await openAccount({
      'GET /v1/customers/me': verifiedMe,
      'POST /v1/identity/email/start': codeSent,
      'POST /v1/customers/me/export': () => json(200, exported),
    });
    p.$('prex-export')!.click();
    await until(() => step() === 'code');
    expect(p.bodies('POST', '/v1/identity/email/start')).toEqual([{ email: 'jo@example.com', purpose: 'export' }]);
    expect(status()).toBe('To download your data, enter the code we just sent to jo@example.com.');
    expect(p.$('prex-submit-code')!.textContent).toBe('Download my data');
    p.fill('prex-code-input', '654321');
    p.submit('prex-code-form');
    await until(() => status() === 'Your data was downloaded.');
    expect(p.bodies('POST', '/v1/customers/me/export')).toEqual([{ code: '654321' }]);
    expect(create).toHaveBeenCalledTimes(1);
    expect(JSON.parse(await blobs[0]!.text())).toEqual(exported);
    expect(blobs[0]!.type).toBe('application/json');
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.download).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(clicks[0]!.isConnected).toBe(false); // the temporary link is gone again
    expect(step()).toBe('profile');
  });

  it('"Delete my data" confirms, asks for a code, deletes, and starts over as a fresh anonymous visitor', async () => {
    const p = await openAccount({
      'GET /v1/customers/me': verifiedMe,
      'POST /v1/identity/email/start': codeSent,
      'POST /v1/customers/me/delete': () => json(200, { deleted: true }),
    });
    const before = localStorage.getItem(`prex:${PK}:session`)!;
    localStorage.setItem(`prex:${PK}:sessions`, JSON.stringify([before, OTHER_DEVICE]));
    p.$('prex-delete')!.click();
    await until(() => step() === 'confirm-delete');
    expect(p.$('prex-confirm-delete')!.textContent).toContain('It cannot be undone.');
    expect(p.shadow.activeElement).toBe(p.$('prex-delete-confirm'));
    // Cancel goes back without a request
    p.$('prex-delete-cancel')!.click();
    await until(() => step() === 'profile');
    p.$('prex-delete')!.click();
    await until(() => step() === 'confirm-delete');
    p.$('prex-delete-confirm')!.click();
    await until(() => step() === 'code');
    expect(p.bodies('POST', '/v1/identity/email/start')).toEqual([{ email: 'jo@example.com', purpose: 'delete' }]);
    expect(p.$('prex-submit-code')!.textContent).toBe('Delete my data for good');
    p.fill('prex-code-input', '222222');
    p.submit('prex-code-form');
    await until(() => status() === 'Your data was deleted.');
    expect(p.bodies('POST', '/v1/customers/me/delete')).toEqual([{ code: '222222' }]);
    expect(step()).toBe('email');
    await until(() => !!localStorage.getItem(`prex:${PK}:session`) && localStorage.getItem(`prex:${PK}:session`) !== before);
    const now = localStorage.getItem(`prex:${PK}:session`)!;
    expect(JSON.parse(localStorage.getItem(`prex:${PK}:sessions`)!)).toEqual([now]);
    expect(p.$$('prex-message')).toHaveLength(0);
  });
});
