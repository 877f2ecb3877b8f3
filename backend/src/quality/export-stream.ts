import type { Db } from '../db/db.js';
import { customersOfSessions, messagesOfSessions, sessionsWithGoodAnswers, type ExportFilter, type ExportMessage } from '../conversations/quality-export.js';
import type { AgentPrompt } from './agent-prompts.js';
import { conversationToExample, knownPeople, systemPromptFor } from './fine-tuning.js';

/** Sessions read per round trip: bounds memory whatever the tenant's size. */
export const EXPORT_PAGE_SESSIONS = 50;

function groupBySession(messages: readonly ExportMessage[]): Map<string, ExportMessage[]> {
  const bySession = new Map<string, ExportMessage[]>();
  for (const m of messages) {
    const list = bySession.get(m.sessionId) ?? [];
    list.push(m);
    bySession.set(m.sessionId, list);
  }
  return bySession;
}

/**
 * The export's JSONL lines, one conversation each, produced page by page (keyset on session id)
 * so a large tenant streams instead of being built in memory. Stops early when the consumer does.
 */
export async function* fineTuningLines(db: Db, filter: ExportFilter, agents: readonly AgentPrompt[], tenantName: string): AsyncGenerator<string> {
  let after = '';
  for (;;) {
    const sessionIds = await sessionsWithGoodAnswers(db, filter, after, EXPORT_PAGE_SESSIONS);
    if (sessionIds.length === 0) return;
    const [messages, customers] = await Promise.all([messagesOfSessions(db, filter, sessionIds), customersOfSessions(db, filter.tenantId, sessionIds)]);
    const bySession = groupBySession(messages);
    for (const sessionId of sessionIds) {
      const conversation = bySession.get(sessionId) ?? [];
      const example = conversationToExample(conversation, systemPromptFor(conversation, agents, tenantName), knownPeople(customers.get(sessionId)));
      if (example) yield `${JSON.stringify(example)}\n`;
    }
    after = sessionIds.at(-1)!;
  }
}
