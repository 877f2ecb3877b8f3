import type { Db } from '../db/db.js';
import { countAuthEvents } from '../auth/events.js';
import type { CodeChannel } from './code-channel.js';

/**
 * How many codes may be sent in a window. Counted in the database (email_codes or phone_codes, auth_events), so
 * limits hold across restarts and across processes sharing the database. The email limit stops a
 * mailbox being flooded; the IP limit stops one client spraying many mailboxes; the tenant limit
 * caps what a distributed flood can cost the tenant's sender reputation.
 */
export interface SendLimits {
  windowMs: number;
  perEmail: number;
  perIp: number;
  perTenant: number;
}

export const SEND_LIMITS: SendLimits = {
  windowMs: 10 * 60_000,
  perEmail: 5,
  perIp: 10,
  perTenant: 300,
};

/** 'email': the per-address limit (the mailbox, or the phone on the phone channel). */
export type SendLimitHit = 'email' | 'ip' | 'tenant';

export async function sendLimitHit(
  db: Db,
  q: { tenantId: string; address: string; ip: string | null; now: Date; channel: CodeChannel },
  limits: SendLimits = SEND_LIMITS,
): Promise<SendLimitHit | null> {
  const since = new Date(q.now.getTime() - limits.windowMs);
  // One at a time: this runs inside a transaction, on a single connection.
  if ((await countCodes(db, q.channel, q.tenantId, since, q.address)) >= limits.perEmail) return 'email';
  if (q.ip && (await countAuthEvents(db, { tenantId: q.tenantId, kind: 'otp_sent', since, ip: q.ip })) >= limits.perIp) return 'ip';
  if ((await countCodes(db, q.channel, q.tenantId, since, null)) >= limits.perTenant) return 'tenant';
  return null;
}

async function countCodes(db: Db, channel: CodeChannel, tenantId: string, since: Date, address: string | null): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from ${channel.table}
      where tenant_id = $1 and created_at >= $2 and ($3::text is null or ${channel.address} = $3)`,
    [tenantId, since, address],
  );
  return rows[0]?.n ?? 0;
}
