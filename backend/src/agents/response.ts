import type { AgentResponse } from '@prex/protocol';
import type { AgentRecord } from './agent.js';

/** An agent as the admin API and the console's Agents page send it. */
export function toAgentResponse(agent: AgentRecord): AgentResponse {
  return {
    id: agent.id,
    name: agent.name,
    isDefault: agent.isDefault,
    persona: agent.persona,
    instructions: agent.instructions,
    model: agent.model,
    temperature: agent.temperature,
    retrieval: agent.retrieval,
    knowledgeFilter: agent.knowledgeFilter,
    tools: agent.tools,
    personaDraft: agent.personaDraft,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}
