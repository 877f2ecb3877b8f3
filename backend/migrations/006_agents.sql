-- Agents: a tenant's assistants (support, sales…), each with its persona, model settings, retrieval
-- switch, knowledge filter and tool set. Messages remember which agent answered, who wrote them
-- (the bot or a human after a handoff), how a user message was classified, and the tool calls made.
-- Plain SQL for PGlite, Debian's Postgres 15 and Supabase; every query filters by tenant_id.

create table agents (
  id text primary key,                                  -- agt_…
  tenant_id text not null references tenants (id) on delete cascade,
  -- How the widget and the API pick the agent: a slug, e.g. 'support'.
  name text not null,
  is_default boolean not null default false,
  -- Tone, vocabulary, sign-offs; and the tenant's extra rules. Both go into the system prompt.
  persona text not null default '',
  instructions text not null default '',
  -- Null means the configured default model / the provider's default temperature.
  model text,
  temperature real check (temperature is null or (temperature >= 0 and temperature <= 2)),
  retrieval boolean not null default true,
  -- { "tags": ["billing"] }: only documents carrying one of these tags are searched. {} = all.
  knowledge_filter jsonb not null default '{}'::jsonb,
  -- Names of the tools this agent may call (tools/registry.ts).
  tools text[] not null default '{lookup_customer,search_products,handoff_to_human}',
  -- A persona drafted from past human replies, kept for review; never applied silently.
  persona_draft jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, name),
  unique (id, tenant_id)
);

-- At most one default agent per tenant.
create unique index agents_one_default_idx on agents (tenant_id) where is_default;

-- Tags for knowledge filters.
alter table documents add column tags text[] not null default '{}';
create index documents_tags_idx on documents using gin (tags);

-- Which agent answered (assistant) or was addressed (user). Kept when the agent is deleted.
alter table messages add column agent_id text;
-- 'human' for a staff reply after a handoff.
alter table messages add column author text not null default 'bot' check (author in ('bot', 'human'));
-- The classification of a user message (protocol MessageLabel) and what decided it.
alter table messages add column label text;
alter table messages add column label_source text check (label_source in ('model', 'rules'));
-- The tool calls made while writing an answer: [{ id, name, arguments, result, status, at }].
alter table messages add column tool_calls jsonb not null default '[]'::jsonb;
-- Staff marked this answer as a good example (fine-tuning export).
alter table messages add column marked_good boolean not null default false;

create index messages_tenant_label_idx on messages (tenant_id, created_at) where label is not null;
