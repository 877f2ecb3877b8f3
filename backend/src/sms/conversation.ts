import { insertUserMessage, findSessionMessage } from '../conversations/messages.js';
import type { LiveAnswer } from '../chat/hub.js';
import { ANSWER_FAILED_TEXT } from '../chat/run-answer.js';
import type { ConversationBus } from '../bus/index.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import { openEscalationOfSession } from '../handoff/repository.js';
import type { Logger } from '../logger.js';
import { findById } from '../tenants/repository.js';
import { plainText, smsText } from './format.js';
import type { InboundSms } from './inbound-form.js';
import { keywordReply, smsKeyword, type SmsKeyword } from './keywords.js';
import { findSmsConversationOfSession, setOptedOut, updateInbound, type SmsConversation, type SmsSettings } from './repository.js';
import type { SmsSender } from './sender.js';

/** The answering pipeline as SMS needs it (ChatFeature.answer). */
export type AnswerFn = (scope: { tenantId: string; sessionId: string }, text: string) => Promise<LiveAnswer>;

export interface SmsConversationDeps {
  db: Db;
  log: Logger;
  sender: SmsSender;
  answer: AnswerFn;
  /** The staff inbox hears of messages kept for staff (answered ones go through the chat pipeline, which tells it). */
  bus: ConversationBus;
}

export interface InboundContext {
  settings: SmsSettings;
  conversation: SmsConversation;
  message: InboundSms;
  /** The sms_messages row of this delivery. */
  inboundId: string;
}

/**
 * One incoming SMS, after its delivery was verified and recorded once: a carrier keyword is obeyed;
 * a number that opted out, or a conversation a person has, gets no bot answer (the message is kept
 * for staff); anything else is answered by the same pipeline as the widget and sent back by SMS.
 */
export async function handleInboundSms(deps: SmsConversationDeps, ctx: InboundContext): Promise<void> {
  const { db } = deps;
  const { settings, conversation, message, inboundId } = ctx;
  const scope = { tenantId: settings.tenantId, sessionId: conversation.sessionId };
  const keyword = smsKeyword(message.Body);
  // YES or START from a number that never opted out is an ordinary message ("yes, please").
  if (keyword && (keyword !== 'start' || conversation.optedOut)) return obeyKeyword(deps, ctx, keyword);
  if (!message.Body.trim()) return updateInbound(db, scope.tenantId, inboundId, { status: 'failed', error: 'empty message (media only)' });

  if (conversation.optedOut) {
    const user = await insertUserMessage(db, { ...scope, text: message.Body });
    await touchConversation(deps, scope, 'visitor-message');
    return updateInbound(db, scope.tenantId, inboundId, { status: 'opted_out', messageId: user.id });
  }
  // While a person has the conversation, the bot stays silent: the message is theirs (as in the widget).
  if (await openEscalationOfSession(db, scope.tenantId, scope.sessionId)) {
    const user = await insertUserMessage(db, { ...scope, text: message.Body });
    await touchConversation(deps, scope, 'visitor-message');
    return updateInbound(db, scope.tenantId, inboundId, { status: 'to_staff', messageId: user.id });
  }

  const live = await deps.answer(scope, message.Body);
  await updateInbound(db, scope.tenantId, inboundId, { status: 'answered', messageId: live.userMessageId });
  await live.settled;
  const stored = await findSessionMessage(db, { ...scope, messageId: live.messageId });
  const text = stored?.text.trim() ? smsText(stored.text, stored.sources) : ANSWER_FAILED_TEXT;
  await deps.sender.send(settings, conversation, text, live.messageId);
}

async function obeyKeyword(deps: SmsConversationDeps, ctx: InboundContext, keyword: SmsKeyword): Promise<void> {
  const { settings, conversation } = ctx;
  if (keyword !== 'help') await setOptedOut(deps.db, settings.tenantId, conversation.phone, keyword === 'stop');
  await updateInbound(deps.db, settings.tenantId, ctx.inboundId, { status: keyword });
  // With Twilio's own opt-out handling on (its default), Twilio has replied already.
  if (!settings.keywordReplies) return;
  const brand = (await findById(deps.db, settings.tenantId))?.name ?? 'Support';
  // A number that opted out still gets the STOP confirmation and an answer to HELP, as carriers require.
  await deps.sender.send(settings, conversation, keywordReply(keyword, brand, settings.helpText), null, keyword !== 'start');
}

/** A staff reply posted in the console, sent on to the phone when the conversation is an SMS one. */
export async function relayStaffReply(
  deps: Pick<SmsConversationDeps, 'db' | 'sender'> & { settingsOf: (tenantId: string) => Promise<SmsSettings | undefined> },
  event: { tenantId: string; sessionId: string; messageId: string },
): Promise<void> {
  const conversation = await findSmsConversationOfSession(deps.db, event.tenantId, event.sessionId);
  if (!conversation) return;
  const settings = await deps.settingsOf(event.tenantId);
  const message = await findSessionMessage(deps.db, { tenantId: event.tenantId, sessionId: event.sessionId, messageId: event.messageId });
  if (!settings || !message || message.author !== 'human') return;
  await deps.sender.send(settings, conversation, plainText(message.text), message.id);
}
