/**
 * The account panel's logic, apart from its look: email verification with a one-time code, phone
 * verification with a code by SMS (where the site has an SMS number), the verified customer's profile, "email me this conversation", and the data export and deletion
 * that each ask for a fresh code. Every request's outcome ends up in `step`, `notice` or `error`.
 */
import type {
  Customer,
  CustomerMeResponse,
  CustomerPatchRequest,
  EmailCodePurpose,
  EmailCodeVerifyResponse,
  EmailConversationResponse,
  IdentityLevelName,
  PhoneCodeVerifyResponse,
} from '@prex/protocol';
import { PHONE_CODE_ROUTES, ROUTES } from '@prex/protocol/wire';
import { batch, signal } from '@preact/signals';
import { ApiError } from '../api.js';
import type { Store } from '../store.js';
import { downloadJson } from './download.js';
import type { AccountStrings } from './strings.js';

/** What a code is for: an email code's purpose, or 'phone' (a code texted to verify a phone). */
export type Purpose = EmailCodePurpose | 'phone';
export type Level = IdentityLevelName;

export type Step =
  | { kind: 'loading' }
  | { kind: 'email' }
  /** `email` is where the code went: the email address, or the phone number for 'phone'. */
  | { kind: 'code'; email: string; purpose: Purpose }
  | { kind: 'profile' }
  | { kind: 'confirm-delete' };

/** A line for the visitor: one of the panel's strings (translated when shown), or the server's own words. */
export type Say = { key: keyof AccountStrings; values?: Record<string, string | number> } | { text: string };

export const RESEND_COOLDOWN_MS = 30_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CODE = /^\d{6}$/;
/** E.164 once spaces, dots, dashes and parentheses are taken out: +, country code, up to 15 digits. */
const PHONE = /^\+[1-9]\d{6,14}$/;

/** An error as the visitor should read it: wrong code (with attempts left), dead code, rate limit, the server's 4xx message. */
export function explain(e: unknown): Say {
  if (!(e instanceof ApiError)) return { key: 'failed' };
  if (e.status === 429) return { key: 'tooMany' };
  if (e.code === 'invalid_code') {
    const left = Number(e.details.attemptsLeft);
    return left > 0 ? { key: 'wrongCode', values: { n: left } } : { key: 'deadCode' };
  }
  return e.status >= 400 && e.status < 500 && e.message ? { text: e.message } : { key: 'failed' };
}

export function createAccountFlow(store: Store, now: () => number = Date.now) {
  const step = signal<Step>({ kind: 'loading' });
  const level = signal<Level>('anonymous');
  const customer = signal<Customer | null>(null);
  const notice = signal<Say | null>(null);
  const error = signal<Say | null>(null);
  const busy = signal(false);
  /** The site can verify a phone by SMS (GET /v1/customers/me says so). */
  const phoneOn = signal(false);
  /** When "Resend code" may be used again (epoch ms). */
  const resendAt = signal(0);
  /** The menu's "Email me this conversation" came before verification: send it right after. */
  let emailAfterVerify = false;
  /** The address last typed, so "Use another email" starts from it. */
  let lastEmail = '';
  let lastPhone = '';

  const call = async <T>(path: string, body?: unknown, method?: string) =>
    store.api.request<T>(path, await store.session(), body, method);

  /** One request at a time; its error becomes the panel's alert. */
  async function run(work: () => Promise<void>) {
    if (busy.peek()) return;
    batch(() => {
      busy.value = true;
      error.value = null;
      notice.value = null;
    });
    try {
      await work();
    } catch (e) {
      error.value = explain(e);
    } finally {
      busy.value = false;
    }
  }

  function showMe(me: CustomerMeResponse) {
    batch(() => {
      if (me.phoneVerification !== undefined) phoneOn.value = me.phoneVerification;
      level.value = me.level;
      customer.value = me.customer;
      step.value = me.level === 'email' ? { kind: 'profile' } : { kind: 'email' };
    });
  }

  /** The panel opened (again); a code being entered is kept. */
  async function open(intent: 'profile' | 'email') {
    if (step.peek().kind === 'code') return;
    await run(async () => showMe(await call<CustomerMeResponse>(ROUTES.customerMe)));
    if (error.peek()) return void (step.value = { kind: 'email' });
    if (intent === 'email') {
      if (level.peek() === 'email') await emailConversation();
      else {
        emailAfterVerify = true;
        notice.value = { key: 'emailFirst' };
      }
    }
  }

  /** Sends a one-time code: to verify an address, or to confirm an export or deletion. */
  async function sendCode(email: string, purpose: Purpose) {
    const address = (lastEmail = email.trim());
    if (!EMAIL.test(address)) return void (error.value = { key: 'badEmail' });
    await run(async () => {
      await call(ROUTES.emailCodeStart, { email: address, purpose });
      batch(() => {
        step.value = { kind: 'code', email: address, purpose };
        resendAt.value = now() + RESEND_COOLDOWN_MS;
        notice.value = { key: purpose === 'verify' ? 'codeSent' : purpose === 'export' ? 'exportCode' : 'deleteCode', values: { email: address } };
      });
    });
  }

  /** Texts a code to verify a phone number. */
  async function sendPhoneCode(raw: string) {
    const phone = (lastPhone = raw.replace(/[\s().-]/g, ''));
    if (!PHONE.test(phone)) return void (error.value = { key: 'badPhone' });
    await run(async () => {
      await call(PHONE_CODE_ROUTES.start, { phone });
      batch(() => {
        step.value = { kind: 'code', email: phone, purpose: 'phone' };
        resendAt.value = now() + RESEND_COOLDOWN_MS;
        notice.value = { key: 'phoneCodeSent', values: { phone } };
      });
    });
  }

  function resend() {
    const s = step.peek();
    if (s.kind !== 'code' || now() < resendAt.peek()) return;
    void (s.purpose === 'phone' ? sendPhoneCode(s.email) : sendCode(s.email, s.purpose));
  }

  async function submitCode(raw: string) {
    const s = step.peek();
    const code = raw.replace(/\s+/g, '');
    if (s.kind !== 'code') return;
    if (!CODE.test(code)) return void (error.value = { key: s.purpose === 'phone' ? 'badSmsCode' : 'badCode' });
    if (s.purpose === 'phone') await verifyPhone(s.email, code);
    else if (s.purpose === 'verify') await verify(s.email, code);
    else if (s.purpose === 'export') await exportData(code);
    else await deleteData(code);
  }

  async function verify(email: string, code: string) {
    await run(async () => {
      const r = await call<EmailCodeVerifyResponse>(ROUTES.emailCodeVerify, { email, code });
      // The customer's conversations from other devices join this device's history list.
      store.adoptConversations(r.conversations.map((c) => c.token));
      showMe(r);
      notice.value = { key: 'verified' };
    });
    if (emailAfterVerify && level.peek() === 'email') {
      emailAfterVerify = false;
      await emailConversation();
    }
  }

  async function verifyPhone(phone: string, code: string) {
    await run(async () => {
      const r = await call<PhoneCodeVerifyResponse>(PHONE_CODE_ROUTES.verify, { phone, code });
      store.adoptConversations(r.conversations.map((c) => c.token));
      showMe(r);
      notice.value = { key: 'phoneVerified', values: { phone } };
    });
  }

  async function exportData(code: string) {
    await run(async () => {
      const data = await call<unknown>(ROUTES.customerExport, { code });
      downloadJson(data, `my-data-${new Date(now()).toISOString().slice(0, 10)}.json`);
      step.value = { kind: 'profile' };
      notice.value = { key: 'exported' };
    });
  }

  async function deleteData(code: string) {
    await run(async () => {
      await call(ROUTES.customerDelete, { code });
      // Nothing of the old identity stays on this device: a fresh anonymous session follows.
      store.forget();
      store.show('account');
      lastEmail = '';
      batch(() => {
        level.value = 'anonymous';
        customer.value = null;
        step.value = { kind: 'email' };
        notice.value = { key: 'deleted' };
      });
    });
  }

  async function save(name: string, interests: string) {
    const patch: CustomerPatchRequest = {
      name: name.trim() || null,
      interests: interests
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    await run(async () => {
      const r = await call<CustomerMeResponse>(ROUTES.customerMe, patch, 'PATCH');
      customer.value = r.customer;
      notice.value = { key: 'saved' };
    });
  }

  async function emailConversation() {
    await run(async () => {
      try {
        const r = await call<EmailConversationResponse>(ROUTES.emailConversation, {});
        notice.value = { key: 'emailed', values: { to: r.to } };
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'verification_required')) throw e;
        emailAfterVerify = true;
        step.value = { kind: 'email' };
        notice.value = { key: 'emailFirst' };
      }
    });
  }

  /** Export and delete need a fresh code for the verified address. */
  const requestCode = (purpose: 'export' | 'delete') => sendCode(customer.peek()?.email ?? '', purpose);

  return {
    step,
    level,
    customer,
    notice,
    error,
    busy,
    phoneOn,
    resendAt,
    now,
    lastEmail: () => lastEmail || customer.peek()?.email || '',
    lastPhone: () => lastPhone,
    open,
    sendCode,
    sendPhoneCode,
    resend,
    submitCode,
    save,
    emailConversation,
    requestCode,
    askDelete: () => batch(() => ((step.value = { kind: 'confirm-delete' }), (error.value = notice.value = null))),
    /** Back from a code or the delete confirmation. */
    cancel: () => batch(() => ((step.value = level.peek() === 'email' ? { kind: 'profile' } : { kind: 'email' }), (error.value = notice.value = null))),
  };
}
export type AccountFlow = ReturnType<typeof createAccountFlow>;
