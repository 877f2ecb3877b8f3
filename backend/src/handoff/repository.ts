import type { AdminEscalation, Escalation, EscalationSource, EscalationStatus } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { linkedCustomerSql } from '../conversations/session-identity.js';

/** A row of `escalations`, in the tenant's (fullest) shape. Every query filters by tenant. */
export type StoredEscalation = AdminEscalation;

export interface NewEscalation {
  tenantId: string;
  sessionId: string;
  /** The user message that led to it, when there is one. */
  messageId: string | null;
  reason: string;
  source: EscalationSource;
  /** 'proposed' waits for the visitor's confirmation; 'open' goes straight to the team. */
  status: 'proposed' | 'open';
}

interface EscalationRow {
  id: string;
  session_id: string;
  message_id: string | null;
  reason: string;
  source: EscalationSource;
  status: EscalationStatus;
  customer_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The linked customer comes from the session, so a later identity verification shows up too. */
const SELECT = `select e.id, e.session_id, e.message_id, e.reason, e.source, e.status, ${linkedCustomerSql('e')} as customer_id, e.created_at, e.updated_at
                  from escalations e`;

function fromRow(row: EscalationRow): StoredEscalation {
  return {
    id: row.id,
    sessionId: row.session_id,
    messageId: row.message_id,
    reason: row.reason,
    source: row.source,
    status: row.status,
    customerId: row.customer_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What the visitor's widget may see of an escalation (no ids of other records). */
export function toVisitorEscalation(e: StoredEscalation): Escalation {
  return { id: e.id, status: e.status, reason: e.reason, source: e.source, createdAt: e.createdAt };
}

async function findOne(db: Db, where: string, params: unknown[]): Promise<StoredEscalation | undefined> {
  const rows = await db.query<EscalationRow>(`${SELECT} where ${where} order by e.created_at desc limit 1`, params);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The session's proposed or open escalation, if any (there is at most one). */
export function findActiveEscalation(db: Db, tenantId: string, sessionId: string): Promise<StoredEscalation | undefined> {
  return findOne(db, `e.tenant_id = $1 and e.session_id = $2 and e.status in ('proposed', 'open')`, [tenantId, sessionId]);
}

export function findEscalation(db: Db, tenantId: string, escalationId: string): Promise<StoredEscalation | undefined> {
  return findOne(db, 'e.tenant_id = $1 and e.id = $2', [tenantId, escalationId]);
}

export interface EscalationResult {
  escalation: StoredEscalation;
  /** False when the session already had an active escalation, which is returned instead. */
  created: boolean;
}

/**
 * Files an escalation, or reuses the session's active one (one per conversation, enforced by a
 * unique index, so concurrent requests cannot file two). Asking to open while a proposal waits
 * opens that proposal: the visitor or the classifier asking for a person is the confirmation.
 */
export async function createOrReuseEscalation(db: Db, input: NewEscalation, attempt = 1): Promise<EscalationResult> {
  const inserted = await db.query<{ id: string }>(
    `insert into escalations (id, tenant_id, session_id, message_id, reason, source, status)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, session_id) where status in ('proposed', 'open') do nothing
     returning id`,
    [newId('esc'), input.tenantId, input.sessionId, input.messageId, input.reason, input.source, input.status],
  );
  if (inserted[0]) return { escalation: (await findEscalation(db, input.tenantId, inserted[0].id))!, created: true };

  if (input.status === 'open') {
    const promoted = await setStatus(db, input.tenantId, `e.session_id = $3 and e.status = 'proposed'`, [input.sessionId], 'open');
    if (promoted) return { escalation: promoted, created: true };
  }
  const active = await findActiveEscalation(db, input.tenantId, input.sessionId);
  // Closed between the insert and this read: try again rather than report nothing.
  if (!active && attempt < 3) return createOrReuseEscalation(db, input, attempt + 1);
  if (!active) throw new Error('escalation kept changing while being filed');
  return { escalation: active, created: false };
}

/** The seam the answering pipeline calls (classifier escalations, the handoff tool). */
export async function createEscalation(db: Db, input: NewEscalation): Promise<StoredEscalation> {
  return (await createOrReuseEscalation(db, input)).escalation;
}

/** Updates the escalations matching `where` (params from $3 on) to `status`; returns the first one. */
async function setStatus(db: Db, tenantId: string, where: string, params: unknown[], status: EscalationStatus): Promise<StoredEscalation | undefined> {
  const rows = await db.query<{ id: string }>(
    `update escalations e set status = $2, updated_at = now() where e.tenant_id = $1 and ${where} returning e.id`,
    [tenantId, status, ...params],
  );
  return rows[0] ? findEscalation(db, tenantId, rows[0].id) : undefined;
}

export type AnswerOutcome = { escalation: StoredEscalation } | 'missing' | { notProposed: StoredEscalation };

/** The visitor's yes (→ open) or no (→ declined) to a proposal of their own session. */
export async function answerProposal(db: Db, scope: { tenantId: string; sessionId: string; escalationId: string; accept: boolean }): Promise<AnswerOutcome> {
  const updated = await setStatus(
    db,
    scope.tenantId,
    `e.id = $3 and e.session_id = $4 and e.status = 'proposed'`,
    [scope.escalationId, scope.sessionId],
    scope.accept ? 'open' : 'declined',
  );
  if (updated) return { escalation: updated };
  const existing = await findEscalation(db, scope.tenantId, scope.escalationId);
  if (!existing || existing.sessionId !== scope.sessionId) return 'missing';
  return { notProposed: existing };
}

/** `changed`: this call resolved it (false when it already was). */
export type ResolveOutcome = { escalation: StoredEscalation; changed: boolean } | 'missing' | 'declined';

/** The team closes an escalation; resolving a resolved one changes nothing (idempotent). */
export async function resolveEscalation(db: Db, tenantId: string, escalationId: string): Promise<ResolveOutcome> {
  const updated = await setStatus(db, tenantId, `e.id = $3 and e.status in ('proposed', 'open')`, [escalationId], 'resolved');
  if (updated) return { escalation: updated, changed: true };
  const existing = await findEscalation(db, tenantId, escalationId);
  if (!existing) return 'missing';
  return existing.status === 'declined' ? 'declined' : { escalation: existing, changed: false };
}

/** The tenant's escalations, newest first, optionally of one status. */
export async function listEscalations(db: Db, tenantId: string, query: { status?: EscalationStatus | undefined; limit: number; offset: number }): Promise<StoredEscalation[]> {
  const rows = await db.query<EscalationRow>(
    `${SELECT} where e.tenant_id = $1 and ($2::text is null or e.status = $2)
      order by e.created_at desc, e.id limit $3 offset $4`,
    [tenantId, query.status ?? null, query.limit, query.offset],
  );
  return rows.map(fromRow);
}

/** Every escalation of one conversation, oldest first. */
export async function listSessionEscalations(db: Db, tenantId: string, sessionId: string): Promise<StoredEscalation[]> {
  const rows = await db.query<EscalationRow>(`${SELECT} where e.tenant_id = $1 and e.session_id = $2 order by e.created_at, e.id`, [tenantId, sessionId]);
  return rows.map(fromRow);
}

/** The conversation's open escalation, if a person has it now (the newest, should there be several). */
export async function openEscalationOfSession(db: Db, tenantId: string, sessionId: string): Promise<StoredEscalation | undefined> {
  const rows = await db.query<EscalationRow>(
    `${SELECT} where e.tenant_id = $1 and e.session_id = $2 and e.status = 'open' order by e.created_at desc, e.id desc limit 1`,
    [tenantId, sessionId],
  );
  return rows[0] && fromRow(rows[0]);
}
