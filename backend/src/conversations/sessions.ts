import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

export interface SessionRow {
  id: string;
  tenantId: string;
  createdAt: Date;
  lastSeenAt: Date;
}

interface Row {
  id: string;
  tenant_id: string;
  created_at: Date;
  last_seen_at: Date;
}

const toSession = (r: Row): SessionRow => ({ id: r.id, tenantId: r.tenant_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at });

export async function createSession(db: Db, tenantId: string): Promise<SessionRow> {
  const rows = await db.query<Row>(
    'insert into sessions (id, tenant_id) values ($1, $2) returning id, tenant_id, created_at, last_seen_at',
    [newId('ses'), tenantId],
  );
  return toSession(rows[0]!);
}

/** The session, only if it belongs to this tenant. */
export async function findSession(db: Db, tenantId: string, sessionId: string): Promise<SessionRow | undefined> {
  const rows = await db.query<Row>(
    'select id, tenant_id, created_at, last_seen_at from sessions where id = $1 and tenant_id = $2',
    [sessionId, tenantId],
  );
  return rows[0] && toSession(rows[0]);
}

/**
 * True when the session exists, recording activity on the way, in one round trip. Writes at most
 * once per `minIntervalSeconds` per session so that busy sessions (a stream resume, a history
 * fetch) do not turn every read into a write.
 */
export async function touchLiveSession(db: Db, tenantId: string, sessionId: string, minIntervalSeconds = 60): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `with found as (select id, last_seen_at from sessions where id = $1 and tenant_id = $2),
          touched as (
            update sessions set last_seen_at = now()
             where id = $1 and tenant_id = $2 and exists (select 1 from found where last_seen_at < now() - make_interval(secs => $3))
          )
     select id from found`,
    [sessionId, tenantId, minIntervalSeconds],
  );
  return rows.length > 0;
}
