import type { IdentityLevelName } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * Who a conversation is with: the customer a session is linked to (host-signed or email-verified)
 * and how far up the identity ladder it is. customers/ decides when to link; the link itself is a
 * column of the session, so it is read and written here. Every query is scoped by tenant.
 */

/** The id of the customer a session is linked to, or null for an anonymous (or unknown) session. */
export async function sessionCustomerId(db: Db, tenantId: string, sessionId: string): Promise<string | null> {
  const rows = await db.query<{ customer_id: string | null }>('select customer_id from sessions where tenant_id = $1 and id = $2', [tenantId, sessionId]);
  return rows[0]?.customer_id ?? null;
}

/** The session's link to a customer: who, and how far up the ladder; undefined for an unknown session. */
export async function sessionLink(db: Db, tenantId: string, sessionId: string): Promise<{ customerId: string | null; identityLevel: IdentityLevelName } | undefined> {
  const rows = await db.query<{ customer_id: string | null; identity_level: IdentityLevelName }>(
    'select customer_id, identity_level from sessions where tenant_id = $1 and id = $2',
    [tenantId, sessionId],
  );
  return rows[0] && { customerId: rows[0].customer_id, identityLevel: rows[0].identity_level };
}

/** How far up the identity ladder a session is; 'anonymous' for an unknown session too. */
export async function identityLevelOf(db: Db, tenantId: string, sessionId: string): Promise<IdentityLevelName> {
  const rows = await db.query<{ identity_level: IdentityLevelName }>(
    'select identity_level from sessions where tenant_id = $1 and id = $2',
    [tenantId, sessionId],
  );
  return rows[0]?.identity_level ?? 'anonymous';
}

/** Links a session to its customer at an identity level; the session's AI SDK chats (sdk-chats.ts) are its conversations too. */
export async function linkSession(db: Db, tenantId: string, sessionId: string, customerId: string, level: Exclude<IdentityLevelName, 'anonymous'>): Promise<void> {
  await db.query(
    `update sessions set customer_id = $3, identity_level = $4
      where tenant_id = $1 and (id = $2 or id in (select session_id from sdk_chats where tenant_id = $1 and owner_session_id = $2))`,
    [tenantId, sessionId, customerId, level],
  );
}

/** Ids of the customer's sessions, most recently seen first. */
export async function customerSessionIds(db: Db, tenantId: string, customerId: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    'select id from sessions where tenant_id = $1 and customer_id = $2 order by last_seen_at desc limit $3',
    [tenantId, customerId, limit],
  );
  return rows.map((r) => r.id);
}

/** Sessions linked to each of these customers, in one query. */
export async function sessionCountsByCustomer(db: Db, tenantId: string, customerIds: string[]): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.query<{ customer_id: string; n: number }>(
    'select customer_id, count(*)::int as n from sessions where tenant_id = $1 and customer_id = any($2::text[]) group by customer_id',
    [tenantId, customerIds],
  );
  return new Map(rows.map((r) => [r.customer_id, r.n]));
}

/**
 * SQL for the customer linked to a conversation, for a query over another table that has the
 * conversation's tenant_id and session_id columns (e.g. escalations aliased e): one row, by key.
 * The link is read when the query runs, so a later identity verification shows up too.
 */
export function linkedCustomerSql(alias: string): string {
  return `(select s.customer_id from sessions s where s.id = ${alias}.session_id and s.tenant_id = ${alias}.tenant_id)`;
}
