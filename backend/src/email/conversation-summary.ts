import { customerSettings } from '../customers/settings.js';
import { customerOfSession } from '../customers/repository.js';
import type { Db } from '../db/db.js';
import { findById } from '../tenants/repository.js';
import type { EmailEvent } from '../mail/events.js';
import { EmailNotSentError, sendEmail, type EmailDeps } from '../mail/send.js';
import { summarizeConversation, type SummarizerDeps } from './summary.js';
import { summaryMail } from './templates.js';
import { loadTranscript } from './transcript.js';
import { markSummarised } from '../conversations/summary-mail.js';

/** 'summary': the visitor asked for it (one click); 'auto_summary': sent after a quiet period. */
export type SummaryKind = 'summary' | 'auto_summary';

export type SummaryDeps = EmailDeps & Omit<SummarizerDeps, 'log'>;

export interface SummaryRecipient {
  address: string;
  /** The customer gets "You" and a greeting by name; the tenant's copy names the customer. */
  audience: 'customer' | 'tenant';
}

interface SessionCustomer {
  id: string;
  email: string;
  name: string | null;
}

/** The session's customer when their email is verified (the only address Prex may mail them at). */
export async function verifiedCustomerOfSession(db: Db, tenantId: string, sessionId: string): Promise<SessionCustomer | null> {
  const customer = await customerOfSession(db, tenantId, sessionId);
  if (!customer?.email || !customer.emailVerifiedAt) return null;
  return { id: customer.id, email: customer.email, name: customer.name };
}

/**
 * Who gets a summary: a one-click one goes to the verified customer only; an automatic one follows
 * the tenant's settings (the verified customer when toCustomer, and/or the tenant's address).
 */
async function recipientsOf(db: Db, tenantId: string, customer: SessionCustomer | null, kind: SummaryKind): Promise<SummaryRecipient[]> {
  const asCustomer = (c: SessionCustomer): SummaryRecipient => ({ address: c.email, audience: 'customer' });
  if (kind === 'summary') return customer ? [asCustomer(customer)] : [];
  const { summaryEmails } = await customerSettings(db, tenantId);
  const recipients: SummaryRecipient[] = [];
  if (summaryEmails.toCustomer && customer) recipients.push(asCustomer(customer));
  if (summaryEmails.tenantAddress) recipients.push({ address: summaryEmails.tenantAddress, audience: 'tenant' });
  return recipients;
}

/**
 * Emails the session's conversation (the model's summary when there is one, then the transcript).
 * Returns one event per recipient; none when there is nobody to send to or nothing to say.
 * A one-click summary rethrows a relay failure (the visitor gets a 502); an automatic one records it
 * and goes on with the other recipient. A sent summary also marks the session summarised, so the
 * automatic one does not repeat it until the conversation moves on.
 */
export async function sendConversationSummary(
  deps: SummaryDeps,
  input: { tenantId: string; sessionId: string; kind: SummaryKind },
): Promise<EmailEvent[]> {
  const { db } = deps;
  const { tenantId, sessionId, kind } = input;
  const tenant = await findById(db, tenantId);
  const transcript = await loadTranscript(db, tenantId, sessionId);
  if (!tenant || transcript.length === 0) return [];
  const customer = await verifiedCustomerOfSession(db, tenantId, sessionId);
  const recipients = await recipientsOf(db, tenantId, customer, kind);
  if (recipients.length === 0) return [];

  const summary = await summarizeConversation(deps, { tenantId, sessionId, tenantName: tenant.name, transcript });
  const events: EmailEvent[] = [];
  for (const recipient of recipients) {
    const mail = summaryMail({
      to: recipient.address,
      tenantName: tenant.name,
      audience: recipient.audience,
      customerName: customer?.name ?? null,
      customerEmail: customer?.email ?? null,
      summary,
      transcript,
    });
    const customerId = customer?.id ?? null;
    try {
      events.push(await sendEmail(deps, { tenantId, sessionId, customerId, kind, mail }));
    } catch (err) {
      if (kind === 'summary' || !(err instanceof EmailNotSentError)) throw err;
      events.push(err.event);
    }
  }
  if (kind === 'summary') await markSummarised(db, tenantId, sessionId);
  return events;
}
