-- Chat messages: the user's questions and Prex's answers, per session.
-- An assistant row is inserted as 'streaming' when its answer starts and finished once with its
-- text, cited sources, final status and the full chunk log, so a client can resume a finished
-- answer from the database after the in-memory live answer is gone.

create table messages (
  id text primary key,                          -- msg_…
  tenant_id text not null references tenants (id) on delete cascade,
  session_id text not null,
  role text not null check (role in ('user', 'assistant')),
  text text not null default '',
  status text not null check (status in ('streaming', 'complete', 'stopped', 'error')),
  sources jsonb not null default '[]'::jsonb,   -- Citation[]
  events jsonb not null default '[]'::jsonb,    -- UIStreamChunk[] in seq order (seq = index + 1)
  answerer text check (answerer in ('llm', 'extractive')),
  -- clock_timestamp(), not now(): two inserts in one transaction still get increasing times.
  created_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz,
  -- Insertion order: the tie-breaker when two messages share a created_at.
  position bigint generated always as identity,
  -- The composite key makes it impossible for a message to point at another tenant's session.
  foreign key (session_id, tenant_id) references sessions (id, tenant_id) on delete cascade
);

create index messages_tenant_session_created_idx on messages (tenant_id, session_id, created_at);
