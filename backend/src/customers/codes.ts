import { EMAIL_CODE, type EmailCodePurpose } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { recordAuthEvent } from '../auth/events.js';
import { generateCode, hashCode, sameHash } from './code-hash.js';
import { sendLimitHit, type SendLimitHit, type SendLimits } from './send-limits.js';
import { EMAIL_CHANNEL, type CodeChannel } from './code-channel.js';

export { EMAIL_CHANNEL, PHONE_CHANNEL, type CodeChannel } from './code-channel.js';

/** What the code functions need: the database, the HMAC key for codes, and the clock (injectable for tests). */
export interface CodeDeps {
  db: Db;
  secret: string;
  now: () => Date;
  /** Defaults to SEND_LIMITS. */
  limits?: SendLimits;
  /** Defaults to EMAIL_CHANNEL. */
  channel?: CodeChannel;
}

export interface CodeRequest {
  tenantId: string;
  sessionId: string;
  /** The mailbox (or, on the phone channel, the E.164 number) the code goes to. */
  address: string;
  purpose: EmailCodePurpose;
  ip: string | null;
}

const channelOf = (deps: CodeDeps): CodeChannel => deps.channel ?? EMAIL_CHANNEL;
/** auth_events keeps a hash of the email for the tenant's view; a phone is not an email. */
const eventEmail = (channel: CodeChannel, address: string): string | null => (channel.address === 'email' ? address : null);

export type IssueOutcome = { issued: true; id: string; code: string; expiresAt: Date } | { issued: false; limit: SendLimitHit };

/**
 * Issues a new code for (tenant, address), replacing any active one, unless a send limit is hit.
 * Runs under a per-(tenant, address) lock on a server so two concurrent sends cannot both be "the"
 * active code (the partial unique index would refuse the second).
 */
export async function issueCode(deps: CodeDeps, req: CodeRequest): Promise<IssueOutcome> {
  const now = deps.now();
  const { table, address } = channelOf(deps);
  const email = eventEmail(channelOf(deps), req.address);
  return deps.db.transaction(async (tx) => {
    await lockMailbox(tx, req.tenantId, req.address);
    const limit = await sendLimitHit(tx, { tenantId: req.tenantId, address: req.address, ip: req.ip, now, channel: channelOf(deps) }, deps.limits);
    if (limit) {
      await recordAuthEvent(tx, { tenantId: req.tenantId, kind: 'otp_send_limited', email, ip: req.ip, at: now });
      return { issued: false, limit };
    }
    await tx.query(`update ${table} set consumed_at = $3 where tenant_id = $1 and ${address} = $2 and consumed_at is null`, [req.tenantId, req.address, now]);
    const code = generateCode();
    const id = newId('otp');
    const expiresAt = new Date(now.getTime() + EMAIL_CODE.ttlSeconds * 1000);
    await tx.query(
      `insert into ${table} (id, tenant_id, ${address}, purpose, code_hash, session_id, expires_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, req.tenantId, req.address, req.purpose, hashCode(deps.secret, req.tenantId, req.address, code), req.sessionId, expiresAt, now],
    );
    // Counted per IP here: the code tables keep no IP.
    await recordAuthEvent(tx, { tenantId: req.tenantId, kind: 'otp_sent', email, ip: req.ip, at: now });
    return { issued: true, id, code, expiresAt };
  });
}

export type CheckOutcome =
  | { ok: true }
  | { ok: false; reason: 'wrong_code'; attemptsLeft: number }
  | { ok: false; reason: 'locked' | 'expired' | 'replayed' | 'no_code' | 'wrong_session' | 'wrong_purpose' };

interface ActiveCode {
  tenant_id: string;
  id: string;
  purpose: string;
  code_hash: string;
  session_id: string | null;
  attempts: number;
  expires_at: Date;
}

/**
 * Checks a code typed by the visitor. Consumes it when right; counts a wrong try and burns the code
 * at the last one. The outcome is returned, not thrown, so the attempt count commits either way.
 */
export async function checkCode(deps: CodeDeps, req: Omit<CodeRequest, 'ip'> & { code: string; ip: string | null }): Promise<CheckOutcome> {
  const now = deps.now();
  const channel = channelOf(deps);
  const presented = hashCode(deps.secret, req.tenantId, req.address, req.code);
  const outcome = await deps.db.transaction(async (tx) => {
    await lockMailbox(tx, req.tenantId, req.address);
    const rows = await tx.query<ActiveCode>(
      `select tenant_id, id, purpose, code_hash, session_id, attempts, expires_at from ${channel.table}
        where tenant_id = $1 and ${channel.address} = $2 and consumed_at is null`,
      [req.tenantId, req.address],
    );
    const active = rows[0];
    if (!active) return (await wasConsumed(tx, channel, req.tenantId, req.address, presented)) ? refusal('replayed') : refusal('no_code');
    return judge(tx, channel, active, { ...req, presented, now });
  });
  if (!outcome.ok) await recordAuthEvent(deps.db, { tenantId: req.tenantId, kind: EVENT_OF[outcome.reason], email: eventEmail(channel, req.address), ip: req.ip, at: now });
  return outcome;
}

const refusal = (reason: Exclude<CheckOutcome, { ok: true } | { reason: 'wrong_code' }>['reason']): CheckOutcome => ({ ok: false, reason });

const EVENT_OF = {
  wrong_code: 'otp_wrong_code',
  locked: 'otp_locked',
  expired: 'otp_expired',
  replayed: 'otp_replayed',
  no_code: 'otp_wrong_code',
  wrong_session: 'otp_wrong_session',
  wrong_purpose: 'otp_wrong_code',
} as const;

async function judge(
  tx: Db,
  channel: CodeChannel,
  active: ActiveCode,
  req: { sessionId: string; purpose: EmailCodePurpose; presented: string; now: Date },
): Promise<CheckOutcome> {
  // Another session cannot use (or burn) this code: it never counts against the asker's attempts.
  if (active.session_id !== req.sessionId) return refusal('wrong_session');
  if (active.expires_at.getTime() <= req.now.getTime()) {
    await consume(tx, channel, active, req.now);
    return refusal('expired');
  }
  if (sameHash(active.code_hash, req.presented)) {
    if (active.purpose !== req.purpose) return refusal('wrong_purpose');
    await consume(tx, channel, active, req.now);
    return { ok: true };
  }
  const attempts = active.attempts + 1;
  const burnt = attempts >= EMAIL_CODE.maxAttempts;
  await tx.query(`update ${channel.table} set attempts = $3, consumed_at = $4 where tenant_id = $1 and id = $2`, [active.tenant_id, active.id, attempts, burnt ? req.now : null]);
  return burnt ? refusal('locked') : { ok: false, reason: 'wrong_code', attemptsLeft: EMAIL_CODE.maxAttempts - attempts };
}

async function consume(tx: Db, channel: CodeChannel, code: ActiveCode, now: Date): Promise<void> {
  await tx.query(`update ${channel.table} set consumed_at = $3 where tenant_id = $1 and id = $2`, [code.tenant_id, code.id, now]);
}

/** True when this exact code was issued (and used, replaced or burnt) for the mailbox or phone. */
async function wasConsumed(tx: Db, channel: CodeChannel, tenantId: string, address: string, presented: string): Promise<boolean> {
  const rows = await tx.query<{ code_hash: string }>(
    `select code_hash from ${channel.table} where tenant_id = $1 and ${channel.address} = $2 and consumed_at is not null
      order by created_at desc limit 20`,
    [tenantId, address],
  );
  return rows.some((r) => sameHash(r.code_hash, presented));
}

async function lockMailbox(tx: Db, tenantId: string, address: string): Promise<void> {
  // PGlite has a single connection: statements already run one at a time.
  if (tx.engine === 'postgres') await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${tenantId}\n${address}`]);
}
