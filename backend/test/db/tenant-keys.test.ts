import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openMemoryDb } from '../helpers/db.js';

/**
 * Tenants are the unit of sharding (docs/deploy-instances.md, "Beyond one database"): a table is
 * distributed by tenant_id only if every primary key and unique constraint holds tenant_id, and a
 * foreign key between two tenant tables joins on tenant_id too (Citus checks both, and so would a
 * tenant directory moving a tenant's rows). This reads the catalog of the migrated schema:
 * - every table either has a tenant_id column or is a global table, allow-listed with its reason;
 * - no key leaves tenant_id out, except those listed in NOT_YET_SHARDABLE with what a migration
 *   must change before the schema is distributed. A new table cannot join that list silently, and
 *   an entry that is fixed must leave it.
 */

/** Tables without tenant_id, and why each is global (a reference table, or per database). */
const GLOBAL_TABLES: Record<string, string> = {
  tenants: 'the tenant directory itself: a reference table (copied to every node)',
  rate_limit_windows: 'counts per client address, before any tenant is known; per database (each shard limits alone)',
  schema_migrations: 'the migration runner bookkeeping, per database',
  server_secrets: 'the session secret every instance signs with; a reference table',
};

const ID_ONLY = 'primary key on a random id alone: becomes (tenant_id, id) before distributing';
const LOOKED_UP_BEFORE_TENANT = 'looked up before the tenant is known (a credential or a phone number): moves to the tenant directory';
const JOINED_WITHOUT_TENANT = 'foreign key without tenant_id: becomes (tenant_id, …) → (tenant_id, id)';

/** Keys that leave tenant_id out today, with what the sharding migration changes. */
const NOT_YET_SHARDABLE: Record<string, string> = {
  'agents.agents_pkey (id)': ID_ONLY,
  'auth_events.auth_events_pkey (id)': 'primary key on a bigint identity alone: becomes (tenant_id, id); a moved tenant gets new ids',
  'chunks.chunks_pkey (id)': ID_ONLY,
  'chunks.chunks_document_id_ordinal_key (document_id,ordinal)': 'unique per document: gains tenant_id',
  'customers.customers_pkey (id)': ID_ONLY,
  'document_versions.document_versions_pkey (document_id,version)': 'unique per document: gains tenant_id',
  'documents.documents_pkey (id)': ID_ONLY,
  'email_codes.email_codes_pkey (id)': ID_ONLY,
  'email_events.email_events_pkey (id)': ID_ONLY,
  'escalations.escalations_pkey (id)': ID_ONLY,
  'ingestion_job_items.ingestion_job_items_pkey (id)': ID_ONLY,
  'ingestion_job_items.ingestion_job_items_job_id_ordinal_key (job_id,ordinal)': 'unique per job: gains tenant_id',
  'ingestion_jobs.ingestion_jobs_pkey (id)': ID_ONLY,
  'llm_calls.llm_calls_pkey (id)': ID_ONLY,
  'messages.messages_pkey (id)': ID_ONLY,
  'products.products_pkey (id)': ID_ONLY,
  'secret_keys.secret_keys_pkey (id)': ID_ONLY,
  'secret_keys.secret_keys_key_hash_key (key_hash)': LOOKED_UP_BEFORE_TENANT,
  'sessions.sessions_pkey (id)': ID_ONLY,
  'sms_conversations.sms_conversations_session_id_key (session_id)': 'one SMS thread per session: gains tenant_id',
  'sms_conversations.sms_conversations_session_id_fkey (session_id)': JOINED_WITHOUT_TENANT,
  'sms_messages.sms_messages_pkey (id)': ID_ONLY,
  'sms_messages.sms_messages_outbound_message_idx (message_id)': 'one SMS per outbound message: gains tenant_id',
  'sms_messages.sms_messages_session_id_fkey (session_id)': JOINED_WITHOUT_TENANT,
  'sms_settings.sms_settings_phone_number_key (phone_number)': LOOKED_UP_BEFORE_TENANT,
  'staff_accounts.staff_accounts_pkey (id)': ID_ONLY,
  'staff_invites.staff_invites_pkey (id)': ID_ONLY,
  'staff_invites.staff_invites_token_hash_key (token_hash)': LOOKED_UP_BEFORE_TENANT,
  'staff_password_resets.staff_password_resets_token_hash_key (token_hash)': LOOKED_UP_BEFORE_TENANT,
  'staff_invites.staff_invites_invited_by_fkey (invited_by)': JOINED_WITHOUT_TENANT,
  'staff_sessions.staff_sessions_pkey (id)': ID_ONLY,
  'staff_sessions.staff_sessions_token_hash_key (token_hash)': LOOKED_UP_BEFORE_TENANT,
  'staff_sessions.staff_sessions_staff_id_fkey (staff_id)': JOINED_WITHOUT_TENANT,
};

interface Key {
  table: string;
  name: string;
  columns: string[];
}

/** Primary keys, unique constraints and unique indexes (partial ones too) of the public schema. */
async function uniqueKeys(db: Db): Promise<Key[]> {
  return db.query<Key>(`
    select t.relname as table, i.relname as name,
      array(select a.attname::text from unnest(x.indkey) with ordinality as k(attnum, n)
            join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace s on s.oid = t.relnamespace
    where s.nspname = 'public' and x.indisunique`);
}

/** Foreign keys between two tables of the public schema, with the referencing columns. */
async function foreignKeys(db: Db): Promise<Array<Key & { references: string }>> {
  return db.query(`
    select t.relname as table, c.conname as name, r.relname as references,
      array(select a.attname::text from unnest(c.conkey) with ordinality as k(attnum, n)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_class r on r.oid = c.confrelid
    join pg_namespace s on s.oid = t.relnamespace
    where s.nspname = 'public' and c.contype = 'f'`);
}

describe('tenant_id in every key (the schema can be distributed by tenant)', () => {
  let db: Db;
  let tenantTables: Set<string>;
  let tables: string[];

  beforeAll(async () => {
    db = await openMemoryDb();
    const rows = await db.query<{ table: string; scoped: boolean }>(`
      select c.relname as table,
        exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as scoped
      from pg_class c join pg_namespace s on s.oid = c.relnamespace
      where s.nspname = 'public' and c.relkind in ('r', 'p') order by 1`);
    tables = rows.map((r) => r.table);
    tenantTables = new Set(rows.filter((r) => r.scoped).map((r) => r.table));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('finds the schema it checks', () => {
    expect(tenantTables.size).toBeGreaterThan(10);
  });

  it('every table holds tenant_id, or is a global table listed with its reason', () => {
    const unlisted = tables.filter((t) => !tenantTables.has(t) && !(t in GLOBAL_TABLES));
    expect(unlisted, 'tables without tenant_id: add it, or list the table in GLOBAL_TABLES with why it is global').toEqual([]);
    const stale = Object.keys(GLOBAL_TABLES).filter((t) => !tables.includes(t) || tenantTables.has(t));
    expect(stale, 'GLOBAL_TABLES entries that are gone or now hold tenant_id').toEqual([]);
  });

  it('no primary key, unique key or foreign key between tenant tables leaves tenant_id out, beyond the listed ones', async () => {
    const label = (k: Key) => `${k.table}.${k.name} (${k.columns.join(',')})`;
    const uniques = (await uniqueKeys(db)).filter((k) => tenantTables.has(k.table) && !k.columns.includes('tenant_id'));
    // A key to `tenants` is on tenant_id itself; a key to another tenant table must join on it too.
    const joins = (await foreignKeys(db)).filter((k) => tenantTables.has(k.table) && tenantTables.has(k.references) && !k.columns.includes('tenant_id'));
    const offending = [...uniques, ...joins].map(label).sort();
    const listed = Object.keys(NOT_YET_SHARDABLE).sort();
    expect(offending.filter((o) => !listed.includes(o)), 'new keys without tenant_id: include it (see docs/deploy-instances.md)').toEqual([]);
    expect(listed.filter((l) => !offending.includes(l)), 'fixed keys: remove them from NOT_YET_SHARDABLE').toEqual([]);
  });
});
