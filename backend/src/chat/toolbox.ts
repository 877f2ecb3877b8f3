import type { Agent } from '../agents/agent.js';
import type { Toolbox } from '../llm/answerer.js';
import type { ToolContext } from '../tools/types.js';
import type { AnsweringSeams } from './seams.js';

/**
 * The agent's tools bound to one conversation. Only the agent's own tools are offered and can
 * run: a call naming any other tool (or forged arguments) comes back as a failed record from
 * runToolCall, never an exception. Undefined when the agent has no tools.
 */
export function toolboxFor(seams: Pick<AnsweringSeams, 'tools'>, agent: Agent, ctx: ToolContext): Toolbox | undefined {
  const definitions = seams.tools.toolsFor(agent);
  if (definitions.length === 0) return undefined;
  return {
    specs: seams.tools.toOpenAITools(definitions),
    run: (call) => seams.tools.runToolCall(definitions, call, ctx),
  };
}
