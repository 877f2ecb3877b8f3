import type { FineTuningLine, FineTuningMessage } from '@prex/protocol';
import type { ExportMessage } from '../conversations/quality-export.js';
import type { AgentPrompt } from './agent-prompts.js';
import { redactPii, type KnownPeople } from '../privacy/redact.js';

/**
 * One conversation as an OpenAI chat fine-tuning example: a system message, then the user and
 * assistant turns up to and including the last good answer. Good answers carry `weight: 1`, the
 * other answers `weight: 0` (context the model sees but does not learn to imitate). An answer
 * that failed or was stopped is left out together with the question it did not answer, so the
 * turns still alternate the way the conversation really went.
 */
export function conversationToExample(messages: readonly ExportMessage[], system: string, people: KnownPeople): FineTuningLine | null {
  const turns: FineTuningMessage[] = [];
  let unanswered: FineTuningMessage[] = [];
  let lastGood = -1;
  for (const message of messages) {
    const content = redactPii(message.text.trim(), people);
    if (message.role === 'user') {
      if (content) unanswered.push({ role: 'user', content });
      continue;
    }
    if (message.status !== 'complete' || !content) {
      unanswered = [];
      continue;
    }
    turns.push(...unanswered, { role: 'assistant', content, weight: message.good ? 1 : 0 });
    unanswered = [];
    if (message.good) lastGood = turns.length - 1;
  }
  if (lastGood < 0) return null;
  return { messages: [{ role: 'system', content: system }, ...turns.slice(0, lastGood + 1)] };
}

/** What the model was told to be: the persona and instructions of the agent that wrote the good answer. */
export function systemPromptFor(messages: readonly ExportMessage[], agents: readonly AgentPrompt[], tenantName: string): string {
  const lastGood = messages.filter((m) => m.good).at(-1);
  const agent = agents.find((a) => a.id === lastGood?.agentId) ?? agents.find((a) => a.isDefault);
  const prompt = [agent?.persona.trim(), agent?.instructions.trim()].filter(Boolean).join('\n\n');
  return prompt || `You are ${tenantName}'s customer support assistant. Answer the customer's questions helpfully and accurately.`;
}

/** The customer's name and email, when the session is linked to one. */
export function knownPeople(customer: { name: string | null; email: string | null } | undefined): KnownPeople {
  return { names: customer?.name ? [customer.name] : [], emails: customer?.email ? [customer.email] : [] };
}
