import { z } from 'zod';
import { documentTagsSchema } from './admin.js';

/**
 * Agents (secret key, `Authorization: Bearer sk_…`): a tenant's assistants — support, sales… —
 * each with its persona, instructions, model settings, retrieval switch, knowledge filter and
 * tool set. The widget picks one by name (`POST /v1/chat {agent}`); without a name the tenant's
 * default agent answers. Settings travel as YAML (`GET …/export`, `POST …/import`).
 */

export const AGENT_ROUTES = {
  agents: '/v1/admin/agents',
  agent: '/v1/admin/agents/:name',
  export: '/v1/admin/agents/export',
  import: '/v1/admin/agents/import',
  personaDraft: '/v1/admin/agents/:name/persona-draft',
  applyPersonaDraft: '/v1/admin/agents/:name/persona-draft/apply',
} as const;

export { AGENT_LIMITS, AGENT_TOOL_NAMES, STAFF_AGENT_ROUTES, TRY_IT_ID_PREFIX, TRY_IT_LIMITS, type AgentToolName } from './agents-wire.js';
import { AGENT_LIMITS, AGENT_TOOL_NAMES, TRY_IT_LIMITS } from './agents-wire.js';

const RESERVED_AGENT_NAMES: readonly string[] = ['export', 'import'];

/** The agent every tenant starts with (created on first use). */
export const DEFAULT_AGENT_NAME = 'support';

export const agentNameSchema = z
  .string()
  .min(1, 'name is empty')
  .max(AGENT_LIMITS.maxNameChars, `name is longer than ${AGENT_LIMITS.maxNameChars} characters`)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'name must be a lower-case slug: a-z, 0-9 and "-", not starting with "-"')
  // Taken by GET /v1/admin/agents/export and POST …/import.
  .refine((name) => !RESERVED_AGENT_NAMES.includes(name), { error: (issue) => `${String(issue.input)} is reserved: choose another name` });

export const agentToolSchema = z.enum(AGENT_TOOL_NAMES, {
  error: (issue) => `unknown tool ${JSON.stringify(issue.input)}: known tools are ${AGENT_TOOL_NAMES.join(', ')}`,
});

/** `{ tags: [] }` (or no tags) searches the whole knowledge base. */
export const knowledgeFilterSchema = z.strictObject({
  tags: documentTagsSchema.default([]),
});
export type KnowledgeFilter = z.infer<typeof knowledgeFilterSchema>;

/** The settings an operator edits; every field optional in requests (see the schemas below). */
export const agentSettingsSchema = z.strictObject({
  /** Tone, vocabulary, sign-offs. */
  persona: z.string().max(AGENT_LIMITS.maxPersonaChars, `persona is longer than ${AGENT_LIMITS.maxPersonaChars} characters`),
  /** The tenant's extra rules for this agent. */
  instructions: z.string().max(AGENT_LIMITS.maxInstructionsChars, `instructions are longer than ${AGENT_LIMITS.maxInstructionsChars} characters`),
  /** Null: the server's configured model. */
  model: z
    .string()
    .trim()
    .min(1, 'model is empty: use null for the default model')
    .max(AGENT_LIMITS.maxModelChars, `model is longer than ${AGENT_LIMITS.maxModelChars} characters`)
    .nullable(),
  /** Null: the provider's default. */
  temperature: z.number('temperature must be a number').min(0, 'temperature must be between 0 and 2').max(2, 'temperature must be between 0 and 2').nullable(),
  retrieval: z.boolean('retrieval must be true or false'),
  knowledgeFilter: knowledgeFilterSchema,
  tools: z
    .array(agentToolSchema)
    .max(AGENT_TOOL_NAMES.length)
    .refine((tools) => new Set(tools).size === tools.length, 'tools lists a tool twice'),
});
export type AgentSettings = z.infer<typeof agentSettingsSchema>;

/** `POST /v1/admin/agents`: omitted settings take their defaults (all tools, retrieval on). */
export const createAgentRequestSchema = agentSettingsSchema.partial().extend({
  name: agentNameSchema,
  /** Makes it the tenant's default (the old default stops being one). The first agent is always the default. */
  isDefault: z.boolean('isDefault must be true or false').optional(),
});
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

/** `PATCH /v1/admin/agents/:name`: only the fields sent change. `isDefault: false` is refused: make another agent the default instead. */
export const patchAgentRequestSchema = agentSettingsSchema.partial().extend({
  isDefault: z.boolean('isDefault must be true or false').optional(),
});
export type PatchAgentRequest = z.infer<typeof patchAgentRequestSchema>;

/** A persona drafted from the tenant's past human replies, kept for review until applied. */
export const personaDraftSchema = z.object({
  text: z.string(),
  /** 'model': written by the configured LLM; 'rules': derived offline from the replies. */
  source: z.enum(['model', 'rules']),
  /** How many human replies the draft was drawn from. */
  basedOnReplies: z.number().int(),
  createdAt: z.string(),
});
export type PersonaDraft = z.infer<typeof personaDraftSchema>;

export const agentResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  persona: z.string(),
  instructions: z.string(),
  model: z.string().nullable(),
  temperature: z.number().nullable(),
  retrieval: z.boolean(),
  knowledgeFilter: z.object({ tags: z.array(z.string()) }),
  tools: z.array(z.string()),
  personaDraft: personaDraftSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgentResponse = z.infer<typeof agentResponseSchema>;

export const agentListResponseSchema = z.object({ agents: z.array(agentResponseSchema) });
export type AgentListResponse = z.infer<typeof agentListResponseSchema>;

/** `DELETE /v1/admin/agents/:name?newDefault=other`: deleting the default needs a successor. */
export const deleteAgentQuerySchema = z.object({ newDefault: agentNameSchema.optional() });

/** One agent in the YAML document: its name, whether it is the default, and its settings. */
export const agentDocumentEntrySchema = agentSettingsSchema.partial().extend({
  name: agentNameSchema,
  default: z.boolean('default must be true or false').optional(),
});
export type AgentDocumentEntry = z.infer<typeof agentDocumentEntrySchema>;

/**
 * The export/import document: `agents:` lists each agent; `default: true` marks the default.
 * Import upserts by name; an omitted setting keeps the agent's current value (a new agent's
 * default). Agents not listed are left as they are.
 */
export const agentsDocumentSchema = z
  .strictObject({
    agents: z
      .array(agentDocumentEntrySchema)
      .min(1, 'agents is empty')
      .max(AGENT_LIMITS.maxAgents, `at most ${AGENT_LIMITS.maxAgents} agents`),
  })
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>();
    doc.agents.forEach((agent, index) => {
      const first = seen.get(agent.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['agents', index, 'name'], message: `${agent.name} is also agents.${first}` });
      else seen.set(agent.name, index);
    });
    const defaults = doc.agents.flatMap((agent, index) => (agent.default ? [index] : []));
    if (defaults.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['agents', defaults[1]!, 'default'], message: `only one agent can be the default (agents.${defaults[0]} already is)` });
    }
  });
export type AgentsDocument = z.infer<typeof agentsDocumentSchema>;

export const importChangeSchema = z.object({
  name: z.string(),
  action: z.enum(['create', 'update', 'unchanged']),
  /** The settings that differ from what is stored (all of them for a new agent). */
  fields: z.array(z.string()),
});
export type ImportChange = z.infer<typeof importChangeSchema>;

/** `POST /v1/admin/agents/import[?dryRun=1]`: what changed (or, in a dry run, would change). */
export const importResponseSchema = z.object({
  dryRun: z.boolean(),
  changes: z.array(importChangeSchema),
});
export type ImportResponse = z.infer<typeof importResponseSchema>;

export const personaDraftResponseSchema = z.object({ draft: personaDraftSchema.nullable() });
export type PersonaDraftResponse = z.infer<typeof personaDraftResponseSchema>;

const tryItTurnSchema = z.strictObject({
  role: z.enum(['user', 'assistant'], { error: 'history role must be user or assistant' }),
  text: z
    .string({ error: 'history text must be a string' })
    .max(TRY_IT_LIMITS.maxTurnChars, `a history turn is longer than ${TRY_IT_LIMITS.maxTurnChars} characters`),
});

/**
 * `POST /v1/staff/agents/:name/try`: a question for the agent, with the try-it chat's earlier turns
 * (oldest first). The answer streams back in the answer stream's format (stream.ts) and is stored
 * nowhere: no conversation, no message, no analytics row.
 */
export const tryItRequestSchema = z.strictObject({
  question: z
    .string({ error: 'question must be a string' })
    .trim()
    .min(1, 'question is empty')
    .max(TRY_IT_LIMITS.maxQuestionChars, `question is longer than ${TRY_IT_LIMITS.maxQuestionChars} characters`),
  history: z
    .array(tryItTurnSchema, { error: 'history must be a list of {role, text}' })
    .max(TRY_IT_LIMITS.maxHistoryTurns, `history holds more than ${TRY_IT_LIMITS.maxHistoryTurns} turns: send the latest ones`)
    .default([]),
});
export type TryItRequest = z.output<typeof tryItRequestSchema>;
