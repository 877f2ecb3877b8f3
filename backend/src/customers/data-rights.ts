import { attachmentPath, type CustomerExport } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { hashIdentifier } from '../privacy/hash.js';
import { findCustomer } from './repository.js';
import { allSessionIdsOfCustomer, deleteSessions, detachUsageFromSessions, messagesForExport, sessionsOfCustomer } from '../conversations/data-rights.js';

interface EscalationRow { id: string; session_id: string; status: string; reason: string; created_at: Date }
interface EmailEventRow { kind: string; recipient: string; status: string; created_at: Date }

/** Everything Prex holds about one customer of the tenant, or null when there is no such customer. */
export async function exportCustomer(db: Db, tenantId: string, customerId: string, now: Date): Promise<CustomerExport | null> {
  const customer = await findCustomer(db, tenantId, customerId);
  if (!customer) return null;
  const sessions = await sessionsOfCustomer(db, tenantId, customerId);
  const ids = sessions.map((s) => s.id);
  const [messages, escalations, emails] = await Promise.all([
    messagesForExport(db, tenantId, ids),
    db.query<EscalationRow>(
      'select id, session_id, status, reason, created_at from escalations where tenant_id = $1 and session_id = any($2::text[]) order by created_at',
      [tenantId, ids],
    ),
    db.query<EmailEventRow>(
      `select kind, recipient, status, created_at from email_events
        where tenant_id = $1 and (customer_id = $2 or session_id = any($3::text[]) or recipient = $4) order by created_at`,
      [tenantId, customerId, ids, customer.email ?? ''],
    ),
  ]);
  return {
    exportedAt: now.toISOString(),
    customer: {
      id: customer.id,
      email: customer.email,
      emailVerified: customer.emailVerifiedAt !== null,
      phone: customer.phone,
      externalId: customer.externalId,
      name: customer.name,
      preferences: customer.preferences as CustomerExport['customer']['preferences'],
      interests: customer.interests,
      notes: customer.notes,
      attributes: customer.attributes,
      verifiedAttributes: customer.verifiedAttributes,
      createdAt: customer.createdAt.toISOString(),
    },
    conversations: sessions.map((s) => ({
      sessionId: s.id,
      identityLevel: s.identity_level,
      createdAt: s.created_at.toISOString(),
      lastSeenAt: s.last_seen_at.toISOString(),
      messages: messages
        .filter((m) => m.session_id === s.id)
        .map((m) => ({ id: m.id, role: m.role, author: m.author, text: m.text, createdAt: m.created_at.toISOString() })),
      // The files, by name and size, each with the path that serves its bytes to the customer.
      attachments: messages
        .filter((m) => m.session_id === s.id)
        .flatMap((m) =>
          m.attachments.map((a) => ({ id: a.id, messageId: m.id, name: a.name, contentType: a.contentType, size: a.size, createdAt: m.created_at.toISOString(), path: attachmentPath(a.id) })),
        ),
      escalations: escalations
        .filter((e) => e.session_id === s.id)
        .map((e) => ({ id: e.id, status: e.status, reason: e.reason, createdAt: e.created_at.toISOString() })),
    })),
    emailEvents: emails.map((e) => ({ kind: e.kind, recipient: e.recipient, status: e.status, createdAt: e.created_at.toISOString() })),
  };
}

/**
 * Erases a customer in one transaction: their sessions (messages, escalations and attachment rows
 * cascade; the attachments feature then removes the files from storage), codes,
 * emails sent, refusals counted for their email, and the profile. Usage records stay, detached from
 * any session or message: that anonymized row is what the tenant must keep. Returns false when
 * there was no such customer.
 */
export async function deleteCustomer(db: Db, tenantId: string, customerId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const customer = await findCustomer(tx, tenantId, customerId);
    if (!customer) return false;
    const ids = await allSessionIdsOfCustomer(tx, tenantId, customerId);
    const email = customer.email ?? '';
    await tx.query('delete from email_events where tenant_id = $1 and (customer_id = $2 or recipient = $3)', [tenantId, customerId, email]);
    await tx.query('delete from email_codes where tenant_id = $1 and email = $2', [tenantId, email]);
    await tx.query('delete from phone_codes where tenant_id = $1 and phone = $2', [tenantId, customer.phone ?? '']);
    if (customer.email) await tx.query('delete from auth_events where tenant_id = $1 and email_hash = $2', [tenantId, hashIdentifier(customer.email)]);
    await eraseConversations(tx, tenantId, ids);
    await tx.query('delete from customers where tenant_id = $1 and id = $2', [tenantId, customerId]);
    return true;
  });
}

/**
 * Erases these conversations of the tenant and what hangs off them: the emails and codes sent from
 * them, then the sessions (messages, escalations, events, notes, inbox state and SMS threads
 * cascade; a solution drafted from one keeps its text without the link). Usage records stay,
 * detached. Run inside a transaction: a customer's erasure and the retention sweep both do.
 */
export async function eraseConversations(tx: Db, tenantId: string, sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await detachUsageFromSessions(tx, tenantId, sessionIds);
  await tx.query('delete from email_events where tenant_id = $1 and session_id = any($2::text[])', [tenantId, sessionIds]);
  await tx.query('delete from email_codes where tenant_id = $1 and session_id = any($2::text[])', [tenantId, sessionIds]);
  await tx.query('delete from phone_codes where tenant_id = $1 and session_id = any($2::text[])', [tenantId, sessionIds]);
  await deleteSessions(tx, tenantId, sessionIds);
}
