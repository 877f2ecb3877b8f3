import type { MessageSummary } from '../../src/conversations/messages.js';

let n = 0;

/**
 * A stored message as conversations/ reads it, for unit tests of what is computed from a thread:
 * a bot's by default (author 'human' for staff), each one a second after the one before.
 */
export function messageSummary(role: 'user' | 'assistant', text: string, more: Partial<MessageSummary> = {}): MessageSummary {
  n++;
  const author = more.author ?? 'bot';
  return {
    id: `msg_${n}`,
    tenantId: 'ten_1',
    sessionId: 'ses_1',
    role,
    text,
    status: 'complete',
    sources: [],
    answerer: role === 'assistant' && author === 'bot' ? 'extractive' : null,
    author,
    authorName: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    finishedAt: null,
    feedback: null,
    attachments: [],
    ...more,
  };
}
