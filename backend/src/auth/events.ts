import type { Db } from '../db/db.js';
import { hashIdentifier } from '../privacy/hash.js';

/** Refusals counted for abuse monitoring and send limits (auth_events.kind). */
export type AuthEventKind =
  | 'otp_sent'
  | 'otp_wrong_code'
  | 'otp_expired'
  | 'otp_replayed'
  | 'otp_locked'
  | 'otp_send_limited'
  | 'otp_wrong_session'
  | 'invalid_signature'
  | 'signature_required'
  | 'secret_key_invalid'
  | 'secret_key_expired'
  | 'secret_key_limited'
  /** A staff sign-in with a wrong email or password (tenant_id null: the email may have no account). */
  | 'staff_login_failed'
  /** A signed-in staff member's password change with a wrong current password: limited like sign-ins. */
  | 'staff_password_change_failed'
  /** A password reset asked for an email (whether or not it has an account): limits the mails one address gets. */
  | 'staff_password_reset_requested';

export async function recordAuthEvent(
  db: Db,
  /** tenantId null: a refusal no tenant can be named for (a secret key nobody owns). */
  event: { tenantId: string | null; kind: AuthEventKind; email?: string | null; ip?: string | null; at?: Date },
): Promise<void> {
  await db.query('insert into auth_events (tenant_id, kind, email_hash, ip_hash, created_at) values ($1, $2, $3, $4, coalesce($5, now()))', [
    event.tenantId,
    event.kind,
    event.email ? hashIdentifier(event.email) : null,
    event.ip ? hashIdentifier(event.ip) : null,
    event.at ?? null,
  ]);
}

/** How many events of `kind` since `since`, for the tenant, optionally for one email or IP. */
export async function countAuthEvents(
  db: Db,
  q: { tenantId: string; kind: AuthEventKind; since: Date; email?: string; ip?: string },
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from auth_events
      where tenant_id = $1 and kind = $2 and created_at >= $3
        and ($4::text is null or email_hash = $4) and ($5::text is null or ip_hash = $5)`,
    [q.tenantId, q.kind, q.since, q.email ? hashIdentifier(q.email) : null, q.ip ? hashIdentifier(q.ip) : null],
  );
  return rows[0]?.n ?? 0;
}

/** Events of the tenant since `since`, counted by kind. */
export async function authEventCounts(db: Db, tenantId: string, since: Date): Promise<Record<string, number>> {
  const rows = await db.query<{ kind: string; n: number }>(
    'select kind, count(*)::int as n from auth_events where tenant_id = $1 and created_at >= $2 group by kind order by kind',
    [tenantId, since],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Refusals of `kinds` from one address since `since`, whichever tenant they named (or none). */
export async function countAuthEventsFromIp(db: Db, q: { kinds: readonly AuthEventKind[]; ip: string; since: Date }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'select count(*)::int as n from auth_events where kind = any($1::text[]) and ip_hash = $2 and created_at >= $3',
    [q.kinds, hashIdentifier(q.ip), q.since],
  );
  return rows[0]?.n ?? 0;
}

/** Events of `kinds` about one email since `since`, whichever tenant they named (or none). */
export async function countAuthEventsForEmail(db: Db, q: { kinds: readonly AuthEventKind[]; email: string; since: Date }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'select count(*)::int as n from auth_events where kind = any($1::text[]) and email_hash = $2 and created_at >= $3',
    [q.kinds, hashIdentifier(q.email), q.since],
  );
  return rows[0]?.n ?? 0;
}
