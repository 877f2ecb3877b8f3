import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import type { EmailKind } from './types.js';

export type EmailStatus = 'sent' | 'outbox' | 'failed';

/** One row of email_events: every send, including the failed ones, as the tenant sees it. */
export interface EmailEvent {
  id: string;
  tenantId: string;
  sessionId: string | null;
  customerId: string | null;
  kind: EmailKind;
  recipient: string;
  status: EmailStatus;
  providerId: string | null;
  error: string | null;
  createdAt: Date;
}

interface EmailEventRow {
  id: string;
  tenant_id: string;
  session_id: string | null;
  customer_id: string | null;
  kind: EmailKind;
  recipient: string;
  status: EmailStatus;
  provider_id: string | null;
  error: string | null;
  created_at: Date;
}

const COLUMNS = 'id, tenant_id, session_id, customer_id, kind, recipient, status, provider_id, error, created_at';

const toEvent = (r: EmailEventRow): EmailEvent => ({
  id: r.id,
  tenantId: r.tenant_id,
  sessionId: r.session_id,
  customerId: r.customer_id,
  kind: r.kind,
  recipient: r.recipient,
  status: r.status,
  providerId: r.provider_id,
  error: r.error,
  createdAt: r.created_at,
});

export type NewEmailEvent = Omit<EmailEvent, 'id' | 'createdAt'>;

export async function recordEmailEvent(db: Db, event: NewEmailEvent): Promise<EmailEvent> {
  const [row] = await db.query<EmailEventRow>(
    `insert into email_events (id, tenant_id, session_id, customer_id, kind, recipient, status, provider_id, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [newId('eml'), event.tenantId, event.sessionId, event.customerId, event.kind, event.recipient, event.status, event.providerId, event.error],
  );
  return toEvent(row!);
}

export interface EmailEventFilter {
  sessionId?: string | undefined;
  customerId?: string | undefined;
  kind?: EmailKind | undefined;
  limit: number;
}

/** The tenant's email events, newest first. */
export async function listEmailEvents(db: Db, tenantId: string, filter: EmailEventFilter): Promise<EmailEvent[]> {
  const rows = await db.query<EmailEventRow>(
    `select ${COLUMNS} from email_events
     where tenant_id = $1
       and ($2::text is null or session_id = $2)
       and ($3::text is null or customer_id = $3)
       and ($4::text is null or kind = $4)
     order by created_at desc, id
     limit $5`,
    [tenantId, filter.sessionId ?? null, filter.customerId ?? null, filter.kind ?? null, filter.limit],
  );
  return rows.map(toEvent);
}

/**
 * Sends of one kind from a session since a moment, failed ones too (each one hit the relay), and
 * the oldest of them: the one-click summary's rate limit and its Retry-After.
 */
export async function sessionEmailsSince(
  db: Db,
  tenantId: string,
  sessionId: string,
  kind: EmailKind,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await db.query<{ n: number; oldest: Date | null }>(
    `select count(*)::int as n, min(created_at) as oldest from email_events
     where tenant_id = $1 and session_id = $2 and kind = $3 and created_at >= $4`,
    [tenantId, sessionId, kind, since],
  );
  return { count: row?.n ?? 0, oldest: row?.oldest ?? null };
}
