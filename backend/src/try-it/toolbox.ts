import type { Agent } from '../agents/agent.js';
import type { Toolbox } from '../llm/answerer.js';
import { runToolCall, toOpenAITools, toolsFor } from '../tools/registry.js';
import type { ToolContext, ToolDefinition } from '../tools/types.js';

/** What a tool that changes something tells the model in the try-it chat, instead of acting. */
export const SIMULATED_NOTE = 'Try-it chat: nothing was done. In a real conversation the customer would now be asked to confirm.';

/**
 * The agent's tools for a try-it answer. Read tools run as they would for an anonymous visitor
 * (lookup_customer says the visitor is anonymous; search_products searches the catalogue). Tools
 * that change something (handoff_to_human) are offered to the model as usual but only simulated:
 * the try-it chat has no conversation to hand over and must not page the team.
 */
export function tryItToolbox(agent: Agent, ctx: ToolContext): Toolbox | undefined {
  const definitions = toolsFor(agent).map(simulateWrites);
  if (definitions.length === 0) return undefined;
  return { specs: toOpenAITools(definitions), run: (call) => runToolCall(definitions, call, ctx) };
}

function simulateWrites(def: ToolDefinition): ToolDefinition {
  if (def.effect === 'read') return def;
  return { ...def, run: async () => ({ status: 'done', result: { simulated: true, note: SIMULATED_NOTE } }) };
}
