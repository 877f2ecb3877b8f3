import { ensureDefaultAgent, updateAgent } from '../../agents/repository.js';
import type { Db } from '../../db/db.js';

/**
 * The retrieval switch of the tenant's default agent (agents/): off means knowledge-base search is
 * off for chat, so answers get no passages. It began as a tenant-level setting in `tenants.agent`
 * (jsonb, migration 004); the default agent carries that value over when it is created, and these
 * two functions act on the default agent only (creating it if need be). The old value is read only
 * when a tenant's first default agent is created, and a tenant never loses its default once it has
 * one (agents/repository.ts deleteAgent), so the agent is the one place the switch is kept.
 */
export async function retrievalEnabled(db: Db, tenantId: string): Promise<boolean> {
  return (await ensureDefaultAgent(db, tenantId)).retrieval;
}

/** Sets the default agent's retrieval switch. */
export async function setRetrievalEnabled(db: Db, tenantId: string, enabled: boolean): Promise<void> {
  const agent = await ensureDefaultAgent(db, tenantId);
  if (agent.retrieval !== enabled) await updateAgent(db, tenantId, agent.name, { retrieval: enabled });
}

/**
 * Sets the text-search configuration (e.g. 'english', 'french', 'simple') used for the tenant's
 * chunks indexed from now on and for its questions. Re-ingest existing documents after a change.
 */
export async function setSearchLanguage(db: Db, tenantId: string, language: string): Promise<void> {
  const known = await db.query('select 1 from pg_ts_config where cfgname = $1', [language]);
  if (known.length === 0) throw new Error(`unknown text-search configuration: ${language}`);
  await db.query(`update tenants set agent = agent || jsonb_build_object('language', $2::text) where id = $1`, [tenantId, language]);
}
