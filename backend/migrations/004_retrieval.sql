-- Retrieval: a per-chunk text-search language, a better-weighted tsvector, term statistics for
-- BM25-style ranking, and the tenant-level retrieval switch.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase; no extensions. The optional vector
-- channel (pgvector) is set up at start-up by knowledge/search/vector.ts, only where available.

-- Tenant-level assistant settings (agents are a later issue): { "retrieval": false } turns
-- knowledge-base search off for the tenant's chat; missing keys mean the defaults (retrieval on).
-- "language" picks the text-search configuration new chunks are indexed with (default english).
alter table tenants add column agent jsonb not null default '{}'::jsonb;

alter table chunks drop column tsv;
alter table chunks add column language regconfig not null default 'english'::regconfig;
-- Title (A) and heading path (B) are kept apart from the body (C) so ranking can weigh them.
alter table chunks add column tsv tsvector generated always as (
  setweight(to_tsvector(language, title), 'A') ||
  setweight(to_tsvector(language, coalesce(section, '')), 'B') ||
  setweight(to_tsvector(language, content), 'C')
) stored;
create index chunks_tsv_idx on chunks using gin (tsv);

-- A new chunk takes its tenant's configured language unless the insert names one.
create function prex_chunk_language() returns trigger language plpgsql as $$
declare
  configured regconfig;
begin
  select c.oid::regconfig into configured
  from tenants t join pg_ts_config c on c.cfgname = t.agent ->> 'language'
  where t.id = new.tenant_id;
  if configured is not null and new.language = 'english'::regconfig then
    new.language := configured;
  end if;
  return new;
end $$;
create trigger chunks_language before insert on chunks for each row execute function prex_chunk_language();

-- Document frequencies per tenant and lexeme, kept by statement-level triggers, so ranking can
-- weigh a rare word above a common one (inverse document frequency). The row with lexeme ''
-- holds the tenant's chunk count (df) and the total length of its vectors (total_len).
create table search_terms (
  tenant_id text not null references tenants (id) on delete cascade,
  lexeme text not null,
  df bigint not null default 0,
  total_len bigint not null default 0,
  primary key (tenant_id, lexeme)
);

create function prex_search_terms_add() returns trigger language plpgsql as $$
begin
  insert into search_terms (tenant_id, lexeme, df, total_len)
  select tenant_id, lexeme, sum(n), sum(len) from (
    select n.tenant_id, u.lexeme, 1 as n, 0 as len from new_chunks n, unnest(tsvector_to_array(n.tsv)) as u(lexeme)
    union all
    select n.tenant_id, '', 1, length(n.tsv) from new_chunks n
  ) s
  group by tenant_id, lexeme
  order by tenant_id, lexeme
  on conflict (tenant_id, lexeme) do update
    set df = search_terms.df + excluded.df, total_len = search_terms.total_len + excluded.total_len;
  return null;
end $$;

create function prex_search_terms_remove() returns trigger language plpgsql as $$
begin
  update search_terms s
  set df = greatest(s.df - d.n, 0), total_len = greatest(s.total_len - d.len, 0)
  from (
    select tenant_id, lexeme, sum(n) as n, sum(len) as len from (
      select o.tenant_id, u.lexeme, 1 as n, 0 as len from old_chunks o, unnest(tsvector_to_array(o.tsv)) as u(lexeme)
      union all
      select o.tenant_id, '', 1, length(o.tsv) from old_chunks o
    ) x
    group by tenant_id, lexeme
  ) d
  where s.tenant_id = d.tenant_id and s.lexeme = d.lexeme;
  return null;
end $$;

create trigger chunks_terms_insert after insert on chunks
  referencing new table as new_chunks for each statement execute function prex_search_terms_add();
create trigger chunks_terms_delete after delete on chunks
  referencing old table as old_chunks for each statement execute function prex_search_terms_remove();
create trigger chunks_terms_update_old after update on chunks
  referencing old table as old_chunks for each statement execute function prex_search_terms_remove();
create trigger chunks_terms_update_new after update on chunks
  referencing new table as new_chunks for each statement execute function prex_search_terms_add();

-- Chunks already stored (created before this migration) count too.
insert into search_terms (tenant_id, lexeme, df, total_len)
select tenant_id, lexeme, sum(n), sum(len) from (
  select c.tenant_id, u.lexeme, 1 as n, 0 as len from chunks c, unnest(tsvector_to_array(c.tsv)) as u(lexeme)
  union all
  select c.tenant_id, '', 1, length(c.tsv) from chunks c
) s
group by tenant_id, lexeme;
