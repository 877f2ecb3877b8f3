/** Agents: a tenant's assistants and how the answering pipeline picks one (docs/agents.md). */
export type { Agent, AgentRecord } from './agent.js';
export { AGENT_TOOL_NAMES, resolveAgent, ensureDefaultAgent, findAgent, listAgents } from './repository.js';
export { createAgentsFeature, type AgentsFeatureDeps } from './routes.js';
