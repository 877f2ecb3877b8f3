-- Prex core schema: tenants, their knowledge base (documents → chunks) and anonymous sessions.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase; no extensions.
-- Every row of tenant data carries tenant_id, and every query filters by it.

create table tenants (
  id text primary key,
  name text not null,
  -- Safe to publish in a script tag.
  publishable_key text not null unique,
  -- SHA-256 (hex) of the secret key; the key itself is shown once and never stored.
  secret_key_hash text not null unique,
  -- Exact origins (scheme://host[:port]) whose pages may use the publishable key.
  allowed_origins text[] not null default '{}',
  -- A ThemeOverride; missing fields take the protocol's defaults when read.
  theme jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table documents (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  -- The tenant's own id for the document (a slug, a CMS id); upserts key on it.
  external_id text not null,
  title text not null,
  url text,
  content text not null,
  -- SHA-256 of title, url and content: re-ingesting an unchanged document is skipped.
  checksum text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, external_id),
  -- Target of chunks' composite key, so a chunk can never point at another tenant's document.
  unique (id, tenant_id)
);

create table chunks (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  document_id text not null,
  ordinal integer not null,
  -- Copy of the document title: a generated column may only read its own row.
  title text not null,
  -- Heading path inside the document, e.g. 'Billing › Refunds'.
  section text,
  content text not null,
  tsv tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(section, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, content), 'C')
  ) stored,
  foreign key (document_id, tenant_id) references documents (id, tenant_id) on delete cascade,
  unique (document_id, ordinal)
);

create index chunks_tsv_idx on chunks using gin (tsv);
create index chunks_tenant_idx on chunks (tenant_id);

create table sessions (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Lets other tables reference (session, tenant) pairs, as chunks do with documents.
  unique (id, tenant_id)
);

create index sessions_tenant_idx on sessions (tenant_id);
