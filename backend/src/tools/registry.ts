import { z } from 'zod';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { Agent } from '../agents/agent.js';
import { handoffToHuman } from './handoff-to-human.js';
import { lookupCustomer } from './lookup-customer.js';
import { searchProducts } from './search-products.js';
import type { ToolDefinition } from './types.js';

export { runToolCall, toolResultContent, MAX_RESULT_CHARS, type ToolCallRequest, type ToolCallRun } from './run.js';

/** Every tool Prex offers; an agent's `tools` picks among these names. */
export const ALL_TOOLS: readonly ToolDefinition[] = [lookupCustomer, searchProducts, handoffToHuman];

/** The tools an agent may call, in registry order; names it lists that do not exist are ignored. */
export function toolsFor(agent: Pick<Agent, 'tools'>): ToolDefinition[] {
  const allowed = new Set(agent.tools);
  return ALL_TOOLS.filter((t) => allowed.has(t.name));
}

/** The `tools` array of a chat completion request (function tools, parameters as JSON Schema). */
export function toOpenAITools(defs: readonly ToolDefinition[]): ChatCompletionFunctionTool[] {
  return defs.map((def) => ({
    type: 'function',
    function: {
      name: def.name,
      description: def.description,
      parameters: parametersSchema(def),
    },
  }));
}

/**
 * The JSON Schema of what the model must send ('input': a field with a default is optional).
 * `$schema` is dropped: providers' tool schemas are a dialect of their own and some reject it.
 */
function parametersSchema(def: ToolDefinition): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(def.parameters, { io: 'input', target: 'draft-7' });
  return schema;
}
