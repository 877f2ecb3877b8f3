import { AGENT_LIMITS, AGENT_TOOL_NAMES, DEFAULT_AGENT_NAME, personaDraftSchema, type AgentSettings, type AgentToolName, type PersonaDraft } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { conflict, notFound } from '../http/errors.js';
import { newId } from '../ids.js';
import type { Agent, AgentRecord } from './agent.js';

/**
 * The tenant's agents (table `agents`, migration 006). Every query filters by tenant_id.
 *
 * Default rule: a tenant with agents has exactly one default. The first agent is the default;
 * making another one the default unsets the old one in the same transaction; the default cannot be
 * deleted without naming a successor. Transactions that create agents or move the default first
 * lock the tenant's row, so two concurrent requests cannot both insert or both claim the default
 * (the partial unique index would turn that race into a 500).
 */

export { AGENT_TOOL_NAMES };

/** What a new agent gets for the settings it does not specify. */
export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  persona: '',
  instructions: '',
  model: null,
  temperature: null,
  retrieval: true,
  knowledgeFilter: { tags: [] },
  tools: [...AGENT_TOOL_NAMES],
};

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  is_default: boolean;
  persona: string;
  instructions: string;
  model: string | null;
  temperature: number | null;
  retrieval: boolean;
  knowledge_filter: { tags?: unknown } | null;
  tools: string[];
  persona_draft: unknown;
  created_at: Date;
  updated_at: Date;
}

// temperature is a float4: read it rounded so 0.7 comes back as 0.7, not 0.699999988.
const AGENT_COLUMNS = `id, tenant_id, name, is_default, persona, instructions, model,
  round(temperature::numeric, 4)::float8 as temperature, retrieval, knowledge_filter, tools, persona_draft, created_at, updated_at`;

function toRecord(r: AgentRow): AgentRecord {
  const tags = Array.isArray(r.knowledge_filter?.tags) ? r.knowledge_filter.tags.filter((t): t is string => typeof t === 'string') : [];
  const draft = personaDraftSchema.safeParse(r.persona_draft);
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    isDefault: r.is_default,
    persona: r.persona,
    instructions: r.instructions,
    model: r.model,
    temperature: r.temperature === null ? null : Number(r.temperature),
    retrieval: r.retrieval,
    knowledgeFilter: { tags },
    tools: r.tools,
    personaDraft: draft.success ? draft.data : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The agent without the admin-only fields: what the answering pipeline gets. */
export function toAgent(record: AgentRecord): Agent {
  const { personaDraft: _draft, createdAt: _created, updatedAt: _updated, ...agent } = record;
  return agent;
}

export async function listAgents(db: Db, tenantId: string): Promise<AgentRecord[]> {
  const rows = await db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents where tenant_id = $1 order by is_default desc, name`, [tenantId]);
  return rows.map(toRecord);
}

export async function findAgent(db: Db, tenantId: string, name: string): Promise<AgentRecord | undefined> {
  const rows = await db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents where tenant_id = $1 and name = $2`, [tenantId, name]);
  return rows[0] && toRecord(rows[0]);
}

async function findDefault(db: Db, tenantId: string): Promise<AgentRecord | undefined> {
  const rows = await db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents where tenant_id = $1 and is_default`, [tenantId]);
  return rows[0] && toRecord(rows[0]);
}

/** The agent or a 404 that names it. */
export async function getAgent(db: Db, tenantId: string, name: string): Promise<AgentRecord> {
  const agent = await findAgent(db, tenantId, name);
  if (!agent) throw notFound(`No agent named ${JSON.stringify(name)}`);
  return agent;
}

/** Serialises the agent changes of one tenant until the transaction ends. */
export async function lockTenantAgents(tx: Db, tenantId: string): Promise<void> {
  const rows = await tx.query('select id from tenants where id = $1 for update', [tenantId]);
  if (rows.length === 0) throw notFound(`No tenant ${tenantId}`);
}

/**
 * The agent that answers: the one named, or with no name the tenant's default — created on first
 * use as 'support', carrying over the tenant's old retrieval switch (`tenants.agent.retrieval`).
 * An unknown name is a 404 naming it (the widget asked for an agent that does not exist).
 */
export async function resolveAgent(db: Db, tenantId: string, name?: string): Promise<Agent> {
  if (name !== undefined) {
    const agent = await findAgent(db, tenantId, name);
    if (!agent) throw notFound(`No agent named ${JSON.stringify(name)} for this tenant`);
    return toAgent(agent);
  }
  return toAgent(await ensureDefaultAgent(db, tenantId));
}

/** The tenant's default agent; a tenant without one gets it now (see resolveAgent). */
export async function ensureDefaultAgent(db: Db, tenantId: string): Promise<AgentRecord> {
  const existing = await findDefault(db, tenantId);
  if (existing) return existing;
  return db.transaction(async (tx) => {
    await lockTenantAgents(tx, tenantId);
    const raced = await findDefault(tx, tenantId);
    if (raced) return raced;
    // An agent named 'support' made without being the default (impossible through the API, but
    // possible by hand in SQL) becomes the default rather than a second 'support'.
    const support = await findAgent(tx, tenantId, DEFAULT_AGENT_NAME);
    if (support) return makeDefault(tx, tenantId, support.name);
    const retrieval = await legacyRetrieval(tx, tenantId);
    return insertAgent(tx, tenantId, DEFAULT_AGENT_NAME, { ...DEFAULT_AGENT_SETTINGS, retrieval }, true);
  });
}

/** `tenants.agent.retrieval` (jsonb, migration 004): the switch tenants had before agents. Missing = on. */
async function legacyRetrieval(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.query<{ on: boolean | null }>(
    `select case when jsonb_typeof(agent -> 'retrieval') = 'boolean' then (agent ->> 'retrieval')::boolean end as on
     from tenants where id = $1`,
    [tenantId],
  );
  return rows[0]?.on ?? true;
}

async function insertAgent(tx: Db, tenantId: string, name: string, s: AgentSettings, isDefault: boolean): Promise<AgentRecord> {
  const rows = await tx.query<AgentRow>(
    `insert into agents (id, tenant_id, name, is_default, persona, instructions, model, temperature, retrieval, knowledge_filter, tools)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::text[])
     on conflict (tenant_id, name) do nothing
     returning ${AGENT_COLUMNS}`,
    [newId('agt'), tenantId, name, isDefault, s.persona, s.instructions, s.model, s.temperature, s.retrieval, JSON.stringify(s.knowledgeFilter), s.tools],
  );
  if (!rows[0]) throw conflict(`An agent named ${JSON.stringify(name)} already exists`);
  return toRecord(rows[0]);
}

/** Makes `name` the default and unsets the old one; call inside a transaction holding the tenant lock. */
async function makeDefault(tx: Db, tenantId: string, name: string): Promise<AgentRecord> {
  await tx.query('update agents set is_default = false, updated_at = now() where tenant_id = $1 and is_default and name <> $2', [tenantId, name]);
  const rows = await tx.query<AgentRow>(
    `update agents set is_default = true, updated_at = case when is_default then updated_at else now() end
     where tenant_id = $1 and name = $2 returning ${AGENT_COLUMNS}`,
    [tenantId, name],
  );
  if (!rows[0]) throw notFound(`No agent named ${JSON.stringify(name)}`);
  return toRecord(rows[0]);
}

export interface NewAgent extends Partial<AgentSettings> {
  name: string;
  isDefault?: boolean | undefined;
}

/** Creates an agent (409 when the name is taken or the tenant has the most agents allowed). */
export async function createAgent(db: Db, tenantId: string, input: NewAgent): Promise<AgentRecord> {
  return db.transaction(async (tx) => {
    await lockTenantAgents(tx, tenantId);
    return createLocked(tx, tenantId, input);
  });
}

/** createAgent's work, for a transaction that already holds the tenant lock (import). */
export async function createLocked(tx: Db, tenantId: string, input: NewAgent): Promise<AgentRecord> {
  const [count] = await tx.query<{ n: number }>('select count(*)::int as n from agents where tenant_id = $1', [tenantId]);
  if ((count?.n ?? 0) >= AGENT_LIMITS.maxAgents) throw conflict(`A tenant can have at most ${AGENT_LIMITS.maxAgents} agents`);
  const { name, isDefault, ...settings } = input;
  const hasDefault = (await findDefault(tx, tenantId)) !== undefined;
  const created = await insertAgent(tx, tenantId, name, { ...DEFAULT_AGENT_SETTINGS, ...definedOnly(settings) }, false);
  // The first agent is the default whatever was asked: a tenant with agents always has one.
  return isDefault || !hasDefault ? makeDefault(tx, tenantId, created.name) : created;
}

export interface AgentPatch extends Partial<AgentSettings> {
  isDefault?: boolean | undefined;
}

/** Changes the fields given. `isDefault: false` on the default is a 409: make another agent the default. */
export async function updateAgent(db: Db, tenantId: string, name: string, patch: AgentPatch): Promise<AgentRecord> {
  return db.transaction(async (tx) => {
    await lockTenantAgents(tx, tenantId);
    return updateLocked(tx, tenantId, name, patch);
  });
}

/** updateAgent's work, for a transaction that already holds the tenant lock (import). */
export async function updateLocked(tx: Db, tenantId: string, name: string, patch: AgentPatch): Promise<AgentRecord> {
  const current = await getAgent(tx, tenantId, name);
  const { isDefault, ...settings } = patch;
  if (isDefault === false && current.isDefault) {
    throw conflict(`${name} is the default agent: make another agent the default (isDefault: true) instead of unsetting it`);
  }
  const next: AgentSettings = { ...settingsOf(current), ...definedOnly(settings) };
  const rows = await tx.query<AgentRow>(
    `update agents set persona = $3, instructions = $4, model = $5, temperature = $6, retrieval = $7,
       knowledge_filter = $8::jsonb, tools = $9::text[], updated_at = now()
     where tenant_id = $1 and name = $2 returning ${AGENT_COLUMNS}`,
    [tenantId, name, next.persona, next.instructions, next.model, next.temperature, next.retrieval, JSON.stringify(next.knowledgeFilter), next.tools],
  );
  if (!rows[0]) throw notFound(`No agent named ${JSON.stringify(name)}`);
  return isDefault && !current.isDefault ? makeDefault(tx, tenantId, name) : toRecord(rows[0]);
}

/**
 * Deletes an agent. The default can go only when `newDefault` names the agent that takes over
 * (both in one transaction); otherwise 409. Messages keep the deleted agent's id.
 */
export async function deleteAgent(db: Db, tenantId: string, name: string, newDefault?: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockTenantAgents(tx, tenantId);
    const agent = await getAgent(tx, tenantId, name);
    if (agent.isDefault) {
      if (!newDefault) throw conflict(`${name} is the default agent: pass ?newDefault=<another agent> to delete it, or make another agent the default first`);
      if (newDefault === name) throw conflict(`newDefault must name another agent than ${name}`);
      await getAgent(tx, tenantId, newDefault);
      // Unset first: the partial unique index allows one default at a time.
      await tx.query('update agents set is_default = false where tenant_id = $1 and name = $2', [tenantId, name]);
      await makeDefault(tx, tenantId, newDefault);
    }
    await tx.query('delete from agents where tenant_id = $1 and name = $2', [tenantId, name]);
  });
}

/** Stores a persona draft for review (replacing an earlier one). */
export async function savePersonaDraft(db: Db, tenantId: string, name: string, draft: PersonaDraft): Promise<AgentRecord> {
  const rows = await db.query<AgentRow>(
    `update agents set persona_draft = $3::jsonb, updated_at = now() where tenant_id = $1 and name = $2 returning ${AGENT_COLUMNS}`,
    [tenantId, name, JSON.stringify(draft)],
  );
  if (!rows[0]) throw notFound(`No agent named ${JSON.stringify(name)}`);
  return toRecord(rows[0]);
}

/** Copies the pending draft into the persona and clears it; 409 when there is no draft. */
export async function applyPersonaDraft(db: Db, tenantId: string, name: string): Promise<AgentRecord> {
  const rows = await db.query<AgentRow>(
    `update agents set persona = left(persona_draft ->> 'text', $3), persona_draft = null, updated_at = now()
     where tenant_id = $1 and name = $2 and jsonb_typeof(persona_draft -> 'text') = 'string'
     returning ${AGENT_COLUMNS}`,
    [tenantId, name, AGENT_LIMITS.maxPersonaChars],
  );
  if (rows[0]) return toRecord(rows[0]);
  await getAgent(db, tenantId, name);
  throw conflict(`Agent ${name} has no persona draft to apply: POST its persona-draft first`);
}

export function settingsOf(agent: Agent): AgentSettings {
  return {
    persona: agent.persona,
    instructions: agent.instructions,
    model: agent.model,
    temperature: agent.temperature,
    retrieval: agent.retrieval,
    knowledgeFilter: { tags: [...agent.knowledgeFilter.tags] },
    tools: agent.tools.filter(isToolName),
  };
}

const isToolName = (name: string): name is AgentToolName => (AGENT_TOOL_NAMES as readonly string[]).includes(name);

/** Drops keys whose value is undefined, so spreading a partial never erases a setting. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
