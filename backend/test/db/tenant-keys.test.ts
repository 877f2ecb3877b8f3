import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openMemoryDb } from '../helpers/db.js';

/**
 * Tenants are the unit of sharding (docs/deploy-instances.md, "Beyond one database"): a table is
 * distributed by tenant_id only if every primary key and unique constraint holds tenant_id, and a
 * foreign key between two tenant tables joins on tenant_id too (Citus checks both, and so would a
 * tenant directory moving a tenant's rows). This reads the catalog of the migrated schema:
 * - every table either has a tenant_id column or is a global table, allow-listed with its reason;
 * - no key of a table distributed by tenant leaves tenant_id out. A table that holds tenant_id but
 *   is looked up across tenants (the tenant directory) is listed as global with its reason;
 *   NOT_YET_SHARDABLE, the ratchet for keys still to change, is empty and should stay so.
 */

/** Tables without tenant_id, and why each is global (a reference table, or per database). */
const GLOBAL_TABLES: Record<string, string> = {
  tenants: 'the tenant directory itself: a reference table (copied to every node)',
  rate_limit_windows: 'counts per client address, before any tenant is known; per database (each shard limits alone)',
  schema_migrations: 'the migration runner bookkeeping, per database',
  server_secrets: 'the session secret every instance signs with; a reference table',
};

/**
 * Tables that hold tenant_id as an attribute but are not distributed by it, so their keys need not
 * hold it: what is looked up, or counted, across tenants.
 */
const GLOBAL_TABLES_NAMING_A_TENANT: Record<string, string> = {
  tenant_directory:
    'credential hashes, secret key ids and SMS numbers → tenant, looked up before the tenant is known and unique across tenants: a reference table (migrations/026)',
  auth_events:
    'refusals counted per client address and email across tenants (tenant_id null when no tenant is named): per database like rate_limit_windows, each shard limits alone',
};

/**
 * Keys that leave tenant_id out, with what a migration must change before the schema is distributed.
 * Empty since migrations/025 and 026; a key that cannot hold tenant_id belongs in a global table above.
 */
const NOT_YET_SHARDABLE: Record<string, string> = {};

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
  /** Tables with a tenant_id column; tenantTables: those of them distributed by it. */
  let scopedTables: Set<string>;
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
    scopedTables = new Set(rows.filter((r) => r.scoped).map((r) => r.table));
    tenantTables = new Set([...scopedTables].filter((t) => !(t in GLOBAL_TABLES_NAMING_A_TENANT)));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('finds the schema it checks', () => {
    expect(tenantTables.size).toBeGreaterThan(10);
  });

  it('every table holds tenant_id, or is a global table listed with its reason', () => {
    const unlisted = tables.filter((t) => !scopedTables.has(t) && !(t in GLOBAL_TABLES));
    expect(unlisted, 'tables without tenant_id: add it, or list the table in GLOBAL_TABLES with why it is global').toEqual([]);
    const stale = Object.keys(GLOBAL_TABLES).filter((t) => !tables.includes(t) || scopedTables.has(t));
    expect(stale, 'GLOBAL_TABLES entries that are gone or now hold tenant_id').toEqual([]);
    const gone = Object.keys(GLOBAL_TABLES_NAMING_A_TENANT).filter((t) => !scopedTables.has(t));
    expect(gone, 'GLOBAL_TABLES_NAMING_A_TENANT entries that are gone or lost tenant_id').toEqual([]);
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
