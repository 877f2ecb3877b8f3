-- Row-level security on every table, so a Supabase project's Data API (PostgREST, as the `anon`
-- and `authenticated` roles) can neither read nor write Prex's data, whatever grants it has.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase.
--
-- Prex itself is one trusted server-side role: the role that runs these migrations owns the tables
-- and is the role Prex connects as (DATABASE_URL). Tenant isolation stays in Prex's queries (every
-- one filters by tenant_id); RLS here is the outer wall against every other role, not a per-tenant
-- rule.
--
-- Why enable AND force, and why a policy for the owner:
-- - `enable` alone exempts the table owner, but it still applies to every other role: with no
--   policy naming `anon`/`authenticated`, they see no row and change no row, even if a grant
--   comes back later (a dashboard click, a default privilege).
-- - `force` makes RLS apply to the owner too (a superuser or a BYPASSRLS role is never subject to
--   RLS, forced or not). Forcing alone would lock Prex out of its own tables, so each table gets
--   one permissive policy, `prex_owner`, for the role running the migration (and so its members):
--   Prex works exactly as before. Forcing makes the owner's access an explicit, auditable
--   policy instead of an implicit exemption: if ownership ever moves to another role (ALTER ...
--   OWNER, a dump restored by another user), that role sees nothing until it is named in a policy.
--   Prex must therefore connect as the role that ran the migrations (or a member of it).
-- - Referential-integrity checks and cascades bypass RLS by design, so foreign keys keep working.
--
-- Every table created later (a migration after this one, or at start-up like chunk_embeddings)
-- must call `select prex_protect_table('<table>');` right after `create table`; see
-- migrations/README.md. backend/test/db/row-level-security.test.ts fails when any table in
-- `public` lacks RLS, forced RLS or the owner policy.

create function prex_protect_table(target regclass) returns void language plpgsql as $$
declare
  outsider text;
  owned_sequence regclass;
begin
  execute format('alter table %s enable row level security', target);
  execute format('alter table %s force row level security', target);
  if not exists (select 1 from pg_policy where polrelid = target and polname = 'prex_owner') then
    execute format('create policy prex_owner on %s as permissive for all to %I using (true) with check (true)', target, current_user);
  end if;
  -- Supabase's roles for the Data API; they do not exist on PGlite or a plain Postgres server.
  foreach outsider in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = outsider) then
      execute format('revoke all on table %s from %I', target, outsider);
      -- The table's identity/serial sequences (messages.position, auth_events.id, ...).
      for owned_sequence in
        select d.objid::regclass from pg_depend d join pg_class s on s.oid = d.objid
        where d.classid = 'pg_class'::regclass and d.refobjid = target and d.deptype in ('a', 'i') and s.relkind = 'S'
      loop
        execute format('revoke all on sequence %s from %I', owned_sequence, outsider);
      end loop;
    end if;
  end loop;
end $$;

-- Functions are executable by PUBLIC by default; this one is Prex's own (the Data API would
-- otherwise offer it as an RPC).
revoke all on function prex_protect_table(regclass) from public;

-- Prex's tables by name, not "every table in public": on a Supabase project shared with another
-- app, that app's own tables are none of Prex's business. chunk_embeddings exists only where the
-- vector channel was set up (knowledge/search/vector.ts protects it when it creates it).
do $$
declare
  name text;
begin
  foreach name in array array[
    'schema_migrations', 'tenants', 'secret_keys', 'documents', 'document_versions', 'chunks', 'search_terms',
    'ingestion_jobs', 'ingestion_job_items', 'sessions', 'messages', 'agents', 'products', 'escalations',
    'llm_calls', 'customers', 'email_codes', 'auth_events', 'email_events', 'chunk_embeddings'
  ] loop
    if to_regclass('public.' || name) is not null then
      perform prex_protect_table(to_regclass('public.' || name));
    end if;
  end loop;
end $$;
