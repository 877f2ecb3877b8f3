import { randomInt } from 'node:crypto';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/**
 * The SMS notices of handoffs sent to a tenant's managers (sms_manager_notices), and how a manager's
 * reply finds the conversation it answers.
 */

export interface ManagerNotice {
  id: string;
  phone: string;
  sessionId: string;
  escalationId: string;
  code: string;
}

// No 0/O, 1/I/L: a code read on a phone and typed back should survive a tired thumb.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 4;

/** A short code naming one handoff in its notices, e.g. K3F2 (quoted by a manager as "#K3F2"). */
export function newNoticeCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** "#K3F2 the reply" → the code and the reply; any other text has no code. */
export function quotedCode(body: string): { code: string; rest: string } | undefined {
  const match = /^\s*#([A-Za-z0-9]{4})\b[\s:,.-]*([\s\S]*)$/.exec(body);
  return match ? { code: match[1]!.toUpperCase(), rest: match[2]!.trim() } : undefined;
}

export async function insertNotice(db: Db, tenantId: string, notice: Omit<ManagerNotice, 'id'>): Promise<string> {
  const id = newId('smn');
  await db.query(
    `insert into sms_manager_notices (id, tenant_id, phone, session_id, escalation_id, code, status) values ($1, $2, $3, $4, $5, $6, 'sending')`,
    [id, tenantId, notice.phone, notice.sessionId, notice.escalationId, notice.code],
  );
  return id;
}

export async function finishNotice(db: Db, tenantId: string, id: string, result: { status: 'sent' | 'failed'; sids: string[]; error?: string }): Promise<void> {
  await db.query(`update sms_manager_notices set status = $3, outbound_sids = $4, error = $5 where tenant_id = $1 and id = $2`, [
    tenantId,
    id,
    result.status,
    result.sids,
    result.error ?? null,
  ]);
}

/**
 * The notice a manager's SMS answers: the newest one sent to that number with the quoted code, or
 * without a code the newest one sent to that number at all.
 */
export async function noticeAnswered(db: Db, tenantId: string, phone: string, code: string | undefined): Promise<ManagerNotice | undefined> {
  const rows = await db.query<{ id: string; phone: string; session_id: string; escalation_id: string; code: string }>(
    `select id, phone, session_id, escalation_id, code from sms_manager_notices
      where tenant_id = $1 and phone = $2 and ($3::text is null or code = $3) and status = 'sent'
      order by created_at desc, id desc limit 1`,
    [tenantId, phone, code ?? null],
  );
  const row = rows[0];
  return row && { id: row.id, phone: row.phone, sessionId: row.session_id, escalationId: row.escalation_id, code: row.code };
}

/** The notices sent to the managers of a handoff's conversation (tests, the SMS log). */
export async function listNoticesOfSession(db: Db, tenantId: string, sessionId: string): Promise<Array<ManagerNotice & { status: string; outboundSids: string[] }>> {
  const rows = await db.query<{ id: string; phone: string; session_id: string; escalation_id: string; code: string; status: string; outbound_sids: string[] }>(
    `select id, phone, session_id, escalation_id, code, status, outbound_sids from sms_manager_notices where tenant_id = $1 and session_id = $2 order by created_at, id`,
    [tenantId, sessionId],
  );
  return rows.map((r) => ({ id: r.id, phone: r.phone, sessionId: r.session_id, escalationId: r.escalation_id, code: r.code, status: r.status, outboundSids: r.outbound_sids ?? [] }));
}
