import type { EscalationSource } from '@prex/protocol';
import { escapeHtml, htmlDocument, paragraphs, safeHttpUrl, tenantFooterHtml } from '../mail/html.js';
import { fileLabel, speakerName, transcriptAsText, type TranscriptEntry } from './transcript.js';
import type { OutgoingMail } from '../mail/types.js';

export interface SummaryMailInput {
  to: string;
  tenantName: string;
  /** The customer reads their own conversation; the tenant gets a copy that names the customer. */
  audience: 'customer' | 'tenant';
  /** The customer's name and verified address, when known. */
  customerName: string | null;
  customerEmail: string | null;
  /** The model's summary, or null when there is none (the transcript says it all). */
  summary: string | null;
  transcript: readonly TranscriptEntry[];
}

interface SummaryWording {
  subject: string;
  greeting: string;
  intro: string;
  customerLabel: string;
}

function summaryWording(input: SummaryMailInput): SummaryWording {
  const { tenantName, customerName, customerEmail } = input;
  if (input.audience === 'customer') {
    return {
      subject: `Your conversation with ${tenantName}`,
      greeting: customerName ? `Hello ${customerName},` : 'Hello,',
      intro: `Here is your conversation with ${tenantName}.`,
      customerLabel: 'You',
    };
  }
  const who = [customerName, customerEmail].filter(Boolean).join(' ') || 'a visitor';
  return {
    subject: `Conversation summary: ${who}`,
    greeting: 'Hello,',
    intro: `Here is a conversation between ${who} and your ${tenantName} assistant.`,
    customerLabel: 'Customer',
  };
}

export function summaryMail(input: SummaryMailInput): OutgoingMail {
  const { tenantName, summary, transcript } = input;
  const { subject, greeting, intro, customerLabel } = summaryWording(input);
  const text = [
    greeting,
    '',
    intro,
    ...(summary ? ['', 'Summary', '-------', summary.trim()] : []),
    '',
    'Conversation',
    '------------',
    transcriptAsText(transcript, tenantName, customerLabel),
    '',
    `— Sent by ${tenantName}.`,
  ].join('\n');
  const html = htmlDocument(
    subject,
    [
      `<p style="margin:0 0 12px">${escapeHtml(greeting)}</p>`,
      `<p style="margin:0 0 16px">${escapeHtml(intro)}</p>`,
      summary ? `<h2 style="font-size:17px;margin:0 0 8px">Summary</h2>\n${paragraphs(summary)}` : '',
      '<h2 style="font-size:17px;margin:16px 0 8px">Conversation</h2>',
      transcript.map((entry) => entryHtml(entry, tenantName, customerLabel)).join('\n'),
      tenantFooterHtml(tenantName),
    ].join('\n'),
  );
  // The tenant's team can answer the customer straight from their copy.
  const replyTo = input.audience === 'tenant' ? (input.customerEmail ?? undefined) : undefined;
  return { to: input.to, subject, text, html, fromName: tenantName, replyTo };
}

function entryHtml(entry: TranscriptEntry, tenantName: string, customerLabel: string): string {
  const background = entry.speaker === 'customer' ? '#eef2ff' : '#f6f8fa';
  const sources = entry.sources.map((s) => {
    const href = safeHttpUrl(s.url);
    return href ? `<li><a href="${escapeHtml(href)}">${escapeHtml(s.title)}</a></li>` : `<li>${escapeHtml(s.title)}</li>`;
  });
  return [
    `<div style="margin:0 0 12px;padding:12px;border-radius:6px;background:${background}">`,
    `<div style="font-weight:bold;margin:0 0 4px">${escapeHtml(speakerName(entry, tenantName, customerLabel))}</div>`,
    entry.text.trim() ? paragraphs(entry.text) : '',
    ...entry.files.map((f) => `<p style="margin:0 0 8px">📎 Attached: ${escapeHtml(fileLabel(f))}</p>`),
    sources.length ? `<div style="font-size:13px;color:#57606a">Sources:<ul style="margin:4px 0 0;padding-left:20px">${sources.join('')}</ul></div>` : '',
    '</div>',
  ].join('\n');
}

export interface HandoffMailInput {
  to: string;
  tenantName: string;
  reason: string;
  /** Who asked: the visitor's button, the classifier reading their message, or the agent's accepted proposal. */
  source: EscalationSource;
  sessionId: string;
  /** The verified customer's address, when there is one. */
  customerEmail: string | null;
  /** The last few messages, oldest first, already truncated. */
  recent: readonly TranscriptEntry[];
}

const HANDOFF_SOURCE_TEXT: Record<EscalationSource, string> = {
  visitor: 'The visitor pressed "Talk to a human".',
  classifier: 'The visitor asked for a person in the chat.',
  tool: "The visitor accepted the assistant's offer to hand the conversation to a person.",
  no_answer: 'The assistant found no answer and the visitor accepted a handoff.',
};

/** The staff notice (kind 'handoff'): a conversation waits for a person. Every tenant/visitor string is escaped. */
export function handoffMail(input: HandoffMailInput): OutgoingMail {
  const { tenantName, reason, sessionId, customerEmail, recent } = input;
  const subject = `${tenantName}: a visitor asked for a person`;
  const how = HANDOFF_SOURCE_TEXT[input.source];
  const who = customerEmail ? `Customer (verified email): ${customerEmail}` : 'Customer: anonymous visitor (no verified email)';
  const open = `Open it with GET /v1/admin/conversations/${sessionId} (secret key) and reply there.`;
  const text = [
    'Hello,',
    '',
    `A conversation with your ${tenantName} assistant is waiting for a person.`,
    '',
    `Reason: ${reason}`,
    `Source: ${input.source}. ${how}`,
    who,
    `Session: ${sessionId}`,
    '',
    ...(recent.length ? ['Last messages', '-------------', transcriptAsText(recent, tenantName, 'Customer'), ''] : []),
    open,
    '',
    `— Sent by Prex for ${tenantName}.`,
  ].join('\n');
  const html = htmlDocument(
    subject,
    [
      '<p style="margin:0 0 12px">Hello,</p>',
      `<p style="margin:0 0 16px">A conversation with your ${escapeHtml(tenantName)} assistant is waiting for a person.</p>`,
      `<p style="margin:0 0 8px"><strong>Reason:</strong> ${escapeHtml(reason)}</p>`,
      `<p style="margin:0 0 8px"><strong>Source:</strong> ${escapeHtml(input.source)}. ${escapeHtml(how)}</p>`,
      `<p style="margin:0 0 8px">${escapeHtml(who)}</p>`,
      `<p style="margin:0 0 16px"><strong>Session:</strong> <code>${escapeHtml(sessionId)}</code></p>`,
      recent.length ? '<h2 style="font-size:17px;margin:16px 0 8px">Last messages</h2>' : '',
      recent.map((entry) => entryHtml(entry, tenantName, 'Customer')).join('\n'),
      `<p style="margin:16px 0 0">${escapeHtml(open)}</p>`,
      tenantFooterHtml(tenantName),
    ].join('\n'),
  );
  // Staff can answer the customer straight from the notice when the address is verified.
  return { to: input.to, subject, text, html, fromName: tenantName, replyTo: customerEmail ?? undefined };
}
