import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { createSession } from '../conversations/sessions.js';

/**
 * With notices.ts and deliveries.ts, the only code touching the sms_* tables. Every query filters by
 * tenant.
 */

export interface SmsSettings {
  tenantId: string;
  accountSid: string;
  /** As stored: sealed, an env reference or as given (token-box.ts opens it); never in a response or a log line. */
  authToken: string;
  phoneNumber: string;
  keywordReplies: boolean;
  helpText: string | null;
  /** E.164 numbers told of each handoff; never customers' numbers of this tenant. */
  managerNumbers: string[];
  /** Names of manager numbers (a subset of managerNumbers); a reply from a number without one is signed "Manager". */
  managerNames: Record<string, string>;
  updatedAt: Date;
}

interface SettingsRow {
  tenant_id: string;
  account_sid: string;
  auth_token: string;
  phone_number: string;
  keyword_replies: boolean;
  help_text: string | null;
  manager_numbers: string[] | null;
  manager_names: Record<string, string> | null;
  updated_at: Date;
}

const SETTINGS_COLUMNS = 'tenant_id, account_sid, auth_token, phone_number, keyword_replies, help_text, manager_numbers, manager_names, updated_at';

function toSettings(row: SettingsRow): SmsSettings {
  return {
    tenantId: row.tenant_id,
    accountSid: row.account_sid,
    authToken: row.auth_token,
    phoneNumber: row.phone_number,
    keywordReplies: row.keyword_replies,
    helpText: row.help_text,
    managerNumbers: row.manager_numbers ?? [],
    managerNames: row.manager_names ?? {},
    updatedAt: new Date(row.updated_at),
  };
}

export async function findSmsSettings(db: Db, tenantId: string): Promise<SmsSettings | undefined> {
  const rows = await db.query<SettingsRow>(`select ${SETTINGS_COLUMNS} from sms_settings where tenant_id = $1`, [tenantId]);
  return rows[0] && toSettings(rows[0]);
}

export type SettingsWrite = Omit<SmsSettings, 'tenantId' | 'authToken' | 'updatedAt' | 'managerNumbers' | 'managerNames'> & {
  authToken: string | undefined;
  /** Undefined keeps the stored ones. */
  managerNumbers?: string[] | undefined;
  /** Undefined keeps the stored names of the numbers that stay. */
  managerNames?: Record<string, string> | undefined;
};

/** Why settings were not saved: a missing token, another tenant's number, or customers' and managers' numbers mixed. */
export type SettingsRefusal = 'token-required' | 'number-taken' | { managerIs: 'the-sms-number' | 'a-customer'; phone: string };

/**
 * Creates or replaces the tenant's settings; an undefined token (or manager list) keeps the stored
 * one. Refused when there is no token to keep, another tenant has the number, or a manager number
 * is the SMS number itself or a number that texts this tenant as a customer.
 */
export async function saveSmsSettings(db: Db, tenantId: string, input: SettingsWrite): Promise<SmsSettings | SettingsRefusal> {
  const owner = await db.query<{ tenant_id: string }>('select tenant_id from sms_settings where phone_number = $1', [input.phoneNumber]);
  if (owner[0] && owner[0].tenant_id !== tenantId) return 'number-taken';
  if (input.managerNumbers?.includes(input.phoneNumber)) return { managerIs: 'the-sms-number', phone: input.phoneNumber };
  if (input.managerNumbers?.length) {
    const customers = await db.query<{ phone: string }>('select phone from sms_conversations where tenant_id = $1 and phone = any($2::text[]) order by phone limit 1', [
      tenantId,
      input.managerNumbers,
    ]);
    if (customers[0]) return { managerIs: 'a-customer', phone: customers[0].phone };
  }
  const managerNames = input.managerNames ?? (await namesThatStay(db, tenantId, input.managerNumbers));
  const rows = await db.query<SettingsRow>(
    `insert into sms_settings as s (tenant_id, account_sid, auth_token, phone_number, keyword_replies, help_text, manager_numbers, manager_names)
     select $1, $2, coalesce($3, (select auth_token from sms_settings where tenant_id = $1)), $4, $5, $6,
            coalesce($7::text[], (select manager_numbers from sms_settings where tenant_id = $1), '{}'), $8::jsonb
      where $3 is not null or exists (select 1 from sms_settings where tenant_id = $1)
     on conflict (tenant_id) do update
        set account_sid = excluded.account_sid, auth_token = excluded.auth_token, phone_number = excluded.phone_number,
            keyword_replies = excluded.keyword_replies, help_text = excluded.help_text, manager_numbers = excluded.manager_numbers,
            manager_names = excluded.manager_names, updated_at = now()
     returning ${SETTINGS_COLUMNS}`,
    [tenantId, input.accountSid, input.authToken ?? null, input.phoneNumber, input.keywordReplies, input.helpText, input.managerNumbers ?? null, JSON.stringify(managerNames)],
  );
  return rows[0] ? toSettings(rows[0]) : 'token-required';
}

/** The stored managers' names of the numbers kept (`numbers` undefined: the stored numbers all stay). */
async function namesThatStay(db: Db, tenantId: string, numbers: string[] | undefined): Promise<Record<string, string>> {
  const stored = await findSmsSettings(db, tenantId);
  if (!stored) return {};
  const kept = numbers ?? stored.managerNumbers;
  return Object.fromEntries(Object.entries(stored.managerNames).filter(([phone]) => kept.includes(phone)));
}

export async function deleteSmsSettings(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.query<{ tenant_id: string }>('delete from sms_settings where tenant_id = $1 returning tenant_id', [tenantId]);
  return rows.length > 0;
}

export interface SmsConversation {
  tenantId: string;
  phone: string;
  sessionId: string;
  optedOut: boolean;
}

interface ConversationRow {
  tenant_id: string;
  phone: string;
  session_id: string;
  opted_out_at: Date | null;
}

const toConversation = (row: ConversationRow): SmsConversation => ({
  tenantId: row.tenant_id,
  phone: row.phone,
  sessionId: row.session_id,
  optedOut: row.opted_out_at !== null,
});

/** The phone number's conversation with the tenant, created (with its session) on the first message. */
export async function findOrCreateSmsConversation(db: Db, tenantId: string, phone: string): Promise<SmsConversation> {
  const select = 'select tenant_id, phone, session_id, opted_out_at from sms_conversations where tenant_id = $1 and phone = $2';
  const found = await db.query<ConversationRow>(select, [tenantId, phone]);
  if (found[0]) return toConversation(found[0]);
  return db.transaction(async (tx) => {
    const session = await createSession(tx, tenantId);
    const inserted = await tx.query<ConversationRow>(
      `insert into sms_conversations (tenant_id, phone, session_id) values ($1, $2, $3)
       on conflict (tenant_id, phone) do nothing
       returning tenant_id, phone, session_id, opted_out_at`,
      [tenantId, phone, session.id],
    );
    if (inserted[0]) return toConversation(inserted[0]);
    // A concurrent first message created it: use theirs (this transaction's session is rolled back).
    const raced = await tx.query<ConversationRow>(select, [tenantId, phone]);
    throw new ConversationRaced(toConversation(raced[0]!));
  }).catch((error: unknown) => {
    if (error instanceof ConversationRaced) return error.conversation;
    throw error;
  });
}

class ConversationRaced extends Error {
  constructor(readonly conversation: SmsConversation) {
    super('sms conversation created concurrently');
  }
}

/** The phone number's conversation with the tenant, if it ever texted (none is created). */
export async function findSmsConversationOfPhone(db: Db, tenantId: string, phone: string): Promise<SmsConversation | undefined> {
  const rows = await db.query<ConversationRow>(
    'select tenant_id, phone, session_id, opted_out_at from sms_conversations where tenant_id = $1 and phone = $2',
    [tenantId, phone],
  );
  return rows[0] && toConversation(rows[0]);
}

export async function findSmsConversationOfSession(db: Db, tenantId: string, sessionId: string): Promise<SmsConversation | undefined> {
  const rows = await db.query<ConversationRow>(
    'select tenant_id, phone, session_id, opted_out_at from sms_conversations where tenant_id = $1 and session_id = $2',
    [tenantId, sessionId],
  );
  return rows[0] && toConversation(rows[0]);
}

/** STOP sets it, START clears it. */
export async function setOptedOut(db: Db, tenantId: string, phone: string, optedOut: boolean): Promise<void> {
  await db.query(`update sms_conversations set opted_out_at = case when $3 then coalesce(opted_out_at, now()) else null end where tenant_id = $1 and phone = $2`, [
    tenantId,
    phone,
    optedOut,
  ]);
}

export type InboundStatus = 'received' | 'stop' | 'start' | 'help' | 'opted_out' | 'to_staff' | 'answered' | 'from_manager' | 'failed';
export type OutboundStatus = 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * Records a webhook's message under its MessageSid; undefined when that sid was already recorded
 * (Twilio retried the delivery), so the caller answers it once.
 */
export async function claimInbound(db: Db, scope: { tenantId: string; sessionId: string; messageSid: string }): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `insert into sms_messages (id, tenant_id, session_id, direction, inbound_sid, status)
     values ($1, $2, $3, 'inbound', $4, 'received')
     on conflict (tenant_id, inbound_sid) where direction = 'inbound' do nothing
     returning id`,
    [newId('sms'), scope.tenantId, scope.sessionId, scope.messageSid],
  );
  return rows[0]?.id;
}

export async function updateInbound(db: Db, tenantId: string, id: string, update: { status: InboundStatus; messageId?: string; error?: string }): Promise<void> {
  await db.query(
    `update sms_messages set status = $3, message_id = coalesce($4, message_id), error = $5, updated_at = now() where tenant_id = $1 and id = $2`,
    [tenantId, id, update.status, update.messageId ?? null, update.error ?? null],
  );
}

/**
 * Claims the sending of a Prex message (an answer, a staff reply, a keyword reply): undefined when it
 * was claimed already, by this instance or another that heard of it too.
 */
export async function claimOutbound(db: Db, scope: { tenantId: string; sessionId: string; messageId: string | null }): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `insert into sms_messages (id, tenant_id, session_id, direction, message_id, status)
     values ($1, $2, $3, 'outbound', $4, 'sending')
     on conflict (tenant_id, message_id) where direction = 'outbound' do nothing
     returning id`,
    [newId('sms'), scope.tenantId, scope.sessionId, scope.messageId],
  );
  return rows[0]?.id;
}

export async function finishOutbound(db: Db, tenantId: string, id: string, result: { status: OutboundStatus; sids: string[]; error?: string }): Promise<void> {
  await db.query(`update sms_messages set status = $3, outbound_sids = $4, error = $5, updated_at = now() where tenant_id = $1 and id = $2`, [
    tenantId,
    id,
    result.status,
    result.sids,
    result.error ?? null,
  ]);
}

export interface SmsLogEntry {
  direction: 'inbound' | 'outbound';
  inboundSid: string | null;
  outboundSids: string[];
  messageId: string | null;
  status: string;
  error: string | null;
  /** Outbound: Twilio's delivery status of each part, as its status callbacks reported it. */
  deliveries: Array<{ sid: string; status: string; errorCode: number | null }>;
}

/** The session's SMS log, oldest first (the console's channel view and tests). */
export async function listSmsLog(db: Db, tenantId: string, sessionId: string): Promise<SmsLogEntry[]> {
  const rows = await db.query<{
    direction: 'inbound' | 'outbound';
    inbound_sid: string | null;
    outbound_sids: string[];
    message_id: string | null;
    status: string;
    error: string | null;
    deliveries: Array<{ sid: string; status: string; error_code: number | null }> | string | null;
  }>(
    `select m.direction, m.inbound_sid, m.outbound_sids, m.message_id, m.status, m.error,
            (select json_agg(json_build_object('sid', d.message_sid, 'status', d.status, 'error_code', d.error_code))
               from sms_deliveries d where d.tenant_id = m.tenant_id and d.sms_message_id = m.id) as deliveries
       from sms_messages m where m.tenant_id = $1 and m.session_id = $2 order by m.created_at, m.id`,
    [tenantId, sessionId],
  );
  return rows.map((r) => {
    const deliveries = (typeof r.deliveries === 'string' ? JSON.parse(r.deliveries) : r.deliveries) as Array<{ sid: string; status: string; error_code: number | null }> | null;
    // In the order the parts were sent.
    const order = r.outbound_sids ?? [];
    return {
      direction: r.direction,
      inboundSid: r.inbound_sid,
      outboundSids: order,
      messageId: r.message_id,
      status: r.status,
      error: r.error,
      deliveries: (deliveries ?? [])
        .map((d) => ({ sid: d.sid, status: d.status, errorCode: d.error_code }))
        .sort((a, b) => order.indexOf(a.sid) - order.indexOf(b.sid)),
    };
  });
}
