import { SMS_LIMITS } from '@prex/protocol';
import { STAFF_REPLY_TOPIC, type ConversationBus } from '../bus/index.js';
import { announceConversationEvent } from '../conversations/announce.js';
import { findSessionMessage } from '../conversations/messages.js';
import { insertStaffReply, latestUserMessageId } from '../conversations/staff-thread.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { consoleConversationLink } from '../staff/links.js';
import { findById } from '../tenants/repository.js';
import type { InboundSms } from './inbound-form.js';
import { smsKeyword } from './keywords.js';
import { finishNotice, insertNotice, newNoticeCode, noticeAnswered, quotedCode } from './notices.js';
import { claimInbound, findSmsSettings, updateInbound, type SmsSettings } from './repository.js';
import { PartialSend, type SmsSender } from './sender.js';

/**
 * Managers on SMS: when a conversation (on any channel) is handed to a person, each of the tenant's
 * manager numbers gets a short notice with the customer's question and the console link; a
 * manager's SMS back is posted in that conversation as a staff reply, the way the console posts one,
 * so the widget or the customer's phone receives it. Managers' numbers never reach the bot.
 */

export interface ManagerDeps {
  db: Db;
  log: Logger;
  bus: ConversationBus;
  sender: SmsSender;
  /** The console's public origin (PREX_PUBLIC_URL); without it the notice carries no link. */
  consoleOrigin: string | undefined;
}

/** How a manager's reply is signed in the conversation when their number has no name in the settings. */
export const MANAGER_STAFF_NAME = 'Manager';

/** The customer's question, on one line and cut short enough for one SMS segment or two. */
export function shortQuestion(text: string, max: number = SMS_LIMITS.managerNoticeQuestionChars): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export function managerNoticeText(notice: { brand: string; question: string | null; link: string | null; code: string }): string {
  return [
    `${notice.brand}: a customer asks for a person (#${notice.code}).`,
    notice.question ? `"${notice.question}"` : null,
    notice.link,
    `Reply to this SMS to answer them; start with #${notice.code} if newer notices came since.`,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
}

/** The escalation's question, else the conversation's last one. */
async function customerQuestion(db: Db, tenantId: string, escalation: { sessionId: string; messageId: string | null }): Promise<string | null> {
  const scope = { tenantId, sessionId: escalation.sessionId };
  const messageId = escalation.messageId ?? (await latestUserMessageId(db, tenantId, escalation.sessionId));
  const message = messageId ? await findSessionMessage(db, { ...scope, messageId }) : undefined;
  return message?.text.trim() ? shortQuestion(message.text) : null;
}

/** A handoff opened: every manager number of the tenant gets the notice (each failure logged, none thrown). */
export async function noticeManagersOfHandoff(
  deps: ManagerDeps,
  tenantId: string,
  escalation: { id: string; sessionId: string; messageId: string | null },
): Promise<void> {
  const settings = await findSmsSettings(deps.db, tenantId);
  if (!settings || settings.managerNumbers.length === 0) return;
  const code = newNoticeCode();
  const text = managerNoticeText({
    brand: (await findById(deps.db, tenantId))?.name ?? 'Support',
    question: await customerQuestion(deps.db, tenantId, escalation),
    link: deps.consoleOrigin ? consoleConversationLink(deps.consoleOrigin, escalation.sessionId) : null,
    code,
  });
  for (const phone of settings.managerNumbers) {
    const id = await insertNotice(deps.db, tenantId, { phone, sessionId: escalation.sessionId, escalationId: escalation.id, code });
    try {
      const sids = await deps.sender.sendTo(settings, phone, text, { noticeId: id });
      await finishNotice(deps.db, tenantId, id, { status: 'sent', sids });
    } catch (error) {
      const { sids, message } = error instanceof PartialSend ? error : new PartialSend([], String(error));
      deps.log.error('sms: could not send a handoff notice to a manager', { tenantId, sessionId: escalation.sessionId, error: message });
      await finishNotice(deps.db, tenantId, id, { status: 'failed', sids, error: message });
    }
  }
}

export type ManagerSmsOutcome = 'posted' | 'repeated' | 'keyword' | { tellManager: string };

/**
 * An SMS from one of the tenant's manager numbers: the reply to a notice ("#K3F2 …" names one, else
 * the newest sent to that number), posted as a staff reply once per MessageSid. A carrier keyword
 * (STOP, HELP…) is never passed on to a customer. What to tell the manager when nothing was posted.
 */
export async function handleManagerSms(deps: ManagerDeps, settings: SmsSettings, message: InboundSms): Promise<ManagerSmsOutcome> {
  const { db } = deps;
  const tenantId = settings.tenantId;
  if (smsKeyword(message.Body)) return 'keyword';
  const quoted = quotedCode(message.Body);
  const notice = await noticeAnswered(db, tenantId, message.From, quoted?.code);
  if (!notice) {
    return { tellManager: quoted ? `No handoff #${quoted.code} was sent to this number: nothing was passed on.` : 'No handoff notice was sent to this number: nothing was passed on.' };
  }
  const text = (quoted ? quoted.rest : message.Body).trim();
  if (!text) return { tellManager: `Your reply to #${notice.code} was empty: nothing was passed on.` };

  const scope = { tenantId, sessionId: notice.sessionId };
  const inboundId = await claimInbound(db, { ...scope, messageSid: message.MessageSid });
  if (!inboundId) return 'repeated';
  const { message: reply, seq } = await insertStaffReply(db, { ...scope, text, staffName: settings.managerNames[message.From] ?? MANAGER_STAFF_NAME });
  await updateInbound(db, tenantId, inboundId, { status: 'from_manager', messageId: reply.id });
  await announceConversationEvent(deps, scope, seq);
  await touchConversation(deps, scope, 'staff-reply');
  // The customer's channel relays it (SMS: relayStaffReply), as for a reply typed in the console.
  await deps.bus.publish(STAFF_REPLY_TOPIC, { kind: 'staff-reply', ...scope, messageId: reply.id }).catch((error: unknown) => {
    deps.log.warn('sms: could not publish a manager reply', { ...scope, error: error instanceof Error ? error.message : String(error) });
  });
  return 'posted';
}
