import type { SmsDeliveryStatus } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * Twilio's delivery status of each message Prex sent (sms_deliveries): a row is made when Twilio
 * accepts a message, and moved forward by its status callbacks. Callbacks come more than once and
 * out of order, so a status only ever advances: a final one (delivered, undelivered, failed,
 * canceled) is never replaced by an earlier stage, nor by another final one (read, WhatsApp's last
 * stage, excepted).
 */

const STAGE: Record<SmsDeliveryStatus, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  receiving: 4,
  received: 4,
  delivered: 10,
  undelivered: 10,
  failed: 10,
  canceled: 10,
  read: 11,
};

/** The stage of the stored status, in SQL (an unknown one counts as the earliest). */
const STORED_STAGE = `case status ${Object.entries(STAGE)
  .map(([status, stage]) => `when '${status}' then ${stage}`)
  .join(' ')} else 0 end`;

/** What a delivery belongs to: an outbound conversation message, a manager notice, or a verification code. */
export type DeliveryOwner = { smsMessageId: string } | { noticeId: string } | { phoneCodeId: string };

/** The sms_deliveries column that names the owner, and its id (fixed column names: safe in SQL text). */
function ownerColumn(owner: DeliveryOwner): ['sms_message_id' | 'notice_id' | 'phone_code_id', string] {
  if ('smsMessageId' in owner) return ['sms_message_id', owner.smsMessageId];
  if ('noticeId' in owner) return ['notice_id', owner.noticeId];
  return ['phone_code_id', owner.phoneCodeId];
}

/** Twilio accepted a message (its create call answered `status`, usually queued). */
export async function recordDelivery(db: Db, tenantId: string, owner: DeliveryOwner, sid: string, status: string): Promise<void> {
  const [column, id] = ownerColumn(owner);
  await db.query(
    `insert into sms_deliveries (tenant_id, message_sid, ${column}, status) values ($1, $2, $3, $4)
     on conflict (tenant_id, message_sid) do nothing`,
    [tenantId, sid, id, status],
  );
}

export type CallbackOutcome = 'updated' | 'not-newer' | 'unknown';

/** A status callback: the message's status moves forward, or nothing changes. */
export async function applyDeliveryStatus(db: Db, tenantId: string, update: { sid: string; status: SmsDeliveryStatus; errorCode: number | null }): Promise<CallbackOutcome> {
  const updated = await db.query(
    `update sms_deliveries set status = $3, error_code = coalesce($4, error_code), updated_at = now()
      where tenant_id = $1 and message_sid = $2 and ${STORED_STAGE} < $5
      returning message_sid`,
    [tenantId, update.sid, update.status, update.errorCode, STAGE[update.status]],
  );
  if (updated.length > 0) return 'updated';
  const known = await db.query('select 1 from sms_deliveries where tenant_id = $1 and message_sid = $2', [tenantId, update.sid]);
  return known.length > 0 ? 'not-newer' : 'unknown';
}
