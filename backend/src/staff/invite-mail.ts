import type { StaffRole } from '@prex/protocol';
import { escapeHtml, htmlDocument } from '../mail/html.js';
import type { OutgoingMail } from '../mail/types.js';
import { INVITE_TTL_MS } from './invites.js';

const ROLE_TEXT: Record<StaffRole, string> = {
  owner: 'an owner (everything, including the team and settings)',
  admin: 'an admin (the inbox and the team’s agents)',
  agent: 'an agent (the inbox: escalated conversations and replies)',
};

/** The invitation: who invites, to which workspace and role, the one-time link and when it stops working. */
export function inviteMail(input: { to: string; tenantName: string; invitedBy: string | null; role: StaffRole; link: string }): OutgoingMail {
  const hours = Math.round(INVITE_TTL_MS / 3600_000);
  const who = input.invitedBy ? `${input.invitedBy} invited you` : 'You are invited';
  const lead = `${who} to answer ${input.tenantName}'s customers in Prex, as ${ROLE_TEXT[input.role]}.`;
  const how = `Open this link to choose your password. It works once, for ${hours} hours:`;
  const ignore = 'If you did not expect this invitation, ignore this email: no account is created without the link.';
  const text = [lead, '', how, input.link, '', ignore].join('\n');
  const html = htmlDocument(
    `Join ${input.tenantName} on Prex`,
    [
      `<p style="margin:0 0 12px">${escapeHtml(lead)}</p>`,
      `<p style="margin:0 0 12px">${escapeHtml(how)}</p>`,
      `<p style="margin:0 0 16px"><a href="${escapeHtml(input.link)}" style="color:#0969da">Accept the invitation</a></p>`,
      `<p style="margin:0 0 12px;color:#57606a">${escapeHtml(ignore)}</p>`,
    ].join('\n'),
  );
  return { to: input.to, subject: `Join ${input.tenantName} on Prex`, text, html, fromName: input.tenantName };
}
