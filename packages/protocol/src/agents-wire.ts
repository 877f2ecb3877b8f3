/**
 * The agents' runtime constants without zod, and the console's Agents page routes: the console
 * imports them through '@prex/protocol/wire' (its bundle carries no schemas; the backend validates).
 */

export const AGENT_LIMITS = {
  maxNameChars: 40,
  maxPersonaChars: 4000,
  maxInstructionsChars: 4000,
  maxModelChars: 100,
  /** Agents a tenant may have (and a YAML document may hold). */
  maxAgents: 50,
  /** Largest YAML/JSON body POST …/import accepts, in bytes. */
  maxImportBytes: 256 * 1024,
} as const;

/** The tools an agent may be given; the tools feature implements them. */
export const AGENT_TOOL_NAMES = ['lookup_customer', 'search_products', 'handoff_to_human'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

/**
 * The console's Agents page (staff session): the admin agent API's operations on the signed-in
 * staff member's tenant. Any role reads (GET) and tries an agent; owners and admins change them.
 */
export const STAFF_AGENT_ROUTES = {
  /** GET: every agent, the default first (the inbox's agent filter reads id and name); POST: create. */
  agents: '/v1/staff/agents',
  /** GET; PATCH (only the fields sent); DELETE ?newDefault=… */
  agent: '/v1/staff/agents/:name',
  /** GET: the YAML document of every agent, as a download. */
  export: '/v1/staff/agents/export',
  /** POST the YAML document (Content-Type: application/yaml) ?dryRun=1: upsert by name; 400 with per-field issues. */
  import: '/v1/staff/agents/import',
  /** GET the pending draft; POST: draft a persona from the team's past replies (kept for review). */
  personaDraft: '/v1/staff/agents/:name/persona-draft',
  /** POST: the pending draft becomes the persona. */
  applyPersonaDraft: '/v1/staff/agents/:name/persona-draft/apply',
  /** POST {question, history?} → SSE: the agent's answer, as the widget would get it, stored nowhere. */
  tryIt: '/v1/staff/agents/:name/try',
} as const;

export const TRY_IT_LIMITS = {
  /** As long as a visitor's message may be. */
  maxQuestionChars: 4000,
  /** Earlier turns of the try-it chat sent along (the console sends the latest ones). */
  maxHistoryTurns: 10,
  maxTurnChars: 4000,
  /** Try-it answers running at once in one workspace: each may be a model call the tenant pays for. */
  maxRunningPerTenant: 3,
} as const;

/** The id prefix of a try-it answer's `start` chunk: it is not a stored message, its id says so. */
export const TRY_IT_ID_PREFIX = 'try_';
