import type { PriorTurn } from '../llm/answerer.js';
import type { MessageSummary } from '../conversations/messages.js';

/** Earlier messages handed to the answerer as context; it keeps those within its token budget. */
const HISTORY_MESSAGES = 40;

/** What a draft replies to, read from the conversation so far. */
export interface DraftTurns {
  /** The visitor's message(s) awaiting a reply, joined in order. */
  question: string;
  /** The last of those messages (the draft's data-prex-meta points at it). */
  lastVisitorMessageId: string;
  /** What was said before them, oldest first: the visitor's messages, the bot's answers and staff replies. */
  history: PriorTurn[];
}

const hasText = (m: MessageSummary) => m.text.trim() !== '' && (m.status === 'complete' || m.status === 'stopped');

/**
 * The question of a draft: the visitor's messages since the last reply (the bot's or staff's).
 * When the last message is already a reply, the draft answers the visitor's latest run of messages
 * again (staff asking for another draft of a reply they are writing); replies after that run are
 * left out, the model would otherwise read them as part of the question's context. Undefined when
 * the visitor has not written anything yet.
 */
export function draftTurns(messages: readonly MessageSummary[]): DraftTurns | undefined {
  const said = messages.filter(hasText);
  const lastVisitor = said.findLastIndex((m) => m.role === 'user');
  if (lastVisitor < 0) return undefined;
  let first = lastVisitor;
  while (first > 0 && said[first - 1]!.role === 'user') first--;
  const run = said.slice(first, lastVisitor + 1);
  return {
    question: run.map((m) => m.text.trim()).join('\n'),
    lastVisitorMessageId: said[lastVisitor]!.id,
    history: said.slice(Math.max(0, first - HISTORY_MESSAGES), first).map((m) => ({ role: m.role, text: m.text })),
  };
}
