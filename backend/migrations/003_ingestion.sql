-- Ingestion: document versions, token counts per chunk, and batch ingestion jobs.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase; no extensions.
-- Every row of tenant data carries tenant_id, and every query filters by it.

-- The current version of a document and what it was parsed from.
alter table documents add column version integer not null default 1;
-- markdown | text | html | pdf | docx | faq-json | faq-csv
alter table documents add column format text not null default 'markdown';
-- Size of what was uploaded (the file, or the UTF-8 text), in bytes.
alter table documents add column byte_size integer not null default 0;

-- Tokens (gpt-tokenizer, o200k_base) in the chunk's content: what the chunker's budget counts.
alter table chunks add column token_count integer;

-- One row per version of a document, the current one included: what was ingested and when.
-- Chunks exist only for the current version; older versions keep their metadata here.
create table document_versions (
  tenant_id text not null references tenants (id) on delete cascade,
  document_id text not null,
  version integer not null,
  checksum text not null,
  title text not null,
  url text,
  format text not null,
  byte_size integer not null,
  chunk_count integer not null,
  created_at timestamptz not null default now(),
  primary key (document_id, version),
  foreign key (document_id, tenant_id) references documents (id, tenant_id) on delete cascade
);

create index document_versions_tenant_idx on document_versions (tenant_id, document_id);

-- A batch of documents to ingest (an upload, a CLI run). Its status is derived from its items.
create table ingestion_jobs (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  -- api | cli
  origin text not null,
  created_at timestamptz not null default now(),
  unique (id, tenant_id)
);

create index ingestion_jobs_tenant_idx on ingestion_jobs (tenant_id, created_at desc);

create table ingestion_job_items (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  ordinal integer not null,
  external_id text not null,
  -- The uploaded file's name (or null for a text body); its extension picks the parser.
  filename text,
  mime_type text,
  -- A format named by the uploader (a JSON text body); otherwise the parser is picked from the name.
  format text,
  -- Overrides for what the parser finds (a title, the public URL to cite).
  title text,
  url text,
  -- The raw bytes to parse; cleared once the item is ready or failed.
  payload bytea,
  byte_size integer not null,
  status text not null default 'queued' check (status in ('queued', 'indexing', 'ready', 'failed')),
  error text,
  attempts integer not null default 0,
  -- A queued item is not picked before this (retry backoff).
  next_attempt_at timestamptz not null default now(),
  -- An item 'indexing' past this time belongs to a worker that died: another one may take it.
  locked_until timestamptz,
  document_id text,
  version integer,
  chunk_count integer,
  unchanged boolean,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (job_id, tenant_id) references ingestion_jobs (id, tenant_id) on delete cascade,
  unique (job_id, ordinal)
);

create index ingestion_job_items_job_idx on ingestion_job_items (tenant_id, job_id, ordinal);
create index ingestion_job_items_external_idx on ingestion_job_items (tenant_id, external_id, created_at desc);
-- The worker's queue: only unfinished items are in this index.
create index ingestion_job_items_pending_idx on ingestion_job_items (next_attempt_at, created_at)
  where status in ('queued', 'indexing');
