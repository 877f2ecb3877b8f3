import type { ChannelMessageResponse } from '@prex/protocol';
import type { ConversationBus } from '../bus/index.js';
import type { LiveAnswer } from '../chat/hub.js';
import { ANSWER_FAILED_TEXT } from '../chat/run-answer.js';
import { findSessionMessage, insertUserMessage } from '../conversations/messages.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import { openEscalationOfSession } from '../handoff/repository.js';
import type { Logger } from '../logger.js';
// The same plain-text rendering as SMS: a gateway may be an SMS gateway or a voice menu.
import { plainText } from '../sms/format.js';

type Scope = { tenantId: string; sessionId: string };

/** The answering pipeline as a channel needs it (ChatFeature.answer). */
export type AnswerFn = (scope: Scope, text: string, agentName?: string) => Promise<LiveAnswer>;

export interface ChannelMessageDeps {
  db: Db;
  log: Logger;
  /** The staff inbox hears of messages kept for staff (answered ones go through the chat pipeline, which tells it). */
  bus: ConversationBus;
  answer: AnswerFn;
}

/**
 * One message from the gateway's user: while a person has the conversation it is kept for staff
 * and the bot stays silent (as in the widget and SMS); otherwise the same pipeline as the widget
 * answers it (classification, retrieval, agent, escalation rules), and the stored answer is returned.
 */
export async function answerChannelMessage(deps: ChannelMessageDeps, scope: Scope, input: { text: string; agent?: string | undefined }): Promise<ChannelMessageResponse> {
  const { db } = deps;
  if (await openEscalationOfSession(db, scope.tenantId, scope.sessionId)) {
    const user = await insertUserMessage(db, { ...scope, text: input.text });
    await touchConversation(deps, scope, 'visitor-message');
    return { conversationId: scope.sessionId, messageId: user.id, handedOver: true, answer: null };
  }
  const live = await deps.answer(scope, input.text, input.agent);
  await live.settled;
  const stored = await findSessionMessage(db, { ...scope, messageId: live.messageId });
  // The answer itself may have handed the conversation over (the user asked for a person).
  const handedOver = (await openEscalationOfSession(db, scope.tenantId, scope.sessionId)) !== undefined;
  const text = stored?.text.trim() ? stored.text : ANSWER_FAILED_TEXT;
  return {
    conversationId: scope.sessionId,
    messageId: live.userMessageId,
    handedOver,
    answer: {
      messageId: live.messageId,
      text,
      plainText: plainText(text),
      citations: (stored?.sources ?? []).map((s) => ({ title: s.title, url: s.url ?? null })),
    },
  };
}
