import type { ChatMessage } from './chat.js';

/**
 * One event of GET /v1/conversations/current/events (SSE; the widget's live view of the
 * conversation besides its own answers). Events that change what the conversation holds carry an
 * SSE id: ids grow per conversation and never go backwards, so `Last-Event-ID` (or `?after=`)
 * resumes after the last one received, losing nothing. `staff-typing` is ephemeral: no id, and not
 * replayed. None of these types is a chunk type of the answer stream, so one reader serves both.
 */
export type ConversationStreamEvent =
  /** A staff member replied; the full message (author 'human', authorName when given). */
  | { type: 'staff-message'; message: ChatMessage }
  /** A person took the conversation (open) or gave it back to the bot (resolved). */
  | { type: 'handoff'; status: 'open' | 'resolved'; escalationId: string }
  /** A staff member is writing a reply (repeated while they write; shown for a few seconds). */
  | { type: 'staff-typing'; name?: string };
