import twilio from 'twilio';
import { smsInboundPath, smsStatusPath } from '@prex/protocol';

/** Helpers for the SMS tests: Twilio's webhook requests, signed exactly as Twilio signs them. */

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  phoneNumber: string;
}

let counter = 0;
/** A fresh MessageSid (SM + 32 hex digits), as Twilio assigns them. */
export function messageSid(): string {
  counter += 1;
  return `SM${counter.toString(16).padStart(8, '0')}${'0123456789abcdef'.repeat(2).slice(0, 24)}`;
}

export interface InboundOptions {
  /** Sign with this token instead of the account's (a forger's). */
  signWith?: string | null;
  /** Send this raw body with this content type instead of the form. */
  raw?: { body: string; contentType: string };
  /** The origin Twilio calls (PREX_PUBLIC_URL, behind a proxy) when it is not the one posted to. */
  publicUrl?: string;
}

/**
 * POSTs Twilio's "a message comes in" webhook for `fields` (the usual Twilio fields are filled from
 * the account), signed with the account's auth token over the URL and form, as Twilio does.
 */
export async function postInbound(
  baseUrl: string,
  tenantId: string,
  account: TwilioAccount,
  fields: Record<string, string>,
  options: InboundOptions = {},
): Promise<Response> {
  const form: Record<string, string> = { AccountSid: account.accountSid, To: account.phoneNumber, NumMedia: '0', SmsStatus: 'received', ApiVersion: '2010-04-01', ...fields };
  return postSigned(baseUrl, smsInboundPath(tenantId), account, form, options);
}

/** POSTs Twilio's status callback of a sent message (MessageSid, MessageStatus, ErrorCode…), signed as Twilio does. */
export function postStatus(baseUrl: string, tenantId: string, account: TwilioAccount, fields: Record<string, string>, options: InboundOptions = {}): Promise<Response> {
  const form: Record<string, string> = { AccountSid: account.accountSid, From: account.phoneNumber, ApiVersion: '2010-04-01', ...fields };
  if (fields.MessageStatus) form.SmsStatus = fields.MessageStatus;
  return postSigned(baseUrl, smsStatusPath(tenantId), account, form, options);
}

async function postSigned(baseUrl: string, path: string, account: TwilioAccount, form: Record<string, string>, options: InboundOptions): Promise<Response> {
  const url = `${baseUrl}${path}`;
  const params = options.raw ? {} : form;
  const headers: Record<string, string> = { 'content-type': options.raw?.contentType ?? 'application/x-www-form-urlencoded' };
  const token = options.signWith === undefined ? account.authToken : options.signWith;
  if (token !== null) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(token, `${options.publicUrl ?? baseUrl}${path}`, params);
  return fetch(url, { method: 'POST', headers, body: options.raw?.body ?? new URLSearchParams(form).toString() });
}


/** A call to the admin API with a tenant's secret key (JSON body when given). */
export function adminFetch(baseUrl: string, secretKey: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${secretKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}
