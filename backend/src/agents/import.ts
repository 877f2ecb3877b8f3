import { isDeepStrictEqual } from 'node:util';
import { AGENT_LIMITS, agentsDocumentSchema, type AgentDocumentEntry, type AgentSettings, type AgentsDocument, type ImportChange, type ImportResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { badRequest, conflict } from '../http/errors.js';
import type { AgentRecord } from './agent.js';
import { createLocked, listAgents, lockTenantAgents, settingsOf, updateLocked } from './repository.js';

/**
 * Import of an agents document: upsert by name, all or nothing, in one transaction. A setting the
 * document omits keeps its stored value (a new agent's default); agents the document does not list
 * are left alone. A dry run computes the same changes and writes nothing.
 */

/** Validates a parsed document; errors name the agent by index and name, and the field. */
export function validateAgentsDocument(value: unknown): AgentsDocument {
  const result = agentsDocumentSchema.safeParse(value);
  if (result.success) return result.data;
  const entries = isAgentList(value) ? value.agents : [];
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = result.error.issues[0]!;
  const [, index] = first.path;
  const name = typeof index === 'number' ? nameOf(entries[index]) : undefined;
  const where = first.path.length > 0 ? `${first.path.join('.')}${name ? ` (agent ${name})` : ''}: ` : '';
  throw badRequest(`Invalid agents document: ${where}${first.message}`, issues);
}

function isAgentList(value: unknown): value is { agents: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { agents?: unknown }).agents);
}

function nameOf(entry: unknown): string | undefined {
  const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

const SETTING_KEYS = ['persona', 'instructions', 'model', 'temperature', 'retrieval', 'knowledgeFilter', 'tools'] as const satisfies readonly (keyof AgentSettings)[];

function settingsIn(entry: AgentDocumentEntry): Partial<AgentSettings> {
  return Object.fromEntries(SETTING_KEYS.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]]));
}

/** What importing `entry` changes on `current` (undefined: a new agent). */
function changeOf(entry: AgentDocumentEntry, current: AgentRecord | undefined): ImportChange {
  const wanted = settingsIn(entry);
  if (!current) return { name: entry.name, action: 'create', fields: [...Object.keys(wanted), ...(entry.default ? ['default'] : [])] };
  const stored = settingsOf(current);
  const fields: string[] = SETTING_KEYS.filter((key) => key in wanted && !isDeepStrictEqual(wanted[key], stored[key]));
  if (entry.default && !current.isDefault) fields.push('default');
  return { name: entry.name, action: fields.length > 0 ? 'update' : 'unchanged', fields };
}

/** Refuses what the import could not do, before anything is written. */
function checkPlan(doc: AgentsDocument, existing: readonly AgentRecord[]): void {
  const byName = new Map(existing.map((a) => [a.name, a]));
  const newDefault = doc.agents.some((e) => e.default);
  doc.agents.forEach((entry, index) => {
    if (entry.default === false && byName.get(entry.name)?.isDefault && !newDefault) {
      const message = `${entry.name} is the default agent: mark another agent "default: true" to replace it`;
      throw conflict(`Invalid agents document: agents.${index}.default: ${message}`);
    }
  });
  const created = doc.agents.filter((e) => !byName.has(e.name)).length;
  if (existing.length + created > AGENT_LIMITS.maxAgents) {
    throw conflict(`The import would give the tenant ${existing.length + created} agents; at most ${AGENT_LIMITS.maxAgents} are allowed`);
  }
}

export async function importAgents(db: Db, tenantId: string, doc: AgentsDocument, opts: { dryRun: boolean }): Promise<ImportResponse> {
  return db.transaction(async (tx) => {
    await lockTenantAgents(tx, tenantId);
    const existing = await listAgents(tx, tenantId);
    checkPlan(doc, existing);
    const byName = new Map(existing.map((a) => [a.name, a]));
    const changes = doc.agents.map((entry) => changeOf(entry, byName.get(entry.name)));
    if (!opts.dryRun) await applyChanges(tx, tenantId, doc, changes);
    return { dryRun: opts.dryRun, changes };
  });
}

async function applyChanges(tx: Db, tenantId: string, doc: AgentsDocument, changes: readonly ImportChange[]): Promise<void> {
  for (const [index, entry] of doc.agents.entries()) {
    const action = changes[index]!.action;
    if (action === 'create') await createLocked(tx, tenantId, { name: entry.name, ...settingsIn(entry), isDefault: entry.default });
    else if (action === 'update') await updateLocked(tx, tenantId, entry.name, { ...settingsIn(entry), ...(entry.default ? { isDefault: true } : {}) });
  }
}
