import { escapeHtml, htmlDocument, tenantFooterHtml } from '../mail/html.js';
import type { EmailEvent } from '../mail/events.js';
import { sendEmail, type EmailDeps } from '../mail/send.js';
import type { OutgoingMail } from '../mail/types.js';

/** What a one-time code is for; it decides the sentence that tells the reader why they got it. */
export type CodePurpose = 'verify' | 'export' | 'delete';

export const CODE_TTL_MINUTES = 10;

const PURPOSE_TEXT: Record<CodePurpose, string> = {
  verify: 'to confirm your email address in the chat',
  export: 'to download a copy of your data',
  delete: 'to delete your data',
};

export function codeMail(input: { to: string; tenantName: string; code: string; purpose: CodePurpose }): OutgoingMail {
  const { tenantName, code } = input;
  const why = PURPOSE_TEXT[input.purpose];
  const expiry = `It expires in ${CODE_TTL_MINUTES} minutes.`;
  const ignore = 'If you did not ask for this code, you can ignore this email: nothing happens without it.';
  const text = [`Your ${tenantName} code is: ${code}`, '', `Enter it ${why}. ${expiry}`, '', ignore, '', `— ${tenantName}`].join('\n');
  const html = htmlDocument(
    `Your ${tenantName} code`,
    [
      `<p style="margin:0 0 12px">Your ${escapeHtml(tenantName)} code is:</p>`,
      `<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:4px">${escapeHtml(code)}</p>`,
      `<p style="margin:0 0 12px">Enter it ${escapeHtml(why)}. ${escapeHtml(expiry)}</p>`,
      `<p style="margin:0 0 12px;color:#57606a">${escapeHtml(ignore)}</p>`,
      tenantFooterHtml(tenantName),
    ].join('\n'),
  );
  return { to: input.to, subject: `Your ${tenantName} code: ${code}`, text, html, fromName: tenantName };
}

export interface CodeEmailInput {
  tenantId: string;
  tenantName: string;
  to: string;
  code: string;
  purpose: CodePurpose;
  sessionId?: string | null | undefined;
  customerId?: string | null | undefined;
}

/** A one-time code (kind 'otp'): the code in the subject and both bodies, its 10-minute expiry, "ignore if not you". */
export function sendCodeEmail(deps: EmailDeps, input: CodeEmailInput): Promise<EmailEvent> {
  const mail = codeMail({ to: input.to, tenantName: input.tenantName, code: input.code, purpose: input.purpose });
  return sendEmail(deps, { tenantId: input.tenantId, sessionId: input.sessionId, customerId: input.customerId, kind: 'otp', mail });
}
