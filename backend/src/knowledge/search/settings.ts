import type { Db } from '../../db/db.js';

/**
 * The tenant-level retrieval switch, stored in `tenants.agent` (jsonb, migration 004):
 * `{ "retrieval": false }` turns knowledge-base search off for the tenant's chat, so answers get no
 * passages. Missing or non-boolean means on. (Agents are a later issue; this is their first setting.)
 */
export async function retrievalEnabled(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.query<{ on: boolean | null }>(
    `select case when jsonb_typeof(agent -> 'retrieval') = 'boolean' then (agent ->> 'retrieval')::boolean end as on
     from tenants where id = $1`,
    [tenantId],
  );
  return rows[0]?.on ?? true;
}

/** Sets the tenant's retrieval switch (and keeps the other agent settings). */
export async function setRetrievalEnabled(db: Db, tenantId: string, enabled: boolean): Promise<void> {
  await db.query(`update tenants set agent = agent || jsonb_build_object('retrieval', $2::boolean) where id = $1`, [tenantId, enabled]);
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
