import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openDatabase } from '../../src/db/open.js';
import type { Embedder } from '../../src/model/embeddings.js';
import { configureRetrieval } from '../../src/knowledge/search/index.js';
import { createTenant, findByPublishableKey } from '../../src/tenants/repository.js';
import { history, lastAssistant, newVisitor, readSse, send, startChatTestServer, textOf, type ChatTestServer } from '../helpers/chat.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';

/** Tables in `public` missing enabled RLS, forced RLS or the `prex_owner` policy. */
async function unprotectedTables(db: Db): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p')
       and not (c.relrowsecurity and c.relforcerowsecurity
                and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'prex_owner'))
     order by 1`,
  );
  return rows.map((r) => r.name);
}

describe('every table has row-level security (enabled, forced, owner policy)', () => {
  it('holds for every table the migrations create, and for chunk_embeddings made at start-up', async () => {
    const db = await openMemoryDb();
    try {
      const tables = await db.query<{ n: number }>(`select count(*) as n from pg_tables where schemaname = 'public'`);
      expect(tables[0]!.n).toBeGreaterThan(15);
      // A new table without prex_protect_table is exactly what this test exists to catch.
      expect(await unprotectedTables(db)).toEqual([]);
      // The vector channel creates its table at start-up (PGlite has pgvector).
      const embedder: Embedder = { model: 'test-embeddings', dimensions: 3, embed: async (texts) => texts.map(() => [1, 0, 0]) };
      expect((await configureRetrieval(db, embedder, silentLog)).vector).not.toBeNull();
      expect(await unprotectedTables(db)).toEqual([]);
      expect(await db.query(`select 1 from pg_tables where tablename = 'chunk_embeddings'`)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

/**
 * A Supabase project's database, as far as grants go: the `anon` and `authenticated` roles of the
 * Data API, and default privileges that grant them everything on every new table in `public`
 * (Supabase's own setup). Prex connects as its own non-superuser role owning its database, so
 * forced RLS applies to it too.
 */
describe('on a real Postgres server with Supabase\'s roles and default grants', () => {
  const adminUrl = inject('postgresUrl');
  const suffix = randomBytes(4).toString('hex');
  const prexRole = `prex_app_${suffix}`;
  const database = `prex_rls_${suffix}`;
  let prexUrl: string;
  let prexDb: Db;
  let chat: ChatTestServer;

  const withAdmin = async <T>(work: (c: pg.Client) => Promise<T>, db = database): Promise<T> => {
    const url = new URL(adminUrl);
    url.pathname = `/${db}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  /** Runs `sql` as `role` (set role, as PostgREST does per request), returning rows or the error message. */
  const asRole = (role: string, sql: string, params: unknown[] = []) =>
    withAdmin(async (c) => {
      await c.query('begin');
      await c.query(`set local role ${role}`);
      try {
        const result = await c.query(sql, params);
        return { rows: result.rows as Record<string, unknown>[], count: result.rowCount };
      } catch (error) {
        return { error: (error as Error).message };
      } finally {
        await c.query('rollback');
      }
    });

  beforeAll(async () => {
    await withAdmin(async (c) => {
      for (const role of ['anon', 'authenticated']) {
        await c.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${role} nologin noinherit; end if; end $$`);
      }
      await c.query(`create role ${prexRole} login nosuperuser nobypassrls`);
      await c.query(`create database ${database} owner ${prexRole}`);
    }, 'prex');
    await withAdmin(async (c) => {
      // Supabase's grants, made before any Prex table exists (as its setup does for role postgres).
      await c.query(`grant usage on schema public to anon, authenticated`);
      for (const kind of ['tables', 'sequences', 'functions']) {
        await c.query(`alter default privileges for role ${prexRole} in schema public grant all on ${kind} to anon, authenticated`);
      }
    });
    const url = new URL(adminUrl);
    url.username = prexRole;
    url.pathname = `/${database}`;
    prexUrl = url.toString();
    // Migrations run as Prex's own role, which thereby owns every table.
    prexDb = await openDatabase({ kind: 'postgres', url: prexUrl }, silentLog);
    chat = await startChatTestServer({}, prexDb);
  });

  afterAll(async () => {
    await chat?.close();
    await prexDb?.close();
    await withAdmin(async (c) => {
      await c.query(`drop database if exists ${database} with (force)`);
      await c.query(`drop role if exists ${prexRole}`);
    }, 'prex');
  });

  it('Prex runs as a role that is neither superuser nor BYPASSRLS, so forced RLS applies to it', async () => {
    const [role] = await prexDb.query<{ rolsuper: boolean; rolbypassrls: boolean }>('select rolsuper, rolbypassrls from pg_roles where rolname = current_user');
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    expect(await unprotectedTables(prexDb)).toEqual([]);
  });

  it('anon and authenticated hold no privilege on any Prex table and cannot read tenants or change allowed_origins', async () => {
    const granted = await withAdmin((c) =>
      c.query(`select c.relname, r.role from pg_class c join pg_namespace n on n.oid = c.relnamespace
               cross join (values ('anon'), ('authenticated')) as r(role)
               where n.nspname = 'public' and c.relkind in ('r', 'S')
                 and has_table_privilege(r.role, c.oid, 'select, insert, update, delete, truncate, references, trigger')`),
    );
    expect(granted.rows).toEqual([]);
    for (const role of ['anon', 'authenticated']) {
      expect(await asRole(role, 'select * from tenants')).toEqual({ error: 'permission denied for table tenants' });
      expect(await asRole(role, `update tenants set allowed_origins = '{https://evil.example}'`)).toEqual({ error: 'permission denied for table tenants' });
      expect(await asRole(role, 'select * from secret_keys')).toEqual({ error: 'permission denied for table secret_keys' });
      expect(await asRole(role, 'select * from messages')).toEqual({ error: 'permission denied for table messages' });
    }
  });

  it('even with the grants back (a dashboard click), RLS shows them no row and lets them change none', async () => {
    await withAdmin((c) => c.query('grant select, update on tenants to anon'));
    try {
      expect(await asRole('anon', 'select id from tenants')).toEqual({ rows: [], count: 0 });
      expect(await asRole('anon', `update tenants set allowed_origins = '{https://evil.example}'`)).toEqual({ rows: [], count: 0 });
    } finally {
      await withAdmin((c) => c.query('revoke all on tenants from anon'));
    }
    const origins = await prexDb.query<{ allowed_origins: string[] }>('select allowed_origins from tenants');
    expect(origins.length).toBeGreaterThan(0);
    expect(origins.flatMap((r) => r.allowed_origins)).not.toContain('https://evil.example');
  });

  it('Prex itself works as before: tenants, sessions, a streamed answer and its history', async () => {
    const { tenant } = await createTenant(prexDb, { name: 'Own role', allowedOrigins: ['https://own.example'] });
    expect((await findByPublishableKey(prexDb, tenant.publishableKey))?.id).toBe(tenant.id);
    const visitor = await newVisitor(chat);
    const read = await readSse(await send(visitor, { text: 'How do I get a refund?' }));
    expect(textOf(read.chunks)).toMatch(/refund/i);
    const answer = lastAssistant(await history(visitor));
    expect(answer.status).toBe('complete');
  });
});
