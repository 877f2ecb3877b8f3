import { listSessionMessages, type MessageSummary } from '../conversations/messages.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, notFound } from '../http/errors.js';

/** A staff reply kept as a solution: its text, and what the visitor asked just before it (if anything). */
export interface ReplyAsSolution {
  answer: string;
  question: string | undefined;
}

/**
 * The question a reply answered: the visitor's messages right before it, back to the previous
 * reply (the bot's or staff's), joined in order. Undefined when no visitor message precedes it.
 */
export function questionBefore(messages: readonly MessageSummary[], replyIndex: number): string | undefined {
  const asked: string[] = [];
  for (let i = replyIndex - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'assistant') {
      if (asked.length > 0 && m.text.trim() !== '') break;
      continue;
    }
    if (m.text.trim() !== '') asked.unshift(m.text.trim());
  }
  return asked.length > 0 ? asked.join('\n') : undefined;
}

/**
 * Reads a staff reply of the tenant's conversation to save as a solution. 404 when the message is
 * not in that conversation (another tenant's looks the same as none); 400 when it is the visitor's
 * message or the bot's answer (only what staff wrote becomes a solution: the bot's answers already
 * come from the knowledge base).
 */
export async function replyAsSolution(db: Db, scope: { tenantId: string; sessionId: string; messageId: string }): Promise<ReplyAsSolution> {
  const messages = await listSessionMessages(db, scope);
  const index = messages.findIndex((m) => m.id === scope.messageId);
  if (index < 0) throw notFound(`No message ${scope.messageId} in conversation ${scope.sessionId}`);
  const reply = messages[index]!;
  if (reply.role !== 'assistant' || reply.author !== 'human') {
    throw badRequest(`Message ${scope.messageId} is ${reply.role === 'user' ? 'the visitor’s' : 'the bot’s'}: only a staff reply can be saved as a solution`);
  }
  if (reply.status !== 'complete' || reply.text.trim() === '') throw conflict(`Reply ${scope.messageId} has no finished text to save`);
  return { answer: reply.text.trim(), question: questionBefore(messages, index) };
}
