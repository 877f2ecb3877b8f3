import { escapeHtml, htmlDocument } from '../mail/html.js';
import type { OutgoingMail } from '../mail/types.js';
import { PASSWORD_RESET_TTL_MS } from './password-resets.js';

/** The reset link for one account: which workspace, the one-time link, when it stops working, and what to do if unasked. */
export function passwordResetMail(input: { to: string; tenantName: string; link: string }): OutgoingMail {
  const minutes = Math.round(PASSWORD_RESET_TTL_MS / 60_000);
  const lead = `Someone asked to reset the password of your Prex staff account for ${input.tenantName}.`;
  const how = `Open this link to choose a new password. It works once, for ${minutes} minutes, and signs you out everywhere:`;
  const ignore = 'If you did not ask for this, ignore this email: your password stays as it is.';
  const text = [lead, '', how, input.link, '', ignore].join('\n');
  const html = htmlDocument(
    `Reset your password for ${input.tenantName}`,
    [
      `<p style="margin:0 0 12px">${escapeHtml(lead)}</p>`,
      `<p style="margin:0 0 12px">${escapeHtml(how)}</p>`,
      `<p style="margin:0 0 16px"><a href="${escapeHtml(input.link)}" style="color:#0969da">Choose a new password</a></p>`,
      `<p style="margin:0 0 12px;color:#57606a">${escapeHtml(ignore)}</p>`,
    ].join('\n'),
  );
  return { to: input.to, subject: `Reset your Prex password for ${input.tenantName}`, text, html, fromName: input.tenantName };
}
