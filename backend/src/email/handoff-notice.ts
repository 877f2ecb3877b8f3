import type { EscalationSource } from '@prex/protocol';
import { customerSettings } from '../customers/settings.js';
import { findById } from '../tenants/repository.js';
import { verifiedCustomerOfSession } from './conversation-summary.js';
import type { EmailEvent } from '../mail/events.js';
import { EmailNotSentError, sendEmail, type EmailDeps } from '../mail/send.js';
import { handoffMail } from './templates.js';
import { loadTranscript, type TranscriptEntry } from './transcript.js';

/** How much of the conversation a notice quotes: enough to triage, not the whole transcript. */
export const HANDOFF_NOTICE_MESSAGES = 6;
export const HANDOFF_NOTICE_MESSAGE_CHARS = 500;

export interface OpenedHandoff {
  tenantId: string;
  sessionId: string;
  reason: string;
  source: EscalationSource;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/**
 * Tells the tenant's staff (customer settings handoffEmails.to) that a conversation was handed to a
 * person: kind 'handoff'. Null when no address is configured (nothing sent, nothing recorded). A relay
 * failure is recorded as a failed event and returned, never thrown: the visitor's request must not fail.
 */
export async function notifyStaffOfHandoff(deps: EmailDeps, handoff: OpenedHandoff): Promise<EmailEvent | null> {
  const { db } = deps;
  const { tenantId, sessionId } = handoff;
  const { handoffEmails } = await customerSettings(db, tenantId);
  if (!handoffEmails.to) return null;
  const tenant = await findById(db, tenantId);
  if (!tenant) return null;
  const [transcript, customer] = await Promise.all([loadTranscript(db, tenantId, sessionId), verifiedCustomerOfSession(db, tenantId, sessionId)]);
  const recent: TranscriptEntry[] = transcript
    .slice(-HANDOFF_NOTICE_MESSAGES)
    .map((entry) => ({ ...entry, text: truncate(entry.text.trim(), HANDOFF_NOTICE_MESSAGE_CHARS), sources: [] }));
  const mail = handoffMail({
    to: handoffEmails.to,
    tenantName: tenant.name,
    reason: handoff.reason,
    source: handoff.source,
    sessionId,
    customerEmail: customer?.email ?? null,
    recent,
  });
  try {
    return await sendEmail(deps, { tenantId, sessionId, customerId: customer?.id ?? null, kind: 'handoff', mail });
  } catch (err) {
    if (err instanceof EmailNotSentError) return err.event;
    throw err;
  }
}
